"""Benchmark 6: a 5,000-item development plan imported through HTTP, and its realization report.

python -m bench.plans [--items 5000] [--reps 3] [--report-reps 10]

Targets (issue 19): the import ≤ 5 s, the report ≤ 1 s. Each is set against a baseline measured in the same run:
the import against the same rows written straight through asyncpg (one transaction: the INSERTs, the plan's new
version), the report against its reads straight through asyncpg (the items, then the completions of the plan's people
and groups, the same SQL). The ratio is baseline seconds over API seconds (1.0: the API costs nothing on top).

Setup, not measured: fresh system; the plans' staff written into the enrollment replica; four programs of BPSDM
Kemendagri; completions written into the enrollment table (the plan's people on its programs, people outside it).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg

from bench.common import YEAR, machine_shares, machine_ticks, nips, rss_peaks, save, seed_replica_servants, wait_for
from tests.support.system import System, start_system, stop_system

STAFF = 5_000  # per institution: the named people and those target groups count
GROUP_ITEMS = 200  # target-group items (executors on the job, 10 people each); the rest name one person each
PROGRAMS = {  # name: (pattern, JP, cost per participant)
    "technical": ("technical_training", 20, 3_500_000),
    "technical_short": ("technical_training", 12, 1_500_000),
    "coaching": ("coaching", 8, 1_000_000),
    "on_the_job": ("on_the_job", 30, 500_000),
}
CSV_HEADER = (
    "nip", "kelompok_jabatan", "jumlah_orang", "jenis_kompetensi", "nama_kompetensi", "kebutuhan", "pola",
    "jp_sasaran", "tahun_sasaran", "id_program", "triwulan", "perkiraan_biaya", "sumber_dana",
)  # fmt: skip


def plan_rows(staff: list[str], programs: dict[str, str], count: int) -> list[dict[str, Any]]:
    """`count` items: two per named person (a technical training and coaching, each with its program), then
    GROUP_ITEMS target groups of executors on the job."""
    rows: list[dict[str, Any]] = []
    named = (count - GROUP_ITEMS) // 2
    for nip in staff[:named]:
        for program, pattern, jp, cost in (("technical", "technical_training", 20, 3_500_000),
                                           ("coaching", "coaching", 8, 1_000_000)):  # fmt: skip
            rows.append({"nip": nip, "competency": {"type": "technical", "name": "Perencanaan anggaran daerah"},
                         "need": "competency_gap", "pattern": pattern, "target_jp": jp, "target_year": YEAR,
                         "planned_program_id": programs[program], "quarter": 2, "estimated_cost_idr": cost,
                         "funding_source": "APBD"})  # fmt: skip
    while len(rows) < count:
        rows.append({"target_group": {"position_kind": "executor", "count": 10},
                     "competency": {"type": "managerial", "name": "Pelayanan publik"}, "need": "performance_gap",
                     "pattern": "on_the_job", "target_jp": 30, "target_year": YEAR, "quarter": 3,
                     "estimated_cost_idr": 5_000_000, "funding_source": "APBD"})  # fmt: skip
    return rows


def as_csv(rows: list[dict[str, Any]]) -> bytes:
    """The rows as a clerk's sheet: Indonesian headers, `;` separated."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CSV_HEADER)
    for r in rows:
        group = r.get("target_group") or {}
        writer.writerow([
            r.get("nip", ""), group.get("position_kind", ""), group.get("count", ""), r["competency"]["type"],
            r["competency"]["name"], r["need"], r["pattern"], r["target_jp"], r["target_year"],
            r.get("planned_program_id", ""), r["quarter"], r["estimated_cost_idr"], r["funding_source"],
        ])  # fmt: skip
    return out.getvalue().encode()


_INSERT_ITEM = """
INSERT INTO plan_items (id, plan_id, nip, target_position_kind, target_count, competency_type, competency_name, need,
  pattern, category, target_jp, target_year, planned_program_id, planned_provider_id, quarter, estimated_cost_idr,
  funding_source, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
"""
CATEGORY = {"technical_training": "formal", "coaching": "social", "on_the_job": "experiential"}


