"""The nomination use case alone, without HTTP: its Python CPU and Postgres's CPU per nomination.

Benchmark 1's wide shape (1,000 cohorts of capacity 3, distinct NIPs) without the load client, the
framework or a service process: `enrollments.nominate` called as the API calls it, on a few asyncpg
connections of its own. What a change to the use case or its statements buys shows here within a few
percent, where benchmark 1 moves by more than that between reps. `--versus TREE` runs another source
tree's code beside this one in every rep (each side in a process of its own, on a fresh database, the
order alternating).

    python -m bench.nomination_path --nominations 3000 --reps 4 --versus /tmp/before
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import uvloop

from bench.common import RESULTS, nips, postgres_cpu, save, seed_replica_servants
from bench.profile import PY_SPY
from tests.support.stack import create_database, drop_database, migrate

COHORTS, CAPACITY = 1000, 3
WARM = 200  # nominations per run before the measured ones: statements prepared, code paths taken once
REPO = Path(__file__).resolve().parent.parent


async def seed(dsn: str, count: int) -> dict[str, Any]:
    """An institution, a program, COHORTS open cohorts and `count` civil servants of the institution."""
    institution, program = uuid.uuid4(), uuid.uuid4()
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO institutions (id, code, name, kind, sector, parent_id, is_new_autonomous_region,"
            " region_code, status, version) VALUES ($1, 'PEMDA-X', 'Pemerintah Daerah X', 'regional_government',"
            " 'regional', NULL, false, '91', 'active', 1)",
            institution,
        )
        await conn.execute(
            "INSERT INTO programs (id, provider_id, provider_ministry_id, title, pattern, category, hours_jp,"
            " horizon, fiscal_year, cost_per_participant_idr, version)"
            " VALUES ($1, $2, $2, 'Pelatihan', 'technical_training', 'formal', 40, 'short', 2027, 4500000, 1)",
            program,
            uuid.uuid4(),
        )
        cohorts = [uuid.uuid4() for _ in range(COHORTS)]
        closes = datetime.now(UTC) + timedelta(days=30)
        await conn.executemany(
            "INSERT INTO cohorts (id, program_id, name, starts_on, ends_on, location, capacity, regional_share_pct,"
            " reserved_regional, dob_seats, enrollment_closes_at, status, taken_central, taken_regional,"
            " taken_dob, next_seq, version) VALUES ($1, $2, 'c', '2027-03-01', '2027-03-05', 'x', $3, 30, 1, 0,"
            " $4, 'open', 0, 0, 0, 0, 1)",
            [(c, program, CAPACITY, closes) for c in cohorts],
        )
    finally:
        await conn.close()
    people = nips(count)
    await seed_replica_servants(dsn, str(institution), people)
    return {"dsn": dsn, "cohorts": [str(c) for c in cohorts], "people": people, "institution": str(institution)}


async def child(spec: dict[str, Any]) -> dict[str, float]:
    """In the tree under test: the nominations, with this process's CPU and Postgres's over the measured ones."""
    from enrollment import enrollments
    from enrollment.schemas import NominationIn
    from sinergi_shared.auth import Principal

    principal = Principal("bench", uuid.UUID(spec["institution"]), frozenset({"enrollments:write"}))
    rng = random.Random(1)
    people: list[str] = spec["people"]
    work = [(uuid.UUID(rng.choice(spec["cohorts"])), NominationIn(nip=n, funding_source="APBD")) for n in people]
    conns = [await asyncpg.connect(spec["dsn"]) for _ in range(spec["workers"])]

    async def run(batch: list[tuple[uuid.UUID, NominationIn]]) -> None:
        queue = iter(batch)

        async def worker(conn: asyncpg.Connection) -> None:
            for cohort, body in queue:
                await enrollments.nominate(conn, principal=principal, cohort_id=cohort, body=body)

        await asyncio.gather(*(worker(c) for c in conns))

    try:
        await run(work[:WARM])
        before, pg, started = resource.getrusage(resource.RUSAGE_SELF), postgres_cpu(), time.perf_counter()
        await run(work[WARM:])
        wall, pg, after = time.perf_counter() - started, postgres_cpu() - pg, resource.getrusage(resource.RUSAGE_SELF)
    finally:
        for c in conns:
            await c.close()
    n = len(work) - WARM
    user, kernel = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    return {
        "python_cpu_ms": round(1000 * (user + kernel) / n, 3),
        "kernel_share": round(kernel / (user + kernel), 2),
        "postgres_cpu_ms": round(1000 * pg / n, 3),
        "per_s": round(n / wall, 1),
    }


async def side(tree: Path, nominations: int, workers: int, profile: Path | None = None) -> dict[str, float]:
    """One run of `tree`'s code on a fresh database; with `profile`, py-spy samples it into that file."""
    dsn = await create_database("nomination_path")
    try:
        await migrate("enrollment", dsn)
        spec = {**await seed(dsn, nominations + WARM), "workers": workers}
        env = {**os.environ, "PYTHONPATH": f"{tree}/services/enrollment:{tree}/shared:{REPO}"}
        spy = [PY_SPY, "record", "-r", "400", "-f", "raw", "--nonblocking", "-o", str(profile), "--"] if profile else []
        proc = await asyncio.create_subprocess_exec(
            *spy,
            sys.executable,
            "-m",
            "bench.nomination_path",
            "--child",
            env=env,
            cwd=str(REPO),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        out, _ = await asyncio.wait_for(proc.communicate(json.dumps(spec).encode()), timeout=600)
        if proc.returncode != 0:
            raise RuntimeError(f"the run of {tree} failed")
        figures: dict[str, float] = json.loads([line for line in out.decode().splitlines() if line.startswith("{")][-1])
        return figures
    finally:
        await drop_database(dsn)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nominations", type=int, default=3000, help="measured nominations per run")
    parser.add_argument("--workers", type=int, default=4, help="connections nominating at once")
    parser.add_argument("--reps", type=int, default=4)
    parser.add_argument("--versus", type=Path, help="another source tree, run beside this one in every rep")
    parser.add_argument("--tag", default="nomination_path")
    parser.add_argument("--profile", action="store_true", help="py-spy this tree's side of rep 0")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    trees = {"this": REPO, **({"versus": args.versus.resolve()} if args.versus else {})}
    reps = []
    for rep in range(args.reps):
        order = list(trees.items()) if rep % 2 == 0 else list(trees.items())[::-1]
        row = {}
        for label, tree in order:
            profile = RESULTS / f"profile-{args.tag}.txt" if args.profile and rep == 0 and label == "this" else None
            row[label] = await side(tree, args.nominations, args.workers, profile)
            print(f"rep {rep} {label:7} {row[label]}", flush=True)
        reps.append(row)
    print("saved", save(args.tag, {"settings": vars(args) | {"versus": str(args.versus)}, "reps": reps}))


if __name__ == "__main__":
    if "--child" in sys.argv:  # on uvloop, as the services run
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            print(json.dumps(runner.run(child(json.loads(sys.stdin.read())))))
    else:
        asyncio.run(main())
