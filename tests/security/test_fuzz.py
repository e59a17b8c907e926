"""Part 3 of "Prove it survives": schemathesis against each service's own OpenAPI document.

Each service runs in-process (fresh database, real Kafka) behind a real HTTP server on the test's loop; the fuzzer
runs in a worker thread with a fixed, derandomized example budget so CI runs the same cases every time.
"""

from __future__ import annotations

import asyncio

import jwt
import pytest

from sinergi_shared.auth import SCOPES
from tests.security.fuzz import FuzzReport, run_fuzz
from tests.security.support import Services, live_server, operator_headers
from tests.support.tokens import TestIssuer

pytestmark = [
    pytest.mark.slow,
    # schemathesis draws from `random` inside its strategies; derandomize=True still fixes every case.
    pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning"),
]

VALID_EXAMPLES = 12  # per operation and per generation mode (positive, negative)
NO_TOKEN_EXAMPLES = 4  # per operation, positive and negative


async def _token_for(name: str, services: Services, issuer: TestIssuer) -> dict[str, str]:
    """A token allowed everything on this service: the operator's for the registry, an all-scope one elsewhere."""
    operator = await operator_headers(services.registry)
    if name == "registry":
        return operator
    inst = jwt.decode(operator["Authorization"].split()[1], options={"verify_signature": False})["inst"]
    return issuer.headers(inst, *SCOPES)


@pytest.mark.parametrize("name", ["registry", "enrollment", "funding"])
async def test_fuzzed_requests_never_fail_the_server_nor_break_the_documented_responses(
    name: str, services: Services, issuer: TestIssuer
) -> None:
    svc = services[name]
    document = svc.app.openapi()
    headers = await _token_for(name, services, issuer)
    async with live_server(svc.app) as base_url:
        report: FuzzReport = await asyncio.to_thread(
            run_fuzz, document, base_url, service=name, mode="valid token", headers=headers, max_examples=VALID_EXAMPLES
        )
    print(report.summary())
    assert report.cases > report.operations, report.summary()
    assert not report.failures, "\n".join(report.failures)


@pytest.mark.parametrize("token", ["none", "garbage"])
@pytest.mark.parametrize("name", ["registry", "enrollment", "funding"])
async def test_no_protected_operation_answers_without_a_valid_token(name: str, token: str, services: Services) -> None:
    svc = services[name]
    headers = None if token == "none" else {"Authorization": "Bearer not.a.jwt"}
    async with live_server(svc.app) as base_url:
        report = await asyncio.to_thread(
            run_fuzz,
            svc.app.openapi(),
            base_url,
            service=name,
            mode=f"{token} token",
            headers=headers,
            max_examples=NO_TOKEN_EXAMPLES,
            only_protected=True,
            verdict="refused",
        )
    print(report.summary())
    assert report.operations >= 10 and report.statuses == {401: report.cases}, "\n".join(report.failures)
