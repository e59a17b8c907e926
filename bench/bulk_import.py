"""Benchmark 5: 10,000 civil servants in one POST /civil-servants/import (JSON and CSV), seconds and rows/s.

python -m bench.bulk_import [--rows 10000] [--reps 2]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg

from bench.common import nips, rss_peaks, save
from tests.support.system import start_system, stop_system


def people(numbers: list[str], institution_id: str) -> list[dict[str, Any]]:
    return [
        {"nip": n, "name": f"Aparatur {n[-6:]}", "institution_id": institution_id, "employment": "PNS",
         "position_kind": "executor", "position_title": "Analis Kebijakan", "grade": "III/a"}
        for n in numbers
    ]  # fmt: skip


def as_csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument(
        "--together",
        action="store_true",
        help="one process per service (API, relay and consumers in it) instead of one per role, as the others run",
    )
    parser.add_argument("--tag", default="bulk_import")
    args = parser.parse_args()
    system = await start_system(Path(tempfile.mkdtemp(prefix="bench-import-")), split=not args.together)
    runs = []
    try:
        papua = await system.institution_by_code("PROV-PAPUA")
        headers = await system.client_for(papua["id"], "registry:write", "read")
        # Warm the endpoint with one small import so the first measured run pays no first-call costs.
        warm = people(nips(10, start_day=9000), papua["id"])
        r = await system.http.post(system.url("registry", "/civil-servants/import"), json=warm, headers=headers)
        assert r.status_code == 200, r.text
        for rep in range(args.reps):
            for fmt in ("json", "csv"):
                start_day = (1 + rep * 2 + (fmt == "csv")) * (args.rows // 999 + 2)
                rows = people(nips(args.rows, start_day=start_day), papua["id"])
                body = json.dumps(rows).encode() if fmt == "json" else as_csv(rows)
                ctype = "application/json" if fmt == "json" else "text/csv"
                started = time.perf_counter()
                r = await system.http.post(
                    system.url("registry", "/civil-servants/import"),
                    content=body,
                    headers={**headers, "Content-Type": ctype},
                    timeout=120,
                )
                elapsed = time.perf_counter() - started
                assert r.status_code == 200, r.text[:500]
                report = r.json()
                stored = report.get("imported", report.get("created", report.get("stored")))
                run = {"rep": rep, "format": fmt, "rows": args.rows, "bytes": len(body), "seconds": round(elapsed, 3),
                       "rows_per_s": round(args.rows / elapsed), "report_keys": sorted(report)[:8],
                       "stored": stored}  # fmt: skip
                runs.append(run)
                print(
                    f"rep {rep} {fmt}: {elapsed:.2f} s, {args.rows / elapsed:.0f} rows/s (stored {stored})", flush=True
                )

        # The import's events then reach the enrollment replica through Kafka: its apply rate over 60 s.
        total = args.rows * args.reps * 2 + len(warm)
        conn = await asyncpg.connect(system.services["enrollment"].dsn)
        try:
            before = await conn.fetchval("SELECT count(*) FROM civil_servants")
            await asyncio.sleep(60)
            after = await conn.fetchval("SELECT count(*) FROM civil_servants")
        finally:
            await conn.close()
        replica = {"imported": total, "replicated_at_start": before, "replicated_after_60s": after,
                   "apply_rows_per_s": round((after - before) / 60, 1)}  # fmt: skip
        print("enrollment replica:", replica)
        rss = rss_peaks(system)
        print("peak RSS (MB):", rss)
        save(args.tag, {"split": not args.together, "runs": runs, "replica": replica, "rss_mb": rss})
    finally:
        await stop_system(system)


if __name__ == "__main__":
    asyncio.run(main())
