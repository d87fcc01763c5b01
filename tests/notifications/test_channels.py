"""The apprise channel against real servers: what arrives, and which failures are worth a retry."""

from __future__ import annotations

import logging

import pytest

from notifications.addresses import Addressing, UnreachableAddress, check_address, with_recipient
from notifications.channels import AppriseChannel, ChannelError, PermanentChannelError, classify, describe

SUBJECT = "[T-1] Ο δρομολογητής επανεκκινείται"
BODY = "Здравствуйте!\nВаш вопрос передан инженеру сервисной службы."


def test_mail_arrives_through_smtp_with_subject_and_utf8_body(smtp):
    url = Addressing(smtp.mail_url).url_for("maria@example.com")
    AppriseChannel().send(url, SUBJECT, BODY)
    [mail] = smtp.to("maria@example.com")
    assert mail.subject == SUBJECT and mail.body.strip() == BODY and mail.sender == "support@example.com"


def test_a_refused_mailbox_is_permanent_a_deferral_or_a_dead_server_is_not(smtp):
    channel, addressing = AppriseChannel(), Addressing(smtp.mail_url)
    smtp.refuse.add("gone@example.com")
    with pytest.raises(PermanentChannelError, match="SMTP 550"):
        channel.send(addressing.url_for("gone@example.com"), SUBJECT, BODY)
    smtp.defer_next = 1
    with pytest.raises(ChannelError, match="SMTP 451") as deferred:
        channel.send(addressing.url_for("busy@example.com"), SUBJECT, BODY)
    assert not isinstance(deferred.value, PermanentChannelError)
    smtp.down()
    with pytest.raises(ChannelError, match="could not connect") as down:
        channel.send(addressing.url_for("busy@example.com"), SUBJECT, BODY)
    assert not isinstance(down.value, PermanentChannelError)
    smtp.up()
    channel.send(addressing.url_for("busy@example.com"), SUBJECT, BODY)
    assert len(smtp.to("busy@example.com")) == 1 and smtp.to("gone@example.com") == []


def test_a_webhook_gets_json_and_its_status_decides(webhook):
    channel = AppriseChannel()
    channel.send(webhook.url("/ok"), SUBJECT, BODY)
    [hook] = webhook.accepted("/ok")
    assert hook.payload["title"] == SUBJECT and hook.payload["message"] == BODY
    for path, status, permanent in (("/gone", 404, True), ("/auth", 401, True), ("/slow", 429, False),
                                    ("/busy", 503, False)):
        webhook.status[path] = status
        with pytest.raises(ChannelError, match=f"HTTP {status}") as err:
            channel.send(webhook.url(path), SUBJECT, BODY)
        assert isinstance(err.value, PermanentChannelError) is permanent, path


def test_a_url_apprise_cannot_use_is_permanent():
    with pytest.raises(PermanentChannelError, match="nonsense://"):
        AppriseChannel().send("nonsense://somewhere", SUBJECT, BODY)


def test_apprise_log_output_stays_out_of_the_process_log(smtp):
    """Apprise logs addresses and bodies; none of it may reach the process log (the root logger)."""
    seen: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(f"{record.name}: {record.getMessage()}")

    root, handler = logging.getLogger(), Collect(level=logging.DEBUG)
    root.addHandler(handler)
    try:
        smtp.refuse.add("private.person@example.com")
        with pytest.raises(PermanentChannelError) as err:
            AppriseChannel().send(Addressing(smtp.mail_url).url_for("private.person@example.com"), SUBJECT, BODY)
    finally:
        root.removeHandler(handler)
    assert not any(line.startswith("apprise") for line in seen)
    assert "private.person" not in str(err.value)


@pytest.mark.parametrize(("lines", "permanent", "reason"), [
    (["There are no Email recipients to notify"], True, "no valid recipient"),
    (["Socket Exception: {'a@b.c': (550, b'5.1.1 unknown')}"], True, "SMTP 550"),
    (["Socket Exception: (554, b'5.7.1 rejected as spam')"], True, "SMTP 554"),
    (["Socket Exception: {'a@b.c': (452, b'4.2.2 mailbox full')}"], False, "SMTP 452"),
    (["Failed to send Slack notification: Not Found, error=404."], True, "HTTP 404"),
    (["Failed to send Telegram notification: Too Many Requests, error=429."], False, "HTTP 429"),
    (["Failed to send MSTeams notification: Bad Gateway, error=502."], False, "HTTP 502"),
    (["A Connection error occurred sending JSON notification to host."], False, "could not connect"),
    ([], False, "sending failed"),
])
def test_classification_of_apprise_failures(lines, permanent, reason):
    error = classify("Service", lines)
    assert isinstance(error, PermanentChannelError) is permanent and reason in str(error)


def test_addresses_become_apprise_urls():
    addressing = Addressing("mailto://relay.example:2525?from=support@example.com&to=old@example.com",
                            sms_url="json://sms.example/send/{phone}")
    url = addressing.url_for("maria+tag@example.com")
    assert url.startswith("mailto://relay.example:2525?") and "to=maria%2Btag@example.com" in url
    assert "old@example.com" not in url and with_recipient(url, "x@example.com").count("to=") == 1
    assert addressing.url_for("slack://T1/B2/C3/#support") == "slack://T1/B2/C3/#support"
    assert addressing.customer_url("+30 (210) 555-0100") == "json://sms.example/send/+302105550100"
    with pytest.raises(UnreachableAddress, match="no SMS channel"):
        Addressing("mailto://relay.example").customer_url("+30 210 555 0100")
    with pytest.raises(UnreachableAddress, match="neither an email address"):
        addressing.customer_url("maria at example")
    with pytest.raises(ValueError, match="apprise cannot use"):
        check_address("nonsense://x")
    assert describe("json://user:secret@hooks.example/x").address.count("secret") == 0
