"""5,000 approvals at once against 20 budget lines, over two funding API processes sharing one database.

Every line is asked for about twice its ceiling. The institutions reach funding the real way: the registry
process announces them on Kafka and a funding consumers process builds the replica. Afterwards no line may be
overspent by one rupiah and each line must have approved exactly what fits (SPEC 6, 8.2).
"""

from __future__ import annotations

import random
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.scale.conftest import Registry
from tests.scale.support import REPLICA_TIMEOUT_S, Cluster, Job, base_env, report, start_cluster, storm, wait_until
from tests.support.stack import drop_database
from tests.support.tokens import TestIssuer

pytestmark = pytest.mark.slow

YEAR = 2026
LINES = 20
REQUESTS_PER_LINE = 250
WORKERS = 50
REPEATS_PER_WORKER = 2  # a second click on "approve": the request is already decided, 409
STORM_TIMEOUT_S = 180.0
MIXED_AMOUNTS = (750_000, 1_500_000, 2_250_000, 4_000_000)
# Central payers use APBN lines, regional governments (two of them DOB provinces) APBD lines.
CENTRAL_PAYERS = 15
REGIONAL_PAYERS = ("PROV-PAPUA", "PROV-PAPUA-BARAT", "PROV-PAPUA-SELATAN", "PROV-PAPUA-TENGAH", "PROV-PAPUA-PEGUNUNGAN")


@dataclass
class Line:
    """A budget line of the test and the amounts asked of it."""

    institution_id: str
    source: str
    ceiling: int
    amounts: list[int]
    uniform: bool
    id: str = ""

    @property
    def fits(self) -> int:
        """With equal amounts, exactly this many approvals fit under the ceiling."""
        return self.ceiling // self.amounts[0]


@pytest.fixture(scope="module")
async def funding(registry: Registry, scale_prefix: str, issuer: TestIssuer, log_dir: Path) -> AsyncIterator[Cluster]:
    """Two API processes and one consumers process (institution replica) of the funding service, one database."""
    env = base_env(scale_prefix, issuer.jwks_url)
    cluster = await start_cluster("funding", log_dir, env, apis=2, worker_flags=("--consumers",))
    try:
        yield cluster
    finally:
        await cluster.stop()
        await drop_database(cluster.dsn)


