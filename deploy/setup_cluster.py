"""`python -m deploy.setup_cluster`: create the namespace and register our search attributes, idempotently.

    python -m deploy.setup_cluster [--retention 30d] [--wait 120s] [--check]

Names and types come from `workflows/search_attributes.py`, so they are never typed by hand. On Temporal Cloud
(where namespaces and search attributes are managed in the Cloud UI or `tcld`) use `--check`: it changes
nothing and lists what is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import timedelta

from google.protobuf.duration_pb2 import Duration
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest, ListSearchAttributesRequest
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest, RegisterNamespaceRequest
from temporalio.client import Client
from temporalio.common import SearchAttributeKey
from temporalio.service import RPCError, RPCStatusCode

from config.settings import Settings
from policy.durations import format_duration, parse_duration
from starter.cli import exit_now
from starter.connect import connect
from workflows.search_attributes import ALL

DEFAULT_RETENTION = timedelta(days=30)


class SetupError(RuntimeError):
    """The cluster cannot be brought to the wanted shape; the message says what is wrong and what to do."""


def wanted_search_attributes(keys: Iterable[SearchAttributeKey] = ALL) -> dict[str, int]:
    return {key.name: key.indexed_value_type for key in keys}


def type_name(value: int) -> str:
    return IndexedValueType.Name(value).removeprefix("INDEXED_VALUE_TYPE_")


async def _eventually(check: Callable[[], Awaitable[bool]], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise SetupError(f"{what} not visible after {timeout:.0f}s")
        await asyncio.sleep(0.5)


async def namespace_exists(client: Client, namespace: str) -> bool:
    try:
        await client.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace=namespace))
        return True
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            return False
        raise


async def registered_search_attributes(client: Client, namespace: str) -> dict[str, int]:
    response = await client.operator_service.list_search_attributes(ListSearchAttributesRequest(namespace=namespace))
    return dict(response.custom_attributes)


async def namespace_usable(client: Client, namespace: str) -> bool:
    """A new namespace is in the database at once, but in the frontend's namespace cache only after a refresh."""
    try:
        await registered_search_attributes(client, namespace)
        return True
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            return False
        raise


async def setup_cluster(client: Client, namespace: str, *, retention: timedelta = DEFAULT_RETENTION,
                        check_only: bool = False, settle_timeout: float = 60.0) -> list[str]:
    """Bring `namespace` and its search attributes to the wanted shape; answers what was done."""
    done: list[str] = []
    if not await namespace_exists(client, namespace):
        if check_only:
            raise SetupError(f"namespace {namespace!r} does not exist")
        try:
            await client.workflow_service.register_namespace(RegisterNamespaceRequest(
                namespace=namespace, workflow_execution_retention_period=Duration(
                    seconds=int(retention.total_seconds())),
                description="customer-support escalation engine"))
            done.append(f"namespace {namespace} created (retention {format_duration(retention)})")
        except RPCError as err:
            if err.status != RPCStatusCode.ALREADY_EXISTS:  # a concurrent set-up won the race: fine
                raise SetupError(f"cannot create namespace {namespace!r}: {err.message}") from None
    await _eventually(lambda: namespace_usable(client, namespace), settle_timeout, f"namespace {namespace}")
    wanted = wanted_search_attributes()
    have = await registered_search_attributes(client, namespace)
    clashes = [f"{name} is {type_name(have[name])}, wanted {type_name(kind)}"
               for name, kind in wanted.items() if name in have and have[name] != kind]
    if clashes:
        raise SetupError("search attributes registered with another type (remove them or use another namespace): "
                         + "; ".join(clashes))
    missing = {name: kind for name, kind in wanted.items() if name not in have}
    if missing and check_only:
        raise SetupError("search attributes missing in namespace " + namespace + ": "
                         + ", ".join(f"{n} ({type_name(k)})" for n, k in missing.items()))
    if missing:
        try:
            await client.operator_service.add_search_attributes(
                AddSearchAttributesRequest(namespace=namespace, search_attributes=missing))
        except RPCError as err:
            if err.status != RPCStatusCode.ALREADY_EXISTS:
                raise SetupError(f"cannot register search attributes: {err.message}") from None

        async def all_there() -> bool:
            return set(wanted) <= set(await registered_search_attributes(client, namespace))

        await _eventually(all_there, settle_timeout, "search attributes")
        done.append("search attributes registered: " + ", ".join(sorted(missing)))
    return done


async def connect_when_ready(settings: Settings, wait: float) -> Client:
    """Connect, retrying while the server is still starting (up to `wait` seconds)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            client = await connect(settings)
            await client.service_client.check_health()
            return client
        except (RuntimeError, RPCError) as exc:
            if time.monotonic() > deadline:
                raise SetupError(f"Temporal at {settings.temporal_address} not reachable after {wait:.0f}s: {exc}") from None
            await asyncio.sleep(1)


async def run(settings: Settings, retention: timedelta, wait: float, check_only: bool) -> list[str]:
    client = await connect_when_ready(settings, wait)
    return await setup_cluster(client, settings.temporal_namespace, retention=retention, check_only=check_only)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m deploy.setup_cluster", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--retention", type=parse_duration, default=DEFAULT_RETENTION,
                        help="how long closed issues stay in Temporal (new namespace only), e.g. 30d")
    parser.add_argument("--wait", type=parse_duration, default=timedelta(seconds=120),
                        help="how long to wait for the server to come up")
    parser.add_argument("--check", action="store_true", help="change nothing; fail if something is missing")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    from config.settings import get_settings

    args = parse_args(argv)
    settings = get_settings()
    try:
        done = asyncio.run(run(settings, args.retention, args.wait.total_seconds(), args.check))
    except (SetupError, ValueError) as exc:  # ValueError: bad codec keys or TLS settings, named clearly
        print(f"cluster set-up failed: {exc}", file=sys.stderr)
        return 1
    for line in done or ["nothing to do: namespace and search attributes are in place"]:
        print(f"{settings.temporal_namespace}: {line}")
    return 0


if __name__ == "__main__":
    exit_now(main())  # no interpreter teardown: the SDK's threads can abort it (sdk-python#300)
