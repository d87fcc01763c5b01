"""Cluster set-up on the dev server: a new namespace with our search attributes, idempotently; clear refusals;
and the compose profile's first-run step as the compose file runs it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest
from google.protobuf.duration_pb2 import Duration
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest, RegisterNamespaceRequest

from api.tokens import read_token_file
from codec.keys import read_key_file
from config.settings import PROJECT_ROOT
from deploy.setup_cluster import (SetupError, namespace_exists, registered_search_attributes, setup_cluster,
                                  wanted_search_attributes)
from workflows.search_attributes import CLI_TYPES


def fresh_namespace() -> str:
    return f"esc-{uuid.uuid4().hex[:10]}"


async def test_creates_the_namespace_and_search_attributes_once(dev_env):
    client, namespace = dev_env.client, fresh_namespace()
    done = await setup_cluster(client, namespace, retention=timedelta(days=3))
    assert done[0] == f"namespace {namespace} created (retention 3d)"
    assert done[1] == "search attributes registered: " + ", ".join(sorted(CLI_TYPES))
    have = await registered_search_attributes(client, namespace)
    assert {name: have[name] for name in CLI_TYPES} == wanted_search_attributes()
    assert {name: IndexedValueType.Name(have[name]) for name in CLI_TYPES} == {
        name: "INDEXED_VALUE_TYPE_" + kind.upper() for name, kind in CLI_TYPES.items()}
    described = await client.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace=namespace))
    assert described.config.workflow_execution_retention_ttl.ToTimedelta() == timedelta(days=3)
    assert await setup_cluster(client, namespace) == []  # again: nothing to do, nothing changed


async def test_check_mode_and_type_clashes_change_nothing(dev_env):
    client, namespace = dev_env.client, fresh_namespace()
    with pytest.raises(SetupError, match=f"namespace '{namespace}' does not exist"):
        await setup_cluster(client, namespace, check_only=True)
    assert not await namespace_exists(client, namespace)
    await client.workflow_service.register_namespace(RegisterNamespaceRequest(
        namespace=namespace, workflow_execution_retention_period=Duration(seconds=86400)))
    with pytest.raises(SetupError, match=r"missing in namespace .*IssueStatus \(KEYWORD\).*SlaBreached \(BOOL\)"):
        await setup_cluster(client, namespace, check_only=True)
    await client.operator_service.add_search_attributes(AddSearchAttributesRequest(
        namespace=namespace, search_attributes={"IssueStatus": IndexedValueType.INDEXED_VALUE_TYPE_INT}))
    with pytest.raises(SetupError, match="IssueStatus is INT, wanted KEYWORD"):
        await setup_cluster(client, namespace)
    assert set(await registered_search_attributes(client, namespace)) & set(CLI_TYPES) == {"IssueStatus"}


def test_first_run_step_as_compose_runs_it(dev_env, tmp_path):
    """`python -m deploy.bootstrap`: key file and empty token file created, namespace set up; again: no-op."""
    namespace = fresh_namespace()
    env = {**os.environ, "ESCALATION_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
           "ESCALATION_TEMPORAL_NAMESPACE": namespace, "ESCALATION_DATA_DIR": str(tmp_path / "data"),
           "ESCALATION_CODEC_KEY_FILE": str(tmp_path / "keys" / "codec-keys.yaml"),
           "ESCALATION_TOKEN_FILE": str(tmp_path / "secrets" / "tokens.yaml")}

    def bootstrap() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "deploy.bootstrap", "--retention", "7d", "--wait", "20s"],
                              env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)

    first = bootstrap()
    assert first.returncode == 0, first.stderr
    keys = read_key_file(tmp_path / "keys" / "codec-keys.yaml")
    assert f"active key {keys.active}" in first.stdout and f"namespace {namespace} created (retention 7d)" in first.stdout
    assert read_token_file(tmp_path / "secrets" / "tokens.yaml").tokens == []
    for secret in (tmp_path / "keys" / "codec-keys.yaml", tmp_path / "secrets" / "tokens.yaml"):
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert all(value not in first.stdout + first.stderr for value in keys.keys.values())
    again = bootstrap()
    assert again.returncode == 0 and again.stdout.strip() == "nothing to do", again.stdout + again.stderr
    assert read_key_file(tmp_path / "keys" / "codec-keys.yaml") == keys  # the key is never replaced
