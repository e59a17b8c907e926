"""Benchmark 2: saga latency, from the 201 `reserved` answer to the enrollment reading `confirmed`.

Auto-approved APBD funding, so each nomination makes two trips through Kafka (enrollment.reserved to the
funding service, funding.approved back). Nominations are sent open-loop at a fixed rate.

python -m bench.saga [--rates 50 200] [--seconds 20 10] [--reps 2]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer

from bench.common import (
    COST,
    YEAR,
    build_world,
    cpu_by_part,
    cpu_shares,
    machine_shares,
    machine_ticks,
    new_cohorts,
    nips,
    open_loop,
    post_request,
    rss_peaks,
    save,
    seed_replica_servants,
    service_pids,
    service_processes,
    summary_ms,
)
from bench.profile import Profiler
from sinergi_shared.contracts import T_ENROLLMENTS
from tests.support.stack import ADMIN, KAFKA
from tests.support.system import System, start_system, stop_system

COHORTS = 200
POLL_S = 0.005
REWARM_S = 10  # unmeasured sagas after --versus restarts the processes: pools, caches, consumer groups
SAGA_CODE = ("services/enrollment", "services/funding", "shared")


def report(r: dict[str, Any]) -> None:
    s = r["saga_observed"]
    n50, n99 = r["nominate_latency"]["p50_ms"], r["nominate_latency"]["p99_ms"]
    print(f"rep {r['rep']} {r['side']:6} {r['rate_per_s']:5.0f}/s: sent {r['sent']} confirmed {r['confirmed']} "
          f"unconfirmed {r['unconfirmed']} | saga p50 {s['p50_ms']} p99 {s['p99_ms']} max {s['max_ms']} ms "
          f"(by updated_at p50 {r['saga_by_updated_at']['p50_ms']}) | nominate p50 {n50} p99 {n99}",
          flush=True)  # fmt: skip
    legs = {k: (v["p50_ms"], v["p99_ms"]) for k, v in r["legs"].items() if "p50_ms" in v}
    print("    legs p50/p99 ms:", legs, "funding batches:", r["legs"]["funding batches"], flush=True)
    print("    machine:", r["machine"], "cores by part:", r["cores_by_part"], flush=True)


async def run_side(system: System, tree: Path | None) -> None:
    """Restart the enrollment and funding processes on this tree's code (None) or another's (resolved path)."""
    saga_processes = [
        proc for name, proc in service_processes(system).items() if name.split(":")[0] in ("enrollment", "funding")
    ]
    for proc in saga_processes:
        await proc.stop()
    code = {"PYTHONPATH": ":".join(f"{tree}/{d}" for d in SAGA_CODE)} if tree else {}
    for proc in saga_processes:
        await proc.start(**code)


async def budget_line(system: System, headers: dict[str, str], institution_id: str) -> None:
    body = {"institution_id": institution_id, "source": "APBD", "fiscal_year": YEAR, "ceiling_idr": COST * 10**6,
            "purpose": "general", "auto_approve_limit_idr": COST}  # fmt: skip
    for _ in range(120):  # the funding replica learns the institution from Kafka
        r = await system.http.post(system.url("funding", "/budgets"), json=body, headers=headers)
        if r.status_code == 201:
            return
        await asyncio.sleep(0.5)
    raise RuntimeError(f"budget line refused: {r.status_code} {r.text}")


async def run_rate(
    system: System, dsn: str, port: int, requests: list[bytes], rate: float, settle_s: float = 60
) -> dict[str, Any]:
    answered: dict[uuid.UUID, float] = {}
    seen: dict[uuid.UUID, tuple[float, float]] = {}
    failures: list[str] = []

    def on_answer(status: int, body: bytes, at: float) -> None:
        if status == 201 and json.loads(body)["status"] == "reserved":
            answered[uuid.UUID(json.loads(body)["id"])] = at
        else:
            failures.append(f"{status} {body[:200]!r}")

    # Planned afresh for every poll: a cached generic plan, made while few enrollments were confirmed,
    # walked every confirmed enrollment on each poll (200 a second), so the observer's cost grew with the run.
    conn = await asyncpg.connect(dsn, server_settings={"plan_cache_mode": "force_custom_plan"})
    sending = asyncio.create_task(open_loop(port, requests, rate_per_s=rate, on_answer=on_answer))
    deadline = None
    polls = 0
    try:
        while True:
            # Only the sagas still in flight, so the poll costs the same at the end of a run as at its start.
            waiting = [e for e in answered if e not in seen]
            rows = await conn.fetch(
                "SELECT id, extract(epoch FROM updated_at) AS at FROM enrollments "
                "WHERE id = ANY($1::uuid[]) AND status = 'confirmed'",
                waiting,
            )
            now = time.time()
            polls += 1
            for row in rows:
                if row["id"] not in seen:
                    seen[row["id"]] = (now, float(row["at"]))
            if sending.done():
                deadline = deadline or time.monotonic() + settle_s
                if all(e in seen for e in answered) or time.monotonic() > deadline:
                    break
            await asyncio.sleep(POLL_S)
        load = await sending
    finally:
        await conn.close()
    observed = [seen[e][0] - t for e, t in answered.items() if e in seen]
    committed = [seen[e][1] - t for e, t in answered.items() if e in seen]
    return {
        "rate_per_s": rate,
        "sent": load.sent,
        "achieved_rate_per_s": round(load.sent / load.elapsed_s, 1),
        "reserved": len(answered),
        "confirmed": len(observed),
        "unconfirmed": len(answered) - len(observed),
        "failures": failures[:3],
        "nominate_latency": summary_ms(load.latencies),
        "saga_observed": summary_ms(observed),
        "saga_by_updated_at": summary_ms(committed),
        "polls": polls,
    }


async def publish_times(topic: str, event_ids: set[str]) -> dict[str, float]:
    """ce_id -> the Kafka record timestamp (producer CreateTime: when the relay appended it to a batch)."""
    consumer = AIOKafkaConsumer(topic, **ADMIN.options(), auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    found: dict[str, float] = {}
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=2000, max_records=5000)
            if not batches:
                return found
            for records in batches.values():
                for record in records:
                    ce_id = dict(record.headers).get("ce_id", b"").decode()
                    if ce_id in event_ids:
                        found[ce_id] = record.timestamp / 1000
    finally:
        await consumer.stop()


async def hops(system: System, since: float) -> dict[str, Any]:
    """Where a saga's time goes, from the services' own clocks: event_log times and inbox applied_at.

    applied_at is the consuming transaction's start (now()), so "to funding" and "back" include the
    relay, Kafka and the consumer's fetch; "in funding" / "in enrollment" are the consuming transactions
    up to the moment they recorded their event.
    """
    enrollment = await asyncpg.connect(system.services["enrollment"].dsn)
    funding = await asyncpg.connect(system.services["funding"].dsn)
    try:
        reserved = {r["event_id"]: (r["key"], float(r["t"])) for r in await enrollment.fetch(
            "SELECT event_id::text, key, extract(epoch FROM time) AS t FROM event_log "
            "WHERE type = 'enrollment.reserved' AND time >= to_timestamp($1)", since)}  # fmt: skip
        confirmed = {r["key"]: float(r["t"]) for r in await enrollment.fetch(
            "SELECT key, extract(epoch FROM time) AS t FROM event_log "
            "WHERE type = 'enrollment.confirmed' AND time >= to_timestamp($1)", since)}  # fmt: skip
        back = {r["event_id"]: float(r["t"]) for r in await enrollment.fetch(
            "SELECT event_id, extract(epoch FROM applied_at) AS t FROM inbox "
            "WHERE type = 'funding.approved' AND applied_at >= to_timestamp($1)", since)}  # fmt: skip
        arrived = {r["event_id"]: float(r["t"]) for r in await funding.fetch(
            "SELECT event_id, extract(epoch FROM applied_at) AS t FROM inbox "
            "WHERE type = 'enrollment.reserved' AND applied_at >= to_timestamp($1)", since)}  # fmt: skip
        approved = {r["key"]: (r["event_id"], float(r["t"])) for r in await funding.fetch(
            "SELECT event_id::text, data->>'enrollment_id' AS key, extract(epoch FROM time) AS t FROM event_log "
            "WHERE type = 'funding.approved' AND time >= to_timestamp($1)", since)}  # fmt: skip
    finally:
        await enrollment.close()
        await funding.close()
    published = await publish_times(system.prefix + T_ENROLLMENTS, set(reserved))
    legs: dict[str, list[float]] = {"to funding": [], "in funding": [], "back": [], "in enrollment": []}
    relayed: list[float] = []
    fetched: list[float] = []
    for event_id, (key, t0) in reserved.items():
        if event_id not in arrived or key not in approved or key not in confirmed:
            continue
        approved_id, t2 = approved[key]
        if approved_id not in back:
            continue
        t1, t3, t4 = arrived[event_id], back[approved_id], confirmed[key]
        for leg, seconds in zip(legs, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            legs[leg].append(seconds)
        if event_id in published:  # "to funding" split at the Kafka record's timestamp (set by the relay)
            relayed.append(published[event_id] - t0)
            fetched.append(t1 - published[event_id])
    # Each consuming transaction stamps all its events with one applied_at: the funding consumer's batch
    # sizes, and how long it spent per event (last event recorded minus transaction start, over the size).
    batches: dict[float, list[float]] = {}
    for event_id, (key, _) in reserved.items():
        if event_id in arrived and key in approved:
            batches.setdefault(arrived[event_id], []).append(approved[key][1])
    sizes = [len(times) for times in batches.values()]
    per_event = [(max(times) - start) / len(times) for start, times in batches.items()]
    result: dict[str, Any] = {leg: summary_ms(values) for leg, values in legs.items()}
    result["to funding: relayed"] = summary_ms(relayed)
    result["to funding: consumed"] = summary_ms(fetched)
    result["funding batches"] = {
        "transactions": len(sizes),
        "mean_size": round(statistics.fmean(sizes), 1) if sizes else 0,
        "ms_per_event": summary_ms(per_event),
    }
    return result


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rates", type=float, nargs="*", default=[50, 200])
    parser.add_argument("--seconds", type=float, nargs="*", default=[20, 10], help="duration per rate")
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument(
        "--warmup",
        type=float,
        nargs=2,
        default=[50, 60],
        metavar=("RATE", "SECONDS"),
        help="unmeasured sagas first: JIT-compiles the broker (fresh after kafka-reset) and fills the caches",
    )
    parser.add_argument("--env", nargs="*", default=[])
    parser.add_argument("--tag", default="saga")
    parser.add_argument("--profile", action="store_true", help="py-spy every service process during the first rep")
    parser.add_argument(
        "--versus",
        type=Path,
        help="another source tree: each rep also runs with the enrollment and funding processes on its code "
        "(restarted, re-warmed; the two sides alternate which goes first), on the same databases and broker",
    )
    parser.add_argument(
        "--together",
        dest="split",
        action="store_false",
        help="one process per service (API, relay and consumers together) instead of three",
    )
    args = parser.parse_args()
    env = dict(kv.split("=", 1) for kv in args.env)
    env.setdefault("ENROLLMENT_RELAY_POLL_INTERVAL_S", "1.0")
    env.setdefault("FUNDING_RELAY_POLL_INTERVAL_S", "1.0")
    system = await start_system(Path(tempfile.mkdtemp(prefix="bench-saga-")), split=args.split, **env)
    results = []
    try:
        world = await build_world(system)
        await budget_line(system, {"Authorization": f"Bearer {world.nominator_tokens[0]}"}, world.papua["id"])
        dsn = system.services["enrollment"].dsn
        counts = [int(r * s) for r, s in zip(args.rates, args.seconds, strict=True)]
        warm_rate, warm_s = args.warmup
        sides = ["this", "versus"] if args.versus else ["this"]
        rewarm = [int(r * REWARM_S) if args.versus else 0 for r in args.rates]
        everyone = nips((sum(counts) + sum(rewarm)) * args.reps * len(sides) + int(warm_rate * warm_s))
        people = iter(everyone)
        await seed_replica_servants(dsn, world.papua["id"], everyone)
        tokens = itertools.cycle(world.nominator_tokens)
        port = system.services["enrollment"].port

        def batch(n: int, cohorts: list[str]) -> list[bytes]:
            cycle = itertools.cycle(cohorts)
            return [
                post_request(f"/cohorts/{next(cycle)}/enrollments", {"nip": next(people), "funding_source": "APBD"},
                             next(tokens))
                for _ in range(n)
            ]  # fmt: skip

        cohorts = await new_cohorts(system, world, dsn, count=COHORTS, capacity=100)
        warm = await run_rate(system, dsn, port, batch(int(warm_rate * warm_s), cohorts), warm_rate)
        print("warm-up:", warm["saga_observed"], "unconfirmed", warm["unconfirmed"], flush=True)
        for rep in range(args.reps):
            for side in sides if rep % 2 == 0 else sides[::-1]:
                if args.versus:
                    await run_side(system, args.versus.resolve() if side == "versus" else None)
                for rate, n, n_warm in zip(args.rates, counts, rewarm, strict=True):
                    if n_warm:
                        await run_rate(system, dsn, port, batch(n_warm, cohorts), rate)
                    started, ticks, parts = time.time(), machine_ticks(), cpu_by_part(system)
                    profilers = []
                    if args.profile and rep == 0:
                        for name, pid in service_pids(system).items():
                            profilers.append(Profiler(pid, f"{args.tag}-{side}-{rate:g}-{name.replace(':', '-')}"))
                            profilers[-1].start()
                    r = await run_rate(system, dsn, port, batch(n, cohorts), rate)
                    if profilers:
                        r["profiles"] = {p.path.name: p.stop() for p in profilers}
                    r["machine"] = machine_shares(ticks, machine_ticks())
                    r["cores_by_part"] = cpu_shares(parts, cpu_by_part(system), time.time() - started)
                    r["rep"], r["side"] = rep, side
                    r["legs"] = await hops(system, started)
                    results.append(r)
                    report(r)
        rss = rss_peaks(system)
        print("peak RSS (MB):", rss)
        settings = {
            "env": env,
            "split": args.split,
            "kafka": KAFKA,  # the cluster of `make cluster-up` with SINERGI_KAFKA_BOOTSTRAP set to its three brokers
            "cohorts": COHORTS,
            "poll_s": POLL_S,
            "warmup": {"rate": warm_rate, "seconds": warm_s, "saga": warm["saga_observed"]},
            "versus": str(args.versus) if args.versus else None,
            "rewarm_s": REWARM_S if args.versus else 0,
        }
        print("saved", save(args.tag, {"settings": settings, "runs": results, "rss_mb": rss}))
    finally:
        await stop_system(system)


if __name__ == "__main__":
    asyncio.run(main())
