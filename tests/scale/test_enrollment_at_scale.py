"""10,000 nominations into 100 cohorts from 50 agency systems at once, over two enrollment API processes.

The registry (a real process) imports 2,500 civil servants in one request; its relay announces them on Kafka
and a separate enrollment consumers process builds the replica. Two `python -m enrollment --api` processes
share one database. Afterwards the database must say exactly what the seat rule says (SPEC 5, 8.1).
"""

from __future__ import annotations

import random
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from enrollment.domain.development import current_fiscal_year
from enrollment.domain.seat_rule import SeatPlan, Taken, fits, within_rule
from tests.scale.conftest import Registry
from tests.scale.support import (
    REPLICA_TIMEOUT_S,
    Cluster,
    Job,
    base_env,
    report,
    start_cluster,
    storm,
    wait_until,
)
from tests.support.stack import drop_database
from tests.support.tokens import TestIssuer

YEAR = current_fiscal_year(datetime.now(UTC)) + 1  # a short-horizon program with cohorts still ahead

pytestmark = pytest.mark.slow

# 2,500 civil servants, 49 of each institution's 50 nominated into 4 different cohorts: 9,800 nominations plus
# 200 repeats. (Not 10,000 people: the enrollment consumer applies one registry event per transaction, about
# 100 a second on this machine, so a replica of 10,000 would take most of the time budget to build.)
STAFF_PER_INSTITUTION = 50
NOMINATED_PER_INSTITUTION = 49  # one is on leave this year
COHORTS_PER_PERSON = 4
REPEATS_PER_INSTITUTION = 4  # a clerk presses "send" twice: each repeat must be a 409
COHORTS = 100
STORM_TIMEOUT_S = 240.0
SEATED = ("reserved", "confirmed", "completed", "no_show")

# Regional governments that are not DOB: (code, name, kind, parent province code).
REGIONAL = [
    ("KOTA-JAYAPURA", "Kota Jayapura", "city", "PROV-PAPUA"),
    ("KAB-JAYAPURA", "Kabupaten Jayapura", "regency", "PROV-PAPUA"),
    ("KAB-KEEROM", "Kabupaten Keerom", "regency", "PROV-PAPUA"),
    ("KAB-SARMI", "Kabupaten Sarmi", "regency", "PROV-PAPUA"),
    ("KAB-BIAK-NUMFOR", "Kabupaten Biak Numfor", "regency", "PROV-PAPUA"),
    ("KAB-MAMBERAMO-RAYA", "Kabupaten Mamberamo Raya", "regency", "PROV-PAPUA"),
    ("KAB-WAROPEN", "Kabupaten Waropen", "regency", "PROV-PAPUA"),
    ("KAB-SUPIORI", "Kabupaten Supiori", "regency", "PROV-PAPUA"),
    ("KAB-KEPULAUAN-YAPEN", "Kabupaten Kepulauan Yapen", "regency", "PROV-PAPUA"),
    ("KAB-MANOKWARI", "Kabupaten Manokwari", "regency", "PROV-PAPUA-BARAT"),
    ("KAB-TELUK-BINTUNI", "Kabupaten Teluk Bintuni", "regency", "PROV-PAPUA-BARAT"),
    ("KAB-TELUK-WONDAMA", "Kabupaten Teluk Wondama", "regency", "PROV-PAPUA-BARAT"),
    ("KAB-KAIMANA", "Kabupaten Kaimana", "regency", "PROV-PAPUA-BARAT"),
    ("KAB-FAKFAK", "Kabupaten Fakfak", "regency", "PROV-PAPUA-BARAT"),
    ("KAB-MANOKWARI-SELATAN", "Kabupaten Manokwari Selatan", "regency", "PROV-PAPUA-BARAT"),
    ("KAB-PEGUNUNGAN-ARFAK", "Kabupaten Pegunungan Arfak", "regency", "PROV-PAPUA-BARAT"),
]
# Regencies and cities of the four DOB provinces (DOB staff by their parent).
DOB_REGIONS = [
    ("KAB-MERAUKE", "Kabupaten Merauke", "regency", "PROV-PAPUA-SELATAN"),
    ("KAB-BOVEN-DIGOEL", "Kabupaten Boven Digoel", "regency", "PROV-PAPUA-SELATAN"),
    ("KAB-NABIRE", "Kabupaten Nabire", "regency", "PROV-PAPUA-TENGAH"),
    ("KAB-MIMIKA", "Kabupaten Mimika", "regency", "PROV-PAPUA-TENGAH"),
    ("KAB-JAYAWIJAYA", "Kabupaten Jayawijaya", "regency", "PROV-PAPUA-PEGUNUNGAN"),
    ("KAB-LANNY-JAYA", "Kabupaten Lanny Jaya", "regency", "PROV-PAPUA-PEGUNUNGAN"),
    ("KOTA-SORONG", "Kota Sorong", "city", "PROV-PAPUA-BARAT-DAYA"),
    ("KAB-RAJA-AMPAT", "Kabupaten Raja Ampat", "regency", "PROV-PAPUA-BARAT-DAYA"),
]
PROVIDERS = ["BPSDM-KEMENDAGRI", "BPSDM-KEMENHUB", "DITJEN-NAKES-KEMENKES", "PUSDIKLAT-PBJ-LKPP", "PUSBANG-ASN-BKN"]


