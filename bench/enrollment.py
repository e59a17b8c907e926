"""Benchmark 1 (and 4): nomination throughput of the HTTP API against the same statements run straight on Postgres.

python -m bench.enrollment [--requests 2000] [--reps 2] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from bench.common import (
    COST,
    YEAR,
    World,
    build_world,
    closed_loop,
    cpu_split,
    machine_shares,
    machine_ticks,
    new_cohorts,
    nips,
    post_request,
    postgres_cpu,
    rss_peaks,
    save,
    seat_audit,
    seed_replica_servants,
    summary_ms,
    wrk_closed_loop,
)
from bench.profile import Profiler
from tests.support.system import ServiceProcess, children, free_port, start_system, stop_system

CONCURRENCY = (8, 32, 64)
WIDE_COHORTS = 1000
WIDE_CAPACITY = 3

RESERVE = """
UPDATE cohorts SET taken_regional = taken_regional + 1, next_seq = next_seq + 1, version = version + 1
WHERE id = $1 AND status = 'open' AND taken_central + taken_regional + taken_dob < capacity
RETURNING next_seq
"""
QUEUE = "UPDATE cohorts SET next_seq = next_seq + 1 WHERE id = $1 RETURNING next_seq"
WAITLIST_LENGTH = "SELECT count(*) FROM enrollments WHERE cohort_id = $1 AND status = 'waitlisted'"
INSERT_ENROLLMENT = """
INSERT INTO enrollments (id, cohort_id, program_id, nip, institution_id, nominated_by_id, participant_sector,
                         is_dob, seat_class, funding_source, status, seq, created_at, updated_at, version)