def _lines(registry: Registry) -> list[Line]:
    """15 APBN lines of K/L with one amount each, 5 APBD lines of Papua provinces with mixed amounts."""
    known = registry.institutions
    # Active K/L only: three seeded ministries were succeeded (October 2024) and take no new budget lines.
    active = [i for i in known.values() if i["kind"] in ("ministry", "agency") and i["status"] == "active"]
    central = sorted(active, key=lambda i: i["code"])[:CENTRAL_PAYERS]
    assert len(central) == CENTRAL_PAYERS
    lines: list[Line] = []
    for n, inst in enumerate(central):
        amount = 1_000_000 + 250_000 * n
        fits = 110 + 3 * n  # of 250: the sum asked is about twice the ceiling
        # A remainder below one amount: the last rupiah of the ceiling can never be committed.
        lines.append(Line(inst["id"], "APBN", fits * amount + amount // 3, [amount] * REQUESTS_PER_LINE, True))
    for n, code in enumerate(REGIONAL_PAYERS):
        rng = random.Random(code)
        amounts = [rng.choice(MIXED_AMOUNTS) for _ in range(REQUESTS_PER_LINE)]
        lines.append(Line(known[code]["id"], "APBD", sum(amounts) // 2 + 123_457 * (n + 1), amounts, False))
    assert len(lines) == LINES
    return lines


def keyed(headers: dict[str, str]) -> dict[str, str]:
    """The headers of a POST that moves money: each its own Idempotency-Key."""
    return {**headers, "Idempotency-Key": uuid.uuid4().hex}


async def test_5000_concurrent_approvals_over_two_instances_never_overspend_and_fill_each_line(
    funding: Cluster, registry: Registry, issuer: TestIssuer
) -> None:
    lines = _lines(registry)
    payers = [uuid.UUID(line.institution_id) for line in lines]

    async def replica_has_payers() -> bool:
        funding.assert_alive()
        return await funding.fetchval("SELECT count(*) FROM institutions WHERE id = ANY($1)", payers) == len(payers)

    await wait_until(replica_has_payers, timeout=REPLICA_TIMEOUT_S, what="payers in the funding replica")

    headers = {
        line.institution_id: issuer.headers(line.institution_id, "funding:write", "funding:approve") for line in lines
    }
    async with httpx.AsyncClient(base_url=funding.urls[0], timeout=30) as http:
        for line in lines:
            r = await http.post(
                "/budgets",
                json={
                    "institution_id": line.institution_id,
                    "source": line.source,
                    "fiscal_year": YEAR,
                    "ceiling_idr": line.ceiling,
                    "auto_approve_limit_idr": 0,
                },
                headers=headers[line.institution_id],
            )
            assert r.status_code == 201, r.text
            line.id = r.json()["id"]

    # 5,000 requests opened by hand, spread over the workers and both instances; all wait for approval.
    openings: list[list[Job]] = [[] for _ in range(WORKERS)]
    k = 0
    for line in lines:
        for n, amount in enumerate(line.amounts):
            body = {
                "institution_id": line.institution_id,
                "source": line.source,
                "fiscal_year": YEAR,
                "amount_idr": amount,
                "description": f"Biaya kegiatan {n + 1}",
            }
            openings[k % WORKERS].append(
                ("POST", "/funding-requests", body, keyed(headers[line.institution_id]), {"line": line.id})
            )
            k += 1
    opened = await storm(funding.urls, openings, timeout=STORM_TIMEOUT_S)
    assert opened.statuses() == {201: LINES * REQUESTS_PER_LINE}, opened.statuses()
    assert {o.body["status"] for o in opened.outcomes} == {"awaiting_approval"}  # type: ignore[index]
    request_line = {o.body["id"]: o.payload["line"] for o in opened.outcomes}  # type: ignore[index]
    owner = {line.id: line.institution_id for line in lines}

    # Then every one is approved at once: each worker a shuffled mix of lines, plus two repeats of another's.
    ids = list(request_line)
    random.Random(6).shuffle(ids)
    approvals: list[list[Job]] = [[] for _ in range(WORKERS)]
    for n, request_id in enumerate(ids):
        hdrs = keyed(headers[owner[request_line[request_id]]])
        approvals[n % WORKERS].append(
            ("POST", f"/funding-requests/{request_id}/approve", None, hdrs, {"id": request_id})
        )
    rng = random.Random(7)
    for w in range(WORKERS):
        for request_id in rng.sample(ids, REPEATS_PER_WORKER):
            hdrs = keyed(headers[owner[request_line[request_id]]])  # another click: another key
            job: Job = (
                "POST",
                f"/funding-requests/{request_id}/approve",
                None,
                hdrs,
                {"id": request_id, "repeat": True},
            )
            approvals[w].insert(rng.randint(0, len(approvals[w])), job)
    result = await storm(funding.urls, approvals, timeout=STORM_TIMEOUT_S)

    decided = [o for o in result.outcomes if o.status == 200]
    approved = [o for o in decided if o.body and o.body["status"] == "approved"]
    refused = [
        o for o in decided if o.body and (o.body["status"], o.body["reason"]) == ("rejected", "insufficient_budget")
    ]
    conflicts = [o for o in result.outcomes if o.status == 409]
    audit = await _audit(funding, lines)
    report(
        "5,000 approvals, 20 budget lines, 50 clients, 2 funding API processes",
        {
            "requests opened": len(opened.outcomes),
            "opening duration s": round(opened.seconds, 1),
            "approve calls": len(result.outcomes),
            "200 approved": len(approved),
            "200 rejected insufficient_budget": len(refused),
            "409 already decided": len(conflicts),
            "errors (5xx or transport)": len(result.errors),
            "other statuses": dict(result.statuses() - Counter({200: len(decided), 409: len(conflicts)})),
            "duration s": round(result.seconds, 1),
            "requests/s": round(result.rate, 1),
            "committed IDR": audit["committed"],
            "ceilings IDR": audit["ceilings"],
            "overspent IDR": audit["overspent"],
            "other problems found": len(audit["problems"]),
        },
    )

    assert result.errors == [] and opened.errors == [], (result.errors[:5], opened.errors[:5])
    assert set(result.statuses()) <= {200, 409}, result.statuses()
    assert len(approved) + len(refused) == len(decided) == LINES * REQUESTS_PER_LINE
    assert len(conflicts) == WORKERS * REPEATS_PER_WORKER
    # Exactly one decision per request; whichever of its two approve calls came second got the 409.
    assert Counter(o.payload["id"] for o in decided) == Counter(ids)
    assert audit["overspent"] == 0
    assert audit["problems"] == [], audit["problems"][:10]

    # The answers are what the database holds.
    stored = {str(r["id"]): r for r in await funding.fetch("SELECT id, status, reason FROM funding_requests")}
    assert len(stored) == len(ids)
    for o in decided:
        row = stored[o.payload["id"]]
        assert (row["status"], row["reason"]) == (o.body["status"], o.body["reason"])  # type: ignore[index]

    # Each line as the API reports it, read through the other instance.
    async with httpx.AsyncClient(base_url=funding.urls[1], timeout=30) as http:
        for line in lines:
            r = await http.get(f"/budgets/{line.id}", headers=headers[line.institution_id])
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["committed_idr"] == audit["per_line"][line.id]
            assert body["available_idr"] == line.ceiling - audit["per_line"][line.id]

    # State and events were written together: one funding.requested and one decision event per request.
    events = {
        r["type"]: (r["n"], r["keys"])
        for r in await funding.fetch(
            "SELECT type, count(*) AS n, count(DISTINCT key) AS keys FROM event_log GROUP BY type"
        )
    }
    total = LINES * REQUESTS_PER_LINE
    assert events.get("funding.requested") == (total, total)
    assert events.get("funding.approved") == (len(approved), len(approved))
    assert events.get("funding.rejected") == (len(refused), len(refused))


async def _audit(cluster: Cluster, lines: list[Line]) -> dict[str, Any]:
    """Per line: committed ≤ ceiling, committed = Σ approved, and exactly as many approvals as fit."""
    stored = {
        str(r["id"]): r
        for r in await cluster.fetch("SELECT id, ceiling_idr, committed_idr, realized_idr FROM budget_lines")
    }
    requests: dict[str, list[Any]] = defaultdict(list)
    for r in await cluster.fetch("SELECT budget_line_id, status, reason, amount_idr FROM funding_requests"):
        requests[str(r["budget_line_id"])].append(r)
    problems: list[str] = []
    overspent = 0
    per_line: dict[str, int] = {}
    for line in lines:
        row, rows = stored[line.id], requests[line.id]
        committed, ceiling = row["committed_idr"], row["ceiling_idr"]
        per_line[line.id] = committed
        overspent += max(0, committed + row["realized_idr"] - ceiling)
        approved = [r["amount_idr"] for r in rows if r["status"] == "approved"]
        refused = [r["amount_idr"] for r in rows if (r["status"], r["reason"]) == ("rejected", "insufficient_budget")]
        if ceiling != line.ceiling or row["realized_idr"] != 0:
            problems.append(f"line {line.id}: ceiling {ceiling} or realized {row['realized_idr']} changed")
        if committed != sum(approved):
            problems.append(f"line {line.id}: committed {committed} but approved requests sum to {sum(approved)}")
        if len(approved) + len(refused) != len(rows) or len(rows) != REQUESTS_PER_LINE:
            problems.append(f"line {line.id}: {len(rows)} requests, not all approved or refused for lack of budget")
        if line.uniform:
            if len(approved) != line.fits:
                problems.append(f"line {line.id}: {len(approved)} approved, but exactly {line.fits} fit")
        elif refused and ceiling - committed >= min(refused):
            # Budget only grows more committed here, so a refusal was right only if it still does not fit.
            problems.append(f"line {line.id}: {ceiling - committed} left, yet a {min(refused)} request was refused")
    return {
        "overspent": overspent,
        "problems": problems,
        "per_line": per_line,
        "committed": sum(per_line.values()),
        "ceilings": sum(line.ceiling for line in lines),
    }