def nip_of(k: int) -> str:
    """The k-th NIP of this test: unique birth date, appointment at 22, valid gender and serial."""
    born = date(1968, 1, 1) + timedelta(days=k)
    return f"{born:%Y%m%d}{born.year + 22}{1 + k % 12:02d}{1 + k % 2}{1 + k % 999:03d}"


@pytest.fixture(scope="module")
async def enrollment(
    registry: Registry, scale_prefix: str, issuer: TestIssuer, log_dir: Path
) -> AsyncIterator[Cluster]:
    """Two API processes and one consumers process (replica + jobs) of the enrollment service, one database."""
    env = base_env(scale_prefix, issuer.jwks_url)
    cluster = await start_cluster("enrollment", log_dir, env, apis=2, worker_flags=("--consumers",))
    try:
        yield cluster
    finally:
        await cluster.stop()
        await drop_database(cluster.dsn)


async def _institutions(registry: Registry) -> dict[str, list[dict[str, Any]]]:
    """The 50 nominating institutions: 20 central, 18 regional non-DOB, 12 DOB."""
    for code, name, kind, parent in [*REGIONAL, *DOB_REGIONS]:
        if code not in registry.institutions:
            await registry.create_institution(
                code=code, name=name, kind=kind, parent_id=registry.institutions[parent]["id"]
            )
    known = registry.institutions
    # The seed's K/L: Kemendagri and the 14 of the meeting, three of them succeeded by six (October 2024).
    active = [i for i in known.values() if i["kind"] in ("ministry", "agency") and i["status"] == "active"]
    assert len(active) == 18, [i["code"] for i in active]
    central = sorted(active, key=lambda i: i["code"])[:15]
    central += [known[code] for code in PROVIDERS]
    regional = [known["PROV-PAPUA"], known["PROV-PAPUA-BARAT"]] + [known[r[0]] for r in REGIONAL]
    dob = [i for i in known.values() if i["kind"] == "province" and i["is_new_autonomous_region"]]
    dob += [known[r[0]] for r in DOB_REGIONS]
    groups = {"central": central, "regional": regional, "dob": dob}
    assert [len(g) for g in groups.values()] == [20, 18, 12]
    return groups


