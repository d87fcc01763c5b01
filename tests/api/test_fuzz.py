"""Schemathesis against the app's own OpenAPI schema over real HTTP, bounded in examples and time: no 5xx."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import make_issue

EXAMPLES = 8  # per operation and generation mode
BUDGET_SECONDS = 45.0
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]


def _fuzz(base_url: str, token: str, known_issue: str) -> tuple[Counter, list[str]]:
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    headers = {"Authorization": f"Bearer {token}"}
    started = time.monotonic()
    statuses, failures = Counter(), []
    for result in schema.get_all_operations():
        operation = result.ok()
        variants = [{}]
        if "{issue_id}" in operation.path:  # also aim at a real issue, so valid actions reach the workflow
            variants.append({"path_parameters": {"issue_id": known_issue}})
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for fixed in variants:
                @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                          suppress_health_check=list(HealthCheck))
                @given(case=operation.as_strategy(generation_mode=mode, **fixed))
                def run(case) -> None:  # noqa: ANN001
                    if time.monotonic() - started > BUDGET_SECONDS:
                        return
                    response = case.call(base_url=base_url, headers=headers, timeout=15)
                    statuses[response.status_code] += 1
                    try:
                        case.validate_response(response, checks=CHECKS, headers=headers)
                    except Exception as failure:  # schemathesis raises a group of everything it found
                        failures.append(f"{operation.label} [{mode.value}]: {str(failure)[:600]}")

                try:
                    run()
                except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
                    assert mode is GenerationMode.NEGATIVE, operation.label
    return statuses, failures


async def test_fuzzing_the_schema_finds_no_server_error_and_no_contract_breach(dev, dev_api, tokens):
    issue = make_issue()
    assert (await dev_api.open(issue)).status_code == 201
    started = time.monotonic()
    statuses, failures = await asyncio.to_thread(_fuzz, str(dev_api.http.base_url), tokens.by_role["ops"], issue.id)
    elapsed = time.monotonic() - started
    print(f"schemathesis: {sum(statuses.values())} requests in {elapsed:.1f}s, by status: {dict(statuses)}")
    assert not failures, "\n".join(failures)
    assert elapsed < 60
    assert {200, 201, 401, 404, 409, 422} <= statuses.keys()  # it reached real workflows, not just validation