VALUES ($1, $2, $3, $4, $5, $5, 'regional', false, 'regional', 'APBD', $6, $7, $8, $8, 1)
"""
INSERT_OUTBOX = """
WITH e AS (
  INSERT INTO event_log (event_id, topic, key, type, source, time, data, traceparent)
  VALUES ($1, $2, $3, $4, 'enrollment', $5, $6::jsonb, $7) RETURNING position
)
INSERT INTO outbox (position) SELECT position FROM e
"""


async def baseline(
    dsn: str, world: World, cohorts: list[str], people: list[str], *, connections: int
) -> dict[str, Any]:
    """The statements nomination must make, in one transaction each, straight through asyncpg."""
    pool = await asyncpg.create_pool(dsn, min_size=connections, max_size=connections)
    program = uuid.UUID(world.program_id)
    institution = uuid.UUID(world.papua["id"])
    provider = world.bpsdm["id"]
    rng = random.Random(1)
    work = iter([(uuid.UUID(rng.choice(cohorts)), nip) for nip in people])
    latencies: list[float] = []
    outcomes = {"reserved": 0, "waitlisted": 0}

    async def worker() -> None:
        async with pool.acquire() as conn:
            for cohort, nip in work:
                started = time.perf_counter()
                enrollment = uuid.uuid4()
                now = datetime.now(UTC)
                async with conn.transaction():
                    seq = await conn.fetchval(RESERVE, cohort)
                    status = "reserved"
                    if seq is None:
                        status = "waitlisted"
                        seq = await conn.fetchval(QUEUE, cohort)
                        await conn.fetchval(WAITLIST_LENGTH, cohort)
                    await conn.execute(
                        INSERT_ENROLLMENT, enrollment, cohort, program, nip, institution, status, seq, now
                    )
                    data = {
                        "enrollment_id": str(enrollment),
                        "cohort_id": str(cohort),
                        "program_id": str(program),
                        "provider_id": provider,
                        "provider_ministry_id": provider,
                        "nip": nip,
                        "institution_id": str(institution),
                        "is_dob": False,
                        "seat_class": "regional",
                        "participant_sector": "regional",
                        "requested_source": "APBD",
                        "amount_idr": COST,
                        "fiscal_year": YEAR,
                        "hours_jp": 40,
                        "category": "formal",
                    }
                    await conn.execute(
                        INSERT_OUTBOX,
                        uuid.uuid4(),
                        "enrollment.enrollments",
                        str(enrollment),
                        f"enrollment.{status}",
                        now,
                        json.dumps(data),
                        "00-" + uuid.uuid4().hex + "-" + uuid.uuid4().hex[:16] + "-01",
                    )
                latencies.append(time.perf_counter() - started)
                outcomes[status] += 1

    started = time.perf_counter()
    try:
        await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(connections))), timeout=120)
    finally:
        elapsed = time.perf_counter() - started
        await pool.close()
    done = len(latencies)
    return {
        "requests": done,
        "elapsed_s": round(elapsed, 3),
        "rps": round(done / elapsed, 1),
        **outcomes,
        **summary_ms(latencies),
    }


CLIENTS = ("asyncio", "wrk")
SPARE = 64  # NIPs for the requests wrk still has in flight when it stops (at most one per connection)


async def api(
    port: int | list[int],
    world: World,
    cohorts: list[str],
    people: list[str],
    *,
    connections: int,
    client: str = "asyncio",
    spare: list[str] | None = None,
) -> dict[str, Any]:
    """The nominations through the API, by the asyncio client or by wrk, with the client's own CPU per answer."""
    rng = random.Random(1)
    tokens = itertools.cycle(world.nominator_tokens)
    if client == "wrk":
        if not isinstance(port, int):
            raise SystemExit("--clients wrk drives one API process; use --clients asyncio with --api-processes")
        listing = [
            (
                f"/cohorts/{rng.choice(cohorts)}/enrollments",
                next(tokens),
                json.dumps({"nip": nip, "funding_source": "APBD"}),
            )
            for nip in [*people, *(spare or [])[:connections]]
        ]
        return await wrk_closed_loop(port, listing, connections=connections, count=len(people), time_limit_s=120)
    requests = iter(
        [
            post_request(
                f"/cohorts/{rng.choice(cohorts)}/enrollments", {"nip": nip, "funding_source": "APBD"}, next(tokens)
            )
            for nip in people
        ]
    )
    cpu_before = time.process_time()
    result = await closed_loop(port, requests, connections=connections, time_limit_s=120)
    used = time.process_time() - cpu_before
    figures = result.figures()
    figures["client_cpu_ms_per_request"] = round(1000 * used / max(1, result.sent), 3)
    figures["errors"] = [b[:300].decode(errors="replace") for _, b in result.bodies[:3]]
    return figures


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--requests", type=int, default=2000, help="nominations per run (each run is also capped at 120 s)"
    )
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--concurrency", type=int, nargs="*", default=list(CONCURRENCY))
    parser.add_argument("--shapes", nargs="*", default=["hot", "wide"])
    parser.add_argument("--profile", action="store_true", help="py-spy the API process during the 32-connection runs")
    parser.add_argument("--env", nargs="*", default=[], help="KEY=VALUE settings for the services")
    parser.add_argument("--tag", default="enrollment")
    parser.add_argument(
        "--clients",
        nargs="*",
        choices=CLIENTS,
        default=list(CLIENTS),
        help="load generators for the API half, each measured in every run (alternating order): the asyncio "
        "client of bench/common.py, and wrk (C) with bench/nominate.lua, which takes less of the shared cores",
    )
    parser.add_argument(
        "--api-processes", type=int, default=1, help="enrollment API processes on one database, connections spread"
    )
    parser.add_argument(
        "--versus",
        type=Path,
        help="another source tree (say a git worktree of an earlier commit): one more enrollment API runs its code "
        "on the same database, and every run measures both APIs, alternating which goes first (an A/B that the "
        "machine's drift between runs cannot bias)",
    )
    parser.add_argument(
        "--versus-env",
        nargs="*",
        default=[],
        help="KEY=VALUE settings for the --versus API only (with --versus . an A/B of settings on the same code)",
    )
    args = parser.parse_args()
    env = dict(kv.split("=", 1) for kv in args.env)
    if "PGSSLMODE" in env:  # the baseline's connections follow the services' TLS choice
        os.environ["PGSSLMODE"] = env["PGSSLMODE"]
    n = args.requests
    runs = args.reps * len(args.shapes) * len(args.concurrency)

    log_dir = Path(tempfile.mkdtemp(prefix="bench-enrollment-"))
    # Split processes (API, relay, consumers per service), as an operator scales them.
    system = await start_system(log_dir, split=True, **env)
    results: list[dict[str, Any]] = []
    try:
        world = await build_world(system)
        dsn = system.services["enrollment"].dsn
        people = nips(n * runs + SPARE + 400)
        spare = people[n * runs : n * runs + SPARE]  # reused in every run: each run nominates into new cohorts
        await seed_replica_servants(dsn, world.papua["id"], people)
        enrollment = system.services["enrollment"]
        apis = [enrollment]
        for i in range(1, args.api_processes):  # more replicas of the API, as an operator would scale it out
            extra = ServiceProcess(
                "enrollment", free_port(), dsn, enrollment.env, log_dir / f"enrollment-api{i}.log", flags=("--api",)
            )
            await extra.start()
            system.workers[f"enrollment:api{i}"] = extra
            apis.append(extra)
        ports = [a.port for a in apis]
        versus = None
        if args.versus:
            tree = args.versus.resolve()
            versus = ServiceProcess(
                "enrollment",
                free_port(),
                dsn,
                {
                    **enrollment.env,
                    **dict(kv.split("=", 1) for kv in args.versus_env),
                    "PYTHONPATH": f"{tree}/services/enrollment:{tree}/shared",
                },
                log_dir / "enrollment-versus.log",
                flags=("--api",),
            )
            await versus.start()
            system.workers["enrollment:versus"] = versus

        def cpu_of(processes: list[ServiceProcess]) -> tuple[float, float]:
            """CPU seconds so far of these processes and their API workers: all of it, and the kernel's part."""
            pids = [
                pid for p in processes if p.process is not None for pid in (p.process.pid, *children(p.process.pid))
            ]
            splits = [cpu_split(pid) for pid in pids]
            return sum(u + k for u, k in splits), sum(k for _, k in splits)

        async def through(
            processes: list[ServiceProcess],
            batch: list[str],
            *,
            shape: str,
            conns: int,
            count: int,
            capacity: int,
            profile: bool,
            client: str,
        ) -> dict[str, Any]:
            """One run through these API processes, with their CPU per request and the seat audit."""
            cohorts = await new_cohorts(system, world, dsn, count=count, capacity=capacity)
            profiler = None
            if profile:
                profiler = Profiler(processes[0].process.pid, f"{args.tag}-{shape}-{conns}")  # type: ignore[union-attr]
                profiler.start()
            (cpu_before, kernel_before), ticks, parts = cpu_of(processes), machine_ticks(), postgres_cpu()
            ports = [p.port for p in processes]
            figures = await api(
                ports[0] if len(ports) == 1 else ports,
                world,
                cohorts,
                batch,
                connections=conns,
                client=client,
                spare=spare,
            )
            cpu_after, kernel_after = cpu_of(processes)
            used = cpu_after - cpu_before
            figures["machine"] = machine_shares(ticks, machine_ticks())
            figures["postgres_cpu_ms_per_request"] = round(1000 * (postgres_cpu() - parts) / max(1, figures["ok"]), 2)
            figures["api_kernel_cpu_share"] = round((kernel_after - kernel_before) / max(used, 1e-9), 2)
            figures["api_cpu_ms_per_request"] = round(1000 * used / max(1, figures["ok"]), 2)
            figures["api_cpu_share"] = round(used / figures["elapsed_s"], 2)
            if profiler:
                figures["profile"] = profiler.stop()
            figures["audit"] = await seat_audit(dsn, cohorts)
            return figures

        # The enrollment relay is stopped during this benchmark so that the funding service does not
        # work the events off while the API and the baseline compete for the two cores.
        await system.workers["enrollment:relay"].stop()
        # Warm up the API process (imports, pools, JIT-less but cache-filled code paths).
        warm = await new_cohorts(system, world, dsn, count=1, capacity=1000)
        await api(ports, world, warm, people[-200:], connections=8 * len(apis))
        if versus:
            await api(versus.port, world, warm, people[-400:-200], connections=8)
        batches = iter(people[i * n : (i + 1) * n] for i in range(runs))
        for rep in range(args.reps):
            for shape in args.shapes:
                for conns in args.concurrency:
                    count, capacity = (1, n * 2 // 3) if shape == "hot" else (WIDE_COHORTS, WIDE_CAPACITY)
                    batch = next(batches)  # the same NIPs for the baseline and each API, into cohorts of their own
                    base_cohorts = await new_cohorts(system, world, dsn, count=count, capacity=capacity)
                    ticks, parts = machine_ticks(), postgres_cpu()
                    base = await baseline(dsn, world, base_cohorts, batch, connections=conns)
                    base["machine"] = machine_shares(ticks, machine_ticks())
                    base["postgres_cpu_ms_per_request"] = round(
                        1000 * (postgres_cpu() - parts) / max(1, base["requests"]), 2
                    )
                    base["audit"] = await seat_audit(dsn, base_cohorts)
                    run = {"shape": shape, "conns": conns, "count": count, "capacity": capacity}
                    # Each leg: this tree's API through each load client, then the other tree's (first client).
                    legs = [(client, apis, client) for client in args.clients]
                    if versus:
                        legs.append(("versus", [versus], args.clients[0]))
                    measured: dict[str, dict[str, Any]] = {}
                    for label, processes, client in legs if rep % 2 == 0 else legs[::-1]:
                        profile = args.profile and conns == 32 and rep == 0 and label == args.clients[0]
                        measured[label] = await through(processes, batch, **run, profile=profile, client=client)
                    first = measured[args.clients[0]]
                    row = {
                        "rep": rep,
                        "shape": shape,
                        "connections": conns,
                        "baseline": base,
                        "api": first,
                        "ratio": round(first["rps"] / base["rps"], 3) if base["rps"] else None,
                        "legs": {
                            label: {**figures, "ratio": round(figures["rps"] / base["rps"], 3) if base["rps"] else None}
                            for label, figures in measured.items()
                        },
                    }
                    results.append(row)
                    print(
                        f"rep {rep} {shape:4} c={conns:<3} baseline {base['rps']:8.1f}/s p50 {base['p50_ms']:6.1f} "
                        f"p99 {base['p99_ms']:7.1f} pg {base['postgres_cpu_ms_per_request']} ms/req "
                        f"| machine {base['machine']}",
                        flush=True,
                    )
                    for label, figures in row["legs"].items():
                        print(
                            f"    {label:8} {figures['rps']:7.1f}/s p50 {figures['p50_ms']:6.1f} "
                            f"p99 {figures['p99_ms']:7.1f} cpu {figures['api_cpu_ms_per_request']} ms/req "
                            f"({figures['api_cpu_share']} core) pg {figures['postgres_cpu_ms_per_request']} ms/req "
                            f"client {figures['client_cpu_ms_per_request']} ms/req "
                            f"| ratio {figures['ratio']} | oversold {figures['audit']['oversold_cohorts']} "
                            f"mismatch {figures['audit']['counter_mismatches']} statuses {figures['statuses']} "
                            f"| machine {figures['machine']}",
                            flush=True,
                        )
        rss = rss_peaks(system)
        print("peak RSS (MB):", rss)
        path = save(
            args.tag,
            {
                "settings": {
                    "requests_per_run": n,
                    "env": env,
                    "api_process": "--api only",
                    "api_processes": len(apis),
                    "versus": str(args.versus) if args.versus else None,
                    "versus_env": args.versus_env,
                    "clients": args.clients,
                },
                "runs": results,
                "rss_mb": rss,
            },
        )
        print("saved", path)
    finally:
        await stop_system(system)


if __name__ == "__main__":
    asyncio.run(main())