def _staff_rows(groups: dict[str, list[dict[str, Any]]]) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """2,500 import rows (PNS and PPPK, all position kinds) and the NIPs per institution id."""
    rows: list[dict[str, Any]] = []
    by_institution: dict[str, list[str]] = defaultdict(list)
    kinds = ("structural", "functional", "executor", "executor")
    k = 0
    for inst in [i for g in groups.values() for i in g]:
        for _ in range(STAFF_PER_INSTITUTION):
            nip = nip_of(k)
            rows.append(
                {
                    "nip": nip,
                    "name": f"ASN {inst['code'].title()} {k:05d}",
                    "institution_id": inst["id"],
                    "employment": "PPPK" if k % 7 == 0 else "PNS",
                    "position_kind": kinds[k % 4],
                }
            )
            by_institution[inst["id"]].append(nip)
            k += 1
    return rows, by_institution


async def _cohorts(cluster: Cluster, registry: Registry, issuer: TestIssuer) -> list[dict[str, Any]]:
    """100 cohorts of 5 providers: central/regional, capacity 20-60, share 0-60 %, DOB seats, some capped waitlists."""

    rng = random.Random(2025)
    cohorts: list[dict[str, Any]] = []
    async with httpx.AsyncClient(base_url=cluster.urls[0], timeout=30) as http:
        for p, code in enumerate(PROVIDERS):
            provider = registry.institutions[code]["id"]
            headers = issuer.headers(provider, "programs:write")
            program = await http.post(
                "/programs",
                json={
                    "provider_id": provider,
                    "title": f"Pelatihan Teknis {p + 1}",
                    "pattern": ["technical_training", "functional_training", "regional_facilitation"][p % 3],
                    "hours_jp": 24 + 6 * p,
                    "horizon": "short",
                    "fiscal_year": YEAR,
                    "cost_per_participant_idr": 2_500_000 + 500_000 * p,
                },
                headers=headers,
            )
            assert program.status_code == 201, program.text
            for n in range(COHORTS // len(PROVIDERS)):
                capacity = rng.choice([20, 25, 30, 40, 50, 60])
                body: dict[str, Any] = {
                    "name": f"Angkatan {n + 1}",
                    "starts_on": (date(YEAR, 3, 1) + timedelta(days=n)).isoformat(),
                    "ends_on": (date(YEAR, 3, 11) + timedelta(days=n)).isoformat(),
                    "capacity": capacity,
                }
                if rng.random() < 0.7:
                    body["location"] = "central"
                    share = rng.choice([None, None, 20, 40])  # None: the default 30 %
                    if share is not None:
                        body["regional_share_pct"] = share
                    if share == 20:  # below the default: only a coordinator, with a reason
                        body["regional_share_reason"] = "a smaller regional share for this scale test"
                    reserved = -(-capacity * (30 if share is None else share) // 100)
                    body["dob_seats"] = rng.randint(0, reserved)
                else:
                    body["location"] = "regional"  # regional facilitation in Papua: some with a DOB quota
                    if rng.random() < 0.5:
                        body["regional_share_pct"] = 60
                        body["dob_seats"] = rng.randint(1, capacity * 60 // 100)
                if rng.random() < 0.2:
                    body["waitlist_limit"] = rng.choice([0, 5, 10, 20])
                lowers = "regional_share_reason" in body
                who = issuer.headers(provider, "programs:write", "coordinator") if lowers else headers
                r = await http.post(f"/programs/{program.json()['id']}/cohorts", json=body, headers=who)
                assert r.status_code == 201, r.text
                cohorts.append(r.json())
    return cohorts


def _plans(
    groups: dict[str, list[dict[str, Any]]], staff: dict[str, list[str]], cohorts: list[dict[str, Any]], issuer: Any
) -> list[list[Job]]:
    """Per institution: its staff each nominated into 4 random cohorts, shuffled, plus 4 repeats after the original."""
    source = {"central": "APBN", "regional": "APBD", "dob": "APBN"}
    plans: list[list[Job]] = []
    for group, members in groups.items():
        for inst in members:
            rng = random.Random(inst["code"])
            headers = issuer.headers(inst["id"], "enrollments:write")
            jobs: list[Job] = []
            for nip in staff[inst["id"]][:NOMINATED_PER_INSTITUTION]:
                for cohort in (c["id"] for c in rng.sample(cohorts, COHORTS_PER_PERSON)):
                    body = {"nip": nip, "funding_source": source[group]}
                    jobs.append(("POST", f"/cohorts/{cohort}/enrollments", body, headers, {**body, "cohort": cohort}))
            rng.shuffle(jobs)
            # From the back, so an insertion never shifts an original still to be repeated.
            for original in sorted(rng.sample(range(len(jobs) // 2), REPEATS_PER_INSTITUTION), reverse=True):
                method, path, body, _, tag = jobs[original]
                at = rng.randint(original + 1, len(jobs))
                jobs.insert(at, (method, path, body, headers, {**tag, "repeat": True}))
            plans.append(jobs)
    return plans


async def test_10000_nominations_from_50_agencies_over_two_instances_keep_every_seat_rule(
    enrollment: Cluster, registry: Registry, issuer: TestIssuer
) -> None:
    groups = await _institutions(registry)
    rows, staff = _staff_rows(groups)
    assert len(rows) == 2_500

    import_started = time.monotonic()
    # The registry takes the rows in one import; its relay announces them, the consumers process applies them.
    imported = await registry.http.post(
        "/civil-servants/import", json=rows, headers={**registry.headers, "Idempotency-Key": uuid.uuid4().hex}
    )
    assert imported.status_code == 200, imported.text[:2000]
    assert (imported.json()["imported"], imported.json()["rejected"]) == (2_500, [])

    institution_ids = [uuid.UUID(i["id"]) for i in registry.institutions.values()]

    async def providers_known() -> bool:
        enrollment.assert_alive()
        ids = [uuid.UUID(registry.institutions[c]["id"]) for c in PROVIDERS]
        return await enrollment.fetchval("SELECT count(*) FROM institutions WHERE id = ANY($1)", ids) == len(ids)

    await wait_until(providers_known, timeout=REPLICA_TIMEOUT_S, what="providers in the enrollment replica")
    cohorts = await _cohorts(enrollment, registry, issuer)  # while the replica fills up

    progress: dict[str, int] = {}

    async def replica_complete() -> bool:
        enrollment.assert_alive()
        servants = await enrollment.fetchval("SELECT count(*) FROM civil_servants")
        progress["servants"] = servants
        institutions = await enrollment.fetchval(
            "SELECT count(*) FROM institutions WHERE id = ANY($1)", institution_ids
        )
        return servants == 2_500 and institutions == len(institution_ids)

    try:
        await wait_until(replica_complete, timeout=REPLICA_TIMEOUT_S, what="2,500 civil servants in the replica")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; the replica had {progress.get('servants')} civil servants") from None
    replica_s = time.monotonic() - import_started

    plans = _plans(groups, staff, cohorts, issuer)
    assert len(plans) == 50 and sum(len(p) for p in plans) == 10_000
    result = await storm(enrollment.urls, plans, timeout=STORM_TIMEOUT_S)

    statuses = result.statuses()
    created = [o for o in result.outcomes if o.status == 201]
    reserved = [o for o in created if o.body and o.body["status"] == "reserved"]
    waitlisted = [o for o in created if o.body and o.body["status"] == "waitlisted"]
    conflicts = [o for o in result.outcomes if o.status == 409]
    pppk = {r["nip"] for r in await enrollment.fetch("SELECT nip FROM civil_servants WHERE employment = 'PPPK'")}
    # A PPPK may hold at most 24 JP a year (SPEC section 5): their other nominations are refused.
    pppk_refused = [
        o for o in result.outcomes if o.status == 422 and o.body and o.body["errors"][0]["code"] == "pppk_jp_limit"
    ]
    figures = await _audit(enrollment, cohorts)
    report(
        "10,000 nominations, 100 cohorts, 50 clients, 2 enrollment API processes",
        {
            "import + replica s": round(replica_s, 1),
            "nominations sent": len(result.outcomes),
            "201 reserved": len(reserved),
            "201 waitlisted": len(waitlisted),
            "409": len(conflicts),
            "  of which repeats": sum(1 for o in conflicts if o.payload.get("repeat")),
            "  of which full waitlist": sum(1 for o in conflicts if not o.payload.get("repeat")),
            "errors (5xx or transport)": len(result.errors),
            "422 pppk_jp_limit": len(pppk_refused),
            "other statuses": dict(
                statuses - Counter({201: len(created), 409: len(conflicts), 422: len(pppk_refused)})
            ),
            "duration s": round(result.seconds, 1),
            "requests/s": round(result.rate, 1),
            "oversold seats": figures["oversold"],
            "cohorts breaking the rule": figures["broken"],
            "other problems found": len(figures["problems"]),
        },
    )

    assert result.errors == [], result.errors[:5]
    assert set(statuses) <= {201, 409, 422}, statuses
    assert statuses[422] == len(pppk_refused) and all(o.payload["nip"] in pppk for o in pppk_refused)
    over = await enrollment.fetch(
        "SELECT e.nip FROM enrollments e JOIN programs p ON p.id = e.program_id "
        "WHERE e.status IN ('reserved', 'confirmed') GROUP BY e.nip HAVING sum(p.hours_jp) > 24"
    )
    assert [r["nip"] for r in over if r["nip"] in pppk] == [], "a PPPK holds more than 24 JP"
    assert len(result.outcomes) == 10_000
    assert figures["oversold"] == 0 and figures["broken"] == 0
    assert figures["problems"] == [], figures["problems"][:10]

    # Each repeat of an active nomination is a 409; a first nomination is a 409 only when the cohort's waitlist is full.
    # (or a PPPK's refused at the JP maximum: every 422 is that, asserted above)
    assert all(o.status in (409, 422) for o in result.outcomes if o.payload.get("repeat"))
    capped = {c["id"]: c["waitlist_limit"] for c in cohorts if c.get("waitlist_limit") is not None}
    full = Counter(o.payload["cohort"] for o in conflicts if not o.payload.get("repeat"))
    for o in conflicts:
        if not o.payload.get("repeat"):
            assert o.payload["cohort"] in capped and "daftar tunggunya juga penuh" in str(o.body), o
    for cohort_id in full:  # nothing leaves a waitlist in this run, so a refused one is exactly full
        assert figures["waitlist"][cohort_id] == capped[cohort_id], cohort_id

    # Every 201 answer names an enrollment the database holds, as answered; and nothing else was stored.
    stored = {
        str(r["id"]): r
        for r in await enrollment.fetch(
            "SELECT id, cohort_id, nip, status, seq, "
            "CASE WHEN status = 'waitlisted' THEN row_number() OVER "
            "(PARTITION BY cohort_id, status = 'waitlisted' ORDER BY seq) END AS position FROM enrollments"
        )
    }
    assert len(stored) == len(created)
    for o in created:
        row = stored[o.body["id"]]  # type: ignore[index]
        assert (str(row["cohort_id"]), row["nip"], row["status"]) == (
            o.payload["cohort"],
            o.payload["nip"],
            o.body["status"],
        )  # type: ignore[index]
        # The position answered is the applicant's place in arrival order, and stays so (nobody left the list).
        assert o.body["waitlist_position"] == row["position"], (o.body, dict(row))  # type: ignore[index]

    # State and its event were written together: one enrollment.reserved / .waitlisted per enrollment.
    events = await enrollment.fetch(
        "SELECT type, count(*) AS n, count(DISTINCT key) AS keys FROM event_log "
        "WHERE type IN ('enrollment.reserved', 'enrollment.waitlisted') GROUP BY type"
    )
    by_type = {r["type"]: (r["n"], r["keys"]) for r in events}
    assert by_type.get("enrollment.reserved") == (len(reserved), len(reserved))
    assert by_type.get("enrollment.waitlisted", (0, 0)) == (len(waitlisted), len(waitlisted))


async def _audit(cluster: Cluster, cohorts: list[dict[str, Any]]) -> dict[str, Any]:
    """Check every cohort against the rule, its counters, its sequence, its waitlist; figures and problems found."""
    stored = {
        str(r["id"]): r
        for r in await cluster.fetch(
            "SELECT id, capacity, reserved_regional, dob_seats, waitlist_limit, taken_central, taken_regional, "
            "taken_dob, next_seq, reservations_released_at FROM cohorts"
        )
    }
    problems: list[str] = []
    if set(stored) != {c["id"] for c in cohorts}:
        problems.append("the cohorts stored are not the cohorts created")
    rows_by_cohort: dict[str, list[Any]] = defaultdict(list)
    for r in await cluster.fetch("SELECT cohort_id, seat_class, status, seq FROM enrollments ORDER BY cohort_id, seq"):
        rows_by_cohort[str(r["cohort_id"])].append(r)

    for r in await cluster.fetch(
        "SELECT cohort_id, nip, count(*) AS n FROM enrollments WHERE status NOT IN ('cancelled', 'rejected') "
        "GROUP BY cohort_id, nip HAVING count(*) > 1"
    ):
        problems.append(f"NIP {r['nip']} active {r['n']} times in cohort {r['cohort_id']}")

    oversold = broken = 0
    waitlist: dict[str, int] = {}
    for cohort_id, c in stored.items():
        plan = SeatPlan(c["capacity"], c["reserved_regional"], c["dob_seats"])
        if c["reservations_released_at"] is not None:
            problems.append(f"cohort {cohort_id}: reservations released although no release time was set")
        rows = rows_by_cohort[cohort_id]
        seated = Counter(r["seat_class"] for r in rows if r["status"] in SEATED)
        taken = Taken(central=seated["central"], regional=seated["regional"], dob=seated["dob"])
        # The three inequalities, counted as seats beyond each bound.
        oversold += (
            max(0, taken.central - (plan.capacity - plan.reserved_regional))
            + max(0, taken.central + taken.regional - (plan.capacity - plan.dob_seats))
            + max(0, taken.total - plan.capacity)
        )
        broken += not within_rule(plan, taken)
        counters = (c["taken_central"], c["taken_regional"], c["taken_dob"])
        if counters != (taken.central, taken.regional, taken.dob):
            problems.append(f"cohort {cohort_id}: counters {counters} but rows say {taken}")
        # Sequence numbers are gap-free, and replaying arrivals in that order gives exactly the stored outcome:
        # a seat to whoever fit when they came, the waitlist (in arrival order) to the others.
        if [r["seq"] for r in rows] != list(range(1, len(rows) + 1)) or c["next_seq"] != len(rows):
            problems.append(f"cohort {cohort_id}: sequence has gaps (next_seq {c['next_seq']}, {len(rows)} rows)")
        replay, queued = Taken(), 0
        for r in rows:
            if fits(plan, replay, r["seat_class"]):
                replay = replay.plus(r["seat_class"])
                expected = "reserved"
            else:
                queued += 1
                expected = "waitlisted"
            if r["status"] != expected:
                problems.append(
                    f"cohort {cohort_id}: seq {r['seq']} ({r['seat_class']}) is {r['status']}, not {expected}"
                )
        if c["waitlist_limit"] is not None and queued > c["waitlist_limit"]:
            problems.append(f"cohort {cohort_id}: {queued} waitlisted beyond the limit {c['waitlist_limit']}")
        waitlist[cohort_id] = queued
    return {"oversold": oversold, "broken": broken, "waitlist": waitlist, "problems": problems}
