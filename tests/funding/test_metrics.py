"""GET /metrics answers without a token, so it shows operational figures only: no money, no line, no institution."""

from __future__ import annotations

import uuid

import httpx

from tests.funding.conftest import Institutions
from tests.support.tokens import TestIssuer

CEILING = 987_654_321
AMOUNT = 12_345_679


def _value(metrics: str, series: str) -> float:
    [row] = [row for row in metrics.splitlines() if row.startswith(series + " ")]
    return float(row.split()[-1])


async def test_metrics_show_requests_by_status_and_no_money(
    api: httpx.AsyncClient, issuer: TestIssuer, institutions: Institutions
) -> None:
    [ministry] = await institutions("ministry")
    headers = issuer.headers(ministry, "funding:write", "read")
    line = await api.post(
        "/budgets",
        json={"institution_id": str(ministry), "source": "PNBP", "fiscal_year": 2033, "ceiling_idr": CEILING},
        headers=headers,
    )
    assert line.status_code == 201, line.text
    before = await api.get("/metrics")
    awaiting = _value(before.text, 'sinergi_funding_requests{status="awaiting_approval"}')
    request = await api.post(
        "/funding-requests",
        json={
            "institution_id": str(ministry),
            "source": "PNBP",
            "fiscal_year": 2033,
            "amount_idr": AMOUNT,
            "description": "a seat block",
        },
        headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
    )
    assert request.status_code == 201 and request.json()["status"] == "awaiting_approval", request.text

    response = await api.get("/metrics")
    assert response.status_code == 200
    metrics = response.text
    assert _value(metrics, 'sinergi_funding_requests{status="awaiting_approval"}') == awaiting + 1
    assert _value(metrics, "sinergi_funding_awaiting_oldest_age_seconds") >= 0
    assert "sinergi_funding_awaiting_overdue" in metrics
    for money in (CEILING, AMOUNT):
        assert str(money) not in metrics and f"{float(money):.8e}".rstrip("0") not in metrics, money
    for secret in (line.json()["id"], str(ministry), request.json()["id"], "_idr", "budget_line"):
        assert secret not in metrics, secret