async def baseline_import(dsn: str, plan_id: str, rows: list[dict[str, Any]], provider_id: str) -> float:
    """What the import must write, straight through asyncpg: the items and the plan's new version, one transaction."""
    now = datetime.now(UTC)
    records = [
        (uuid.uuid4(), uuid.UUID(plan_id), r.get("nip"), (r.get("target_group") or {}).get("position_kind"),
         (r.get("target_group") or {}).get("count"), r["competency"]["type"], r["competency"]["name"], r["need"],
         r["pattern"], CATEGORY[r["pattern"]], r["target_jp"], r["target_year"],
         uuid.UUID(r["planned_program_id"]) if r.get("planned_program_id") else None,
         uuid.UUID(provider_id) if r.get("planned_program_id") else None, r["quarter"], r["estimated_cost_idr"],
         r["funding_source"], now)
        for r in rows
    ]  # fmt: skip
    conn = await asyncpg.connect(dsn)
    try:
        started = time.perf_counter()
        async with conn.transaction():
            await conn.execute("SELECT 1 FROM plans WHERE id = $1 FOR UPDATE", uuid.UUID(plan_id))
            await conn.executemany(_INSERT_ITEM, records)
            await conn.execute("UPDATE plans SET version = version + 1 WHERE id = $1", uuid.UUID(plan_id))
        return time.perf_counter() - started
    finally:
        await conn.close()


_ITEMS = "SELECT * FROM plan_items WHERE plan_id = $1 ORDER BY created_at, id"
# The report's completions query, as plan_reports._completions builds it.
_COMPLETIONS = """
SELECT e.nip, CASE WHEN cs.institution_id = $2 THEN cs.position_kind END, e.program_id, p.pattern,
       CAST(EXTRACT(year FROM c.ends_on) AS INTEGER), e.attended_jp, p.cost_per_participant_idr
FROM enrollments e JOIN cohorts c ON c.id = e.cohort_id JOIN programs p ON p.id = e.program_id
LEFT JOIN civil_servants cs ON cs.nip = e.nip
WHERE e.status = 'completed' AND e.passed IS true AND c.ends_on >= $3 AND c.ends_on < $4
  AND (e.nip IN (SELECT nip FROM plan_items WHERE plan_id = $1 AND nip IS NOT NULL)
       OR (cs.institution_id = $2 AND cs.position_kind IN
           (SELECT target_position_kind FROM plan_items WHERE plan_id = $1 AND target_position_kind IS NOT NULL)))
ORDER BY c.ends_on, e.updated_at, e.id
"""


async def baseline_report(dsn: str, plan_id: str, institution_id: str) -> tuple[float, int]:
    """The report's reads straight through asyncpg: seconds and completions found."""
    conn = await asyncpg.connect(dsn)
    try:
        started = time.perf_counter()
        await conn.fetch(_ITEMS, uuid.UUID(plan_id))
        found = await conn.fetch(
            _COMPLETIONS, uuid.UUID(plan_id), uuid.UUID(institution_id), date(YEAR, 1, 1), date(YEAR + 1, 1, 1)
        )
        return time.perf_counter() - started, len(found)
    finally:
        await conn.close()


async def write_completions(
    dsn: str, cohorts: dict[str, str], programs: dict[str, str], institution_id: str, staff: list[str],
    named: int, outsiders: list[tuple[str, str]], rng: random.Random,
) -> dict[str, int]:  # fmt: skip
    """Completions as a year leaves them: most named people pass their technical training, some a shorter one of
    the same pattern, half their coaching, a few fail; 1,500 of the others work on the job (the target groups);
    people of other institutions fill the same cohorts."""
    rows: list[tuple[Any, ...]] = []
    seq = 0

    def completed(program: str, nip: str, institution: str, jp: int, passed: bool) -> None:
        nonlocal seq
        seq += 1
        rows.append((uuid.uuid4(), uuid.UUID(cohorts[program]), uuid.UUID(programs[program]), nip,
                     uuid.UUID(institution), uuid.UUID(institution), "regional", True, "dob", "APBD", "completed",
                     seq, jp, passed))  # fmt: skip

    for nip in staff[:named]:
        if rng.random() < 0.7:
            completed("technical", nip, institution_id, 20, rng.random() < 0.93)
        if rng.random() < 0.2:
            completed("technical_short", nip, institution_id, 12, True)
        if rng.random() < 0.5:
            completed("coaching", nip, institution_id, 8, True)
    for nip in staff[named : named + 1_500]:
        completed("on_the_job", nip, institution_id, 30, True)
    mine = len(rows)
    for nip, institution in outsiders:
        completed(rng.choice(list(PROGRAMS)), nip, institution, 8, True)
    conn = await asyncpg.connect(dsn)
    try:
        columns = ["id", "cohort_id", "program_id", "nip", "institution_id", "nominated_by_id", "participant_sector",
                   "is_dob", "seat_class", "funding_source", "status", "seq", "attended_jp", "passed"]  # fmt: skip
        await conn.copy_records_to_table("enrollments", records=rows, columns=columns)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return {"of_the_plans_institution": mine, "of_others": len(rows) - mine}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=5_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--report-reps", type=int, default=10)
    parser.add_argument("--tag", default="plans")
    args = parser.parse_args()
    rng = random.Random(19)
    system = await start_system(Path(tempfile.mkdtemp(prefix="bench-plans-")), split=True)
    try:
        await run(system, args, rng)
    finally:
        await stop_system(system)


