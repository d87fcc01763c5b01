"""With the codec on, the dev server's history of an issue holds no plaintext customer data, failures included;
ops read it back through the codec endpoint."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads

from activities.notifier import Notifier
from activities.outbox import Outbox
from codec.aes import AesGcmCodec, is_encrypted
from domain.events import AddComment, CustomerReply
from notifications.addresses import Addressing
from starter.connect import connect
from tests.codec.conftest import Tokens, codec_settings
from tests.codec.history import payloads_in, raw_bytes
from tests.conftest import TrackingIssueClient, make_issue, short_policy
from tests.notifications.receivers import MailReceiver
from tests.workflows.helpers import kinds, state_when
from workers.build import build_worker

ISSUE = make_issue(f"ENC-{uuid.uuid4().hex[:8]}", subject="Invoice 4471 charged twice to my Visa",
                   description="I am Maria Papadopoulou, Odos Ermou 12, Athens; please refund one of them.")
COMMENT = "Called Maria Papadopoulou back on +30 210 555 0199"
REPLY = "My card ending 4242 still shows both charges"
SECRETS = (ISSUE.customer.name, ISSUE.customer.contact, ISSUE.subject, ISSUE.description, COMMENT, REPLY)


@pytest.fixture
def bouncing_mail() -> Iterator[MailReceiver]:
    """A real SMTP server that refuses the customer's mailbox for good (550): a failure lands in the history."""
    receiver = MailReceiver()
    receiver.refuse.add(ISSUE.customer.contact)
    receiver.up()
    yield receiver
    receiver.down()


async def test_history_holds_no_plaintext_customer_data(dev_env, executor, tmp_path, bouncing_mail, server_ring,
                                                        codec_url, codec_tokens):
    address = dev_env.client.service_client.config.target_host
    client = await connect(codec_settings(server_ring, temporal_address=address))
    task_queue = f"tq-enc-{uuid.uuid4().hex[:8]}"
    worker = build_worker(client, task_queue, Outbox(tmp_path / "outbox.sqlite3"), executor,
                          Notifier(addressing=Addressing(bouncing_mail.mail_url)))
    issues = TrackingIssueClient(client, short_policy(), task_queue)
    async with worker:
        try:
            await issues.open(ISSUE)
            await issues.act(ISSUE.id, AddComment(actor="ann", text=COMMENT))
            await issues.signal(ISSUE.id, CustomerReply(actor="portal", text=REPLY))
            await state_when(issues, ISSUE.id, lambda s: "delivery_failed" in kinds(s) and "customer_reply" in kinds(s))
            # read it as anyone with access to the server would: a client WITHOUT the codec
            history = await dev_env.client.get_workflow_handle(ISSUE.workflow_id).fetch_history()
        finally:
            await issues.terminate_opened()

    stored = raw_bytes(history)
    leaks = [secret for secret in SECRETS if secret.encode() in stored]
    assert not leaks, f"plaintext customer data in the stored history: {leaks}"
    failures = [e.activity_task_failed_event_attributes.failure for e in history.events
                if e.HasField("activity_task_failed_event_attributes")]
    assert failures and all(f.message == "Encoded failure" and not f.stack_trace for f in failures)

    # the data is there, encrypted: the codec (and so the codec endpoint the UI uses) reads it back
    encrypted = [p for event in history.events for p in payloads_in(event) if is_encrypted(p)]
    decoded = b"".join(p.data for p in await AesGcmCodec(server_ring).decode(encrypted))
    assert all(secret.encode() in decoded for secret in (ISSUE.customer.name, COMMENT, REPLY))
    assert b"mailbox unavailable" in decoded or b"550" in decoded  # the failure's own text, decrypted
    async with httpx.AsyncClient(base_url=codec_url, headers=Tokens.bearer(codec_tokens.ops)) as http:
        response = await http.post("/decode", content=json_format.MessageToJson(Payloads(payloads=encrypted)))
    assert response.status_code == 200
    via_endpoint = json_format.Parse(response.text, Payloads()).payloads
    assert b"".join(p.data for p in via_endpoint) == decoded
