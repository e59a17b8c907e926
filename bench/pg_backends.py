"""Which Postgres backends use the CPU: cores by database and statement, sampled beside a running benchmark.

Every second it reads `pg_stat_activity` and each backend's CPU time from `/proc`, and charges the CPU a
backend used since the last sample to its database and to the statement it last ran. Coarse (a backend that
runs several statements is charged to whichever it ran last), but enough to tell a relay from a consumer.
Found the relay's fetch reading the whole event log (BENCHMARKS.md, change 29).

python -m bench.pg_backends [--seconds 60] [--top 20]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import time

import asyncpg

from bench.common import cpu_seconds
from tests.support.stack import PG_ADMIN_DSN

_ACTIVITY = """
    SELECT pid, backend_type, coalesce(datname, '') AS db, left(regexp_replace(query, '\\s+', ' ', 'g'), 60) AS stmt
    FROM pg_stat_activity WHERE pid <> pg_backend_pid()
"""


async def sample(seconds: float) -> tuple[collections.Counter[tuple[str, str, str]], float]:
    """CPU seconds by (backend type, database, last statement) over the window, and the window's length."""
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    last: dict[int, float] = {}
    used: collections.Counter[tuple[str, str, str]] = collections.Counter()
    started = time.monotonic()
    try:
        while time.monotonic() - started < seconds:
            for row in await conn.fetch(_ACTIVITY):
                try:
                    now = cpu_seconds(row["pid"])
                except (FileNotFoundError, ProcessLookupError):
                    continue  # ended meanwhile
                if row["pid"] in last:
                    used[(row["backend_type"], row["db"], row["stmt"] or "")] += now - last[row["pid"]]
                last[row["pid"]] = now
            await asyncio.sleep(1.0)
    finally:
        await conn.close()
    return used, time.monotonic() - started


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()
    used, window = await sample(args.seconds)
    for (kind, db, stmt), cpu in used.most_common(args.top):
        print(f"{cpu / window:6.3f} cores  {kind:20} {db[:32]:32} {stmt}")


if __name__ == "__main__":
    asyncio.run(main())