async def run(system: System, args: argparse.Namespace, rng: random.Random) -> None:
    dsn = system.services["enrollment"].dsn
    url = system.url
    r = await system.http.get(
        url("registry", "/institutions"), params={"kind": "regency", "limit": 500}, headers=await system.operator()
    )
    regencies = sorted(r.json()["items"], key=lambda i: i["code"])[: 3 * args.reps + 1]  # the last one warms up
    bpsdm = await system.institution_by_code("BPSDM-KEMENDAGRI")
    ids = [i["id"] for i in regencies] + [bpsdm["id"]]

    async def replicated() -> bool:
        conn = await asyncpg.connect(dsn)
        try:
            return bool(await conn.fetchval("SELECT count(*) = $2 FROM institutions WHERE id = ANY($1::uuid[])",
                                            [uuid.UUID(i) for i in ids], len(ids)))  # fmt: skip
        finally:
            await conn.close()

    await wait_for(replicated, timeout=120)
    staff = {}
    for n, inst in enumerate(regencies):
        staff[inst["id"]] = nips(STAFF, start_day=n * (STAFF // 999 + 2))
        await seed_replica_servants(dsn, inst["id"], staff[inst["id"]])
    provider = await system.client_for(bpsdm["id"], "programs:write", "read")
    programs = {}
    for name, (pattern, hours, cost) in PROGRAMS.items():
        body = {"provider_id": bpsdm["id"], "title": f"Pelatihan {name}", "pattern": pattern, "hours_jp": hours,
                "horizon": "short", "fiscal_year": YEAR, "cost_per_participant_idr": cost}  # fmt: skip
        r = await system.http.post(url("enrollment", "/programs"), json=body, headers=provider)
        assert r.status_code == 201, r.text
        programs[name] = r.json()["id"]
    clerks = {i["id"]: await system.client_for(i["id"], "plans:write", "plans:approve", "read") for i in regencies}

    async def draft(institution_id: str) -> str:
        body = {"institution_id": institution_id, "horizon": "short", "first_year": YEAR, "last_year": YEAR}
        r = await system.http.post(url("enrollment", "/plans"), json=body, headers=clerks[institution_id])
        assert r.status_code == 201, r.text
        return str(r.json()["id"])

    # Warm the import path with a small plan so the first measured run pays no first-call costs.
    warm_institution = regencies[-1]["id"]
    warm_plan = await draft(warm_institution)
    warm = plan_rows(staff[warm_institution], programs, GROUP_ITEMS + 20)[-30:]
    r = await system.http.post(url("enrollment", f"/plans/{warm_plan}/items/import"), json=warm,
                               headers=clerks[warm_institution])  # fmt: skip
    assert r.status_code == 200 and r.json()["imported"] == len(warm), r.text

    imports, measured_plan = [], None
    for rep in range(args.reps):
        # The baseline writes the same rows into a draft of another institution (its staff, its own plan).
        spare = regencies[3 * rep + 2]["id"]
        baseline_rows = plan_rows(staff[spare], programs, args.items)
        baseline_s = await baseline_import(dsn, await draft(spare), baseline_rows, bpsdm["id"])
        for offset, fmt in enumerate(("json", "csv")):
            institution = regencies[3 * rep + offset]["id"]
            rows = plan_rows(staff[institution], programs, args.items)
            plan_id = await draft(institution)
            content = json.dumps(rows).encode() if fmt == "json" else as_csv(rows)
            headers = {**clerks[institution], "Content-Type": "application/json" if fmt == "json" else "text/csv"}
            ticks = machine_ticks()
            started = time.perf_counter()
            r = await system.http.post(url("enrollment", f"/plans/{plan_id}/items/import"), content=content,
                                       headers=headers, timeout=120)  # fmt: skip
            api_s = time.perf_counter() - started
            shares = machine_shares(ticks, machine_ticks())
            assert r.status_code == 200, r.text[:500]
            report = r.json()
            assert report["imported"] == args.items and not report["rejected"], str(report)[:500]
            run = {"rep": rep, "format": fmt, "items": args.items, "bytes": len(content), "api_s": round(api_s, 3),
                   "baseline_s": round(baseline_s, 3), "baseline_over_api": round(baseline_s / api_s, 3),
                   "machine": shares}  # fmt: skip
            imports.append(run)
            print(f"import rep {rep} {fmt}: {api_s:.2f} s (baseline {baseline_s:.2f} s, ratio "
                  f"{baseline_s / api_s:.2f})", flush=True)  # fmt: skip
            if measured_plan is None:
                measured_plan = (plan_id, institution)

    # The report: approve the first imported plan, let a year of completions happen, read it.
    assert measured_plan is not None
    plan_id, institution = measured_plan
    for action in ("submit", "approve"):
        started = time.perf_counter()
        r = await system.http.post(url("enrollment", f"/plans/{plan_id}/{action}"),
                                   headers={**clerks[institution], "If-Match": "*"}, timeout=120)  # fmt: skip
        assert r.status_code == 200, r.text[:500]
        print(f"{action}: {time.perf_counter() - started:.2f} s", flush=True)
    cohorts = {}
    for name, program_id in programs.items():
        body = {"name": "Angkatan I", "starts_on": f"{YEAR}-03-02", "ends_on": f"{YEAR}-03-12",
                "location": "regional", "capacity": 10_000}  # fmt: skip
        r = await system.http.post(url("enrollment", f"/programs/{program_id}/cohorts"), json=body, headers=provider)
        assert r.status_code == 201, r.text
        cohorts[name] = r.json()["id"]
    named = (args.items - GROUP_ITEMS) // 2
    outsiders = [(nip, inst["id"]) for inst in regencies if inst["id"] != institution for nip in staff[inst["id"]]]
    written = await write_completions(dsn, cohorts, programs, institution, staff[institution], named,
                                      rng.sample(outsiders, min(20_000, len(outsiders))), rng)  # fmt: skip
    print("completions written:", written, flush=True)

    path = url("enrollment", f"/reports/plans/{plan_id}")
    r = await system.http.get(path, headers=clerks[institution], timeout=60)  # warm
    assert r.status_code == 200, r.text[:500]
    figures = {k: r.json()[k] for k in ("planned_jp", "realized_jp", "people_planned", "people_trained",
                                        "completions")}  # fmt: skip
    figures["items_not_started"], figures["bytes"] = len(r.json()["items_not_started"]), len(r.content)
    reports = []
    for _ in range(args.report_reps):
        ticks = machine_ticks()
        started = time.perf_counter()
        r = await system.http.get(path, headers=clerks[institution], timeout=60)
        api_s = time.perf_counter() - started
        assert r.status_code == 200, r.text[:500]
        baseline_s, found = await baseline_report(dsn, plan_id, institution)
        reports.append({"api_s": round(api_s, 3), "baseline_s": round(baseline_s, 3),
                        "baseline_over_api": round(baseline_s / api_s, 3), "completions_read": found,
                        "machine": machine_shares(ticks, machine_ticks())})  # fmt: skip
    median = {k: round(statistics.median(x[k] for x in reports), 3) for k in ("api_s", "baseline_s")}
    print(f"report: median {median['api_s']:.3f} s (baseline {median['baseline_s']:.3f} s); {figures}", flush=True)

    coordinator = await system.client_for(bpsdm["id"], "coordinator", "read")
    started = time.perf_counter()
    r = await system.http.get(url("enrollment", "/reports/demand"), params={"fiscal_year": YEAR}, headers=coordinator)
    demand_s = time.perf_counter() - started
    assert r.status_code == 200, r.text[:500]
    demand = {"seconds": round(demand_s, 3), "plans_in_force": r.json()["plans_in_force"],
              "programs": len(r.json()["programs"])}  # fmt: skip
    print("demand:", demand, flush=True)
    rss = rss_peaks(system)
    save(args.tag, {"items": args.items, "imports": imports, "report": {"figures": figures, "median": median,
                    "runs": reports}, "completions": written, "demand": demand, "rss_mb": rss})  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
