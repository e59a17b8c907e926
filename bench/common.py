"""Shared pieces of the benchmarks: the running system, test data, a lean HTTP load client, figures."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

from enrollment.domain.development import current_fiscal_year
from tests.support.system import ServiceProcess, System, children

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
YEAR = current_fiscal_year(datetime.now(UTC)) + 1  # next year: a short-horizon program with cohorts still ahead
COST = 5_000_000


def nips(count: int, *, start_day: int = 0) -> list[str]:
    """Distinct valid NIPs: birth dates from 1970-01-01 on, appointed 2000-01, serials 001-999 per date."""
    out = []
    born = date(1970, 1, 1) + timedelta(days=start_day)
    serial = 0
    while len(out) < count:
        serial += 1
        if serial > 999:
            serial, born = 1, born + timedelta(days=1)
        out.append(f"{born:%Y%m%d}2000011{serial:03d}")
    return out


def machine() -> dict[str, Any]:
    """The machine, versions and load, recorded with every result."""

    def run(*cmd: str) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
        except OSError:
            return "?"

    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        "?",
    )
    import aiokafka
    import fastapi
    import sqlalchemy
    import uvicorn

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgres": run("psql", "-h", "127.0.0.1", "-p", "55432", "-U", "sinergi", "-tAc", "show server_version"),
        "versions": {
            "fastapi": fastapi.__version__,
            "uvicorn": uvicorn.__version__,
            "sqlalchemy": sqlalchemy.__version__,
            "asyncpg": asyncpg.__version__,
            "aiokafka": aiokafka.__version__,
        },
        "loadavg_at_start": os.getloadavg(),
    }


def save(name: str, payload: dict[str, Any]) -> Path:
    """Write the run's figures to bench/results/<name>.json (BENCHMARKS.md quotes them)."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": machine(), **payload}
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    return path


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def summary_ms(latencies_s: list[float]) -> dict[str, float]:
    ms = [x * 1000 for x in latencies_s]
    return {
        "p50_ms": round(pct(ms, 50), 2),
        "p99_ms": round(pct(ms, 99), 2),
        "max_ms": round(max(ms), 2) if ms else float("nan"),
        "mean_ms": round(statistics.fmean(ms), 2) if ms else float("nan"),
    }


def service_processes(system: System) -> dict[str, ServiceProcess]:
    """Every service process by name ("enrollment:api", "enrollment:relay", ... or "enrollment")."""
    return {
        (name if name not in system.services or not svc.flags else f"{name}:api"): svc
        for name, svc in [*system.services.items(), *system.workers.items()]
    }


def service_pids(system: System) -> dict[str, int]:
    """The running service processes' pids by name, as `service_processes` names them; with --workers, the
    supervisor under its name and its API workers as "<name>:worker<n>"."""
    pids = {}
    for name, svc in service_processes(system).items():
        if svc.process is not None and svc.process.returncode is None:
            pids[name] = svc.process.pid
            for n, child in enumerate(children(svc.process.pid), start=1):
                pids[f"{name}:worker{n}"] = child
    return pids


def rss_peaks(system: System) -> dict[str, dict[str, float]]:
    """VmHWM (peak) and VmRSS of each service process, in MB."""
    out = {}
    for name, pid in service_pids(system).items():
        status = Path(f"/proc/{pid}/status").read_text()
        fields = {ln.split(":")[0]: ln.split(":")[1].strip() for ln in status.splitlines() if ":" in ln}
        out[name] = {k: round(int(fields[k].split()[0]) / 1024, 1) for k in ("VmHWM", "VmRSS")}
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    return sum(cpu_split(pid))


def cpu_split(pid: int) -> tuple[float, float]:
    """User and system (kernel, for its system calls) CPU time a process has used so far."""
    user, system, _, _ = _cpu_times(pid)
    return user, system


def _cpu_times(pid: int) -> tuple[float, float, float, float]:
    """A process's user and system CPU time, then those of its children that ended and were waited for."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick, int(fields[13]) / tick, int(fields[14]) / tick


def machine_ticks() -> list[int]:
    """The machine's CPU time so far, by kind (the first line of /proc/stat)."""
    return [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]


def machine_shares(before: list[int], after: list[int]) -> dict[str, float]:
    """How the machine's CPU time went between two `machine_ticks()`: busy, waiting on disk, stolen (percent)."""
    d = [b - a for a, b in zip(before, after, strict=False)]
    total = sum(d[:8]) or 1  # user nice system idle iowait irq softirq steal (guest time is inside user)
    return {
        "busy_pct": round(100 * (total - d[3] - d[4]) / total, 1),
        "iowait_pct": round(100 * d[4] / total, 1),
        "steal_pct": round(100 * d[7] / total, 1),
    }


def cpu_by_part(system: System) -> dict[str, float]:
    """CPU seconds so far of each service process, of the Kafka broker, of all Postgres processes, of the benchmark."""
    parts = {name: cpu_seconds(pid) for name, pid in service_pids(system).items()}
    parts["benchmark"] = cpu_seconds(os.getpid())  # its load client and its observer
    parts["kafka"] = _cpu_of_processes("kafka.Kafka")
    parts["postgres"] = postgres_cpu()
    return parts


def postgres_cpu() -> float:
    """CPU seconds so far of all Postgres processes, backends that ended included (the postmaster reaps them)."""
    return _cpu_of_processes("postgres", reaped=True)


def _cpu_of_processes(pattern: str, *, reaped: bool = False) -> float:
    """CPU seconds of the processes whose command line matches, and with `reaped` of their ended children."""
    total = 0.0
    for pid in subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout.split():
        try:
            times = _cpu_times(int(pid))
            total += sum(times) if reaped else sum(times[:2])
        except (FileNotFoundError, ProcessLookupError):  # gone meanwhile
            pass
    return total


def cpu_shares(before: dict[str, float], after: dict[str, float], seconds: float) -> dict[str, float]:
    """Cores used by each part between two `cpu_by_part` readings.

    Postgres is the sum over its processes at each reading, so a backend that ended in between is missed.
    """
    return {k: round((after[k] - before.get(k, 0.0)) / seconds, 2) for k in after}


# ---------------------------------------------------------------- a lean HTTP/1.1 keep-alive load client


@dataclass
class LoadResult:
    sent: int = 0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    bodies: list[tuple[int, bytes]] = field(default_factory=list)
    elapsed_s: float = 0.0

    def figures(self) -> dict[str, Any]:
        ok = sum(n for s, n in self.statuses.items() if s < 300)
        return {
            "requests": self.sent,
            "ok": ok,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "elapsed_s": round(self.elapsed_s, 3),
            "rps": round(ok / self.elapsed_s, 1) if self.elapsed_s else 0.0,
            **summary_ms(self.latencies),
        }


def post_request(path: str, body: dict[str, Any], token: str, host: str = "127.0.0.1") -> bytes:
    data = json.dumps(body, separators=(",", ":")).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
    ).encode()
    return head + data


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = 0
    for line in lines[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:].strip())
    body = await reader.readexactly(length) if length else b""
    return status, body


async def closed_loop(
    port: int | Sequence[int],
    requests: Iterator[bytes],
    *,
    connections: int,
    time_limit_s: float,
    keep_bodies: bool = False,
) -> LoadResult:
    """Each connection sends its next request when the previous answered; stops when the requests or time run out.

    With several ports (API processes behind no balancer) the connections are spread over them in turn.
    """
    result = LoadResult()
    deadline = time.perf_counter() + time_limit_s
    ports = [port] if isinstance(port, int) else list(port)

    async def worker(i: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", ports[i % len(ports)])
        try:
            while time.perf_counter() < deadline:
                try:
                    request = next(requests)
                except StopIteration:
                    return
                result.sent += 1
                started = time.perf_counter()
                writer.write(request)
                status, body = await _read_response(reader)
                result.latencies.append(time.perf_counter() - started)
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if keep_bodies or status >= 300:
                    result.bodies.append((status, body))
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(connections)))
    result.elapsed_s = time.perf_counter() - started
    return result


WRK_SCRIPT = REPO / "bench" / "nominate.lua"


async def wrk_closed_loop(
    port: int, requests: Sequence[tuple[str, str, str]], *, connections: int, count: int, time_limit_s: float
) -> dict[str, Any]:
    """The same closed loop as `closed_loop`, driven by wrk (C, one thread) so the load takes less of the cores.

    `requests` are (path, token, json body), at least `count + connections` of them: wrk stops after `count`
    answers, and the requests still in flight then need NIPs of their own. Returns `LoadResult.figures()`'s
    keys plus the client's own CPU per answer.
    """
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (or run with --clients asyncio)")
    if len(requests) < count + connections:
        raise ValueError("wrk needs count + connections requests")
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as listing:
        listing.writelines(f"{path}\t{token}\t{body}\n" for path, token, body in requests)
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        process = await asyncio.create_subprocess_exec(
            wrk,
            "-t1",
            f"-c{connections}",
            f"-d{int(time_limit_s)}s",
            "--timeout",
            "30s",
            "-s",
            str(WRK_SCRIPT),
            f"http://127.0.0.1:{port}",
            "--",
            listing.name,
            str(count),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        assert process.stdout is not None and process.stderr is not None
        try:
            await _line(process.stdout, b"started", time_limit_s)
            started = time.perf_counter()
            await _line(process.stdout, b"finished", time_limit_s)
            elapsed = time.perf_counter() - started
        except (RuntimeError, TimeoutError) as failure:
            process.kill()
            raise RuntimeError(f"{failure}; wrk said: {(await process.stderr.read())[-500:]!r}") from None
        process.send_signal(signal.SIGINT)  # wrk would otherwise sleep out its -d
        out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    finally:
        os.unlink(listing.name)
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed ({process.returncode}): {err.decode(errors='replace')[-500:]}")
    report = json.loads(out.decode().strip().splitlines()[-1])
    statuses = {int(k): v for k, v in report["statuses"].items()}
    ok = sum(n for s, n in statuses.items() if s < 300)
    used = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return {
        "requests": report["answers"],
        "ok": ok,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "elapsed_s": round(elapsed, 3),
        "rps": round(min(ok, count) / elapsed, 1),
        **{k: round(report[k], 2) for k in ("p50_ms", "p99_ms", "max_ms", "mean_ms")},
        "client_cpu_ms_per_request": round(1000 * used / max(1, report["answers"]), 3),
    }


async def _line(stream: asyncio.StreamReader, expected: bytes, timeout: float) -> None:
    """Reads up to the line `expected` (wrk's own banner comes in between); fails at the end of the output."""
    while (line := await asyncio.wait_for(stream.readline(), timeout)).strip() != expected:
        if not line:
            raise RuntimeError(f"wrk: its output ended before {expected!r}")


async def open_loop(
    port: int,
    requests: list[bytes],
    *,
    rate_per_s: float,
    on_answer: Callable[[int, bytes, float], None],
    connections: int = 64,
) -> LoadResult:
    """Send at a fixed rate whatever the answers (a pool of keep-alive connections); bounded by len(requests)."""
    result = LoadResult()
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(await asyncio.open_connection("127.0.0.1", port))

    async def one(request: bytes) -> None:
        reader, writer = await pool.get()
        started = time.perf_counter()
        writer.write(request)
        status, body = await _read_response(reader)
        answered = time.time()
        result.latencies.append(time.perf_counter() - started)
        result.statuses[status] = result.statuses.get(status, 0) + 1
        pool.put_nowait((reader, writer))
        on_answer(status, body, answered)

    tasks = []
    started = time.perf_counter()
    for i, request in enumerate(requests):
        delay = started + i / rate_per_s - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        result.sent += 1
        tasks.append(asyncio.create_task(one(request)))
    await asyncio.gather(*tasks)
    result.elapsed_s = time.perf_counter() - started
    while not pool.empty():
        pool.get_nowait()[1].close()
    return result


# ---------------------------------------------------------------- the world the benchmarks nominate into


@dataclass
class World:
    papua: dict[str, Any]
    bpsdm: dict[str, Any]
    provider: dict[str, str]
    nominator_tokens: list[str]
    program_id: str


async def wait_for(check: Callable[[], Any], *, timeout: float = 60.0, every: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(every)


async def build_world(system: System, *, tokens: int = 8) -> World:
    """Seeded Papua province nominating into a BPSDM Kemendagri program; clients and replicas ready."""
    papua = await system.institution_by_code("PROV-PAPUA")
    bpsdm = await system.institution_by_code("BPSDM-KEMENDAGRI")
    provider = await system.client_for(bpsdm["id"], "programs:write", "read")
    nominators = []
    for _ in range(tokens):
        h = await system.client_for(papua["id"], "enrollments:write", "read", "funding:write", "funding:approve")
        nominators.append(h["Authorization"].removeprefix("Bearer "))
    enrollment_dsn = system.services["enrollment"].dsn

    async def replicated() -> bool:
        conn = await asyncpg.connect(enrollment_dsn)
        try:
            n = await conn.fetchval(
                "SELECT count(*) FROM institutions WHERE id = ANY($1::uuid[])", [papua["id"], bpsdm["id"]]
            )
            return bool(n == 2)
        finally:
            await conn.close()

    await wait_for(replicated, timeout=90)
    r = await system.http.post(
        system.url("enrollment", "/programs"),
        json={
            "provider_id": bpsdm["id"],
            "title": "Pelatihan Perencanaan Pembangunan Daerah",
            "pattern": "technical_training",
            "hours_jp": 40,
            "horizon": "short",
            "fiscal_year": YEAR,
            "cost_per_participant_idr": COST,
        },
        headers=provider,
    )
    assert r.status_code == 201, r.text
    return World(papua, bpsdm, provider, nominators, r.json()["id"])


async def seed_replica_servants(dsn: str, institution_id: str, numbers: list[str]) -> None:
    """Put civil servants straight into the enrollment replica (benchmark setup, not what is measured)."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.copy_records_to_table(
            "civil_servants",
            records=[
                (n, f"ASN {n[-6:]}", uuid.UUID(institution_id), "PNS", "executor", None, None, "active", 1)
                for n in numbers
            ],
            columns=[
                "nip",
                "name",
                "institution_id",
                "employment",
                "position_kind",
                "position_title",
                "grade",
                "status",
                "version",
            ],
        )
    finally:
        await conn.close()


async def new_cohorts(system: System, world: World, dsn: str, *, count: int, capacity: int) -> list[str]:
    """One cohort made through the API, then cloned `count` times in SQL with fresh ids and counters."""
    r = await system.http.post(
        system.url("enrollment", f"/programs/{world.program_id}/cohorts"),
        json={
            "name": "template",
            "starts_on": f"{YEAR}-03-01",
            "ends_on": f"{YEAR}-03-05",
            "location": "regional",
            "capacity": capacity,
        },
        headers=world.provider,
    )
    assert r.status_code == 201, r.text
    template = r.json()["id"]
    conn = await asyncpg.connect(dsn)
    try:
        cols = [
            r["column_name"]
            for r in await conn.fetch(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'cohorts' ORDER BY ordinal_position"
            )
        ]
        copied = [c for c in cols if c != "id"]
        rows = await conn.fetch(
            f"INSERT INTO cohorts (id, {', '.join(copied)}) "
            f"SELECT gen_random_uuid(), {', '.join(copied)} FROM cohorts, generate_series(1, $2) "
            "WHERE id = $1 RETURNING id",
            uuid.UUID(template),
            count,
        )
    finally:
        await conn.close()
    return [str(r["id"]) for r in rows]


async def seat_audit(dsn: str, cohort_ids: list[str]) -> dict[str, Any]:
    """Counters against rows, and capacity, for the cohorts of a run: the oversell check."""
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            """
            SELECT c.id, c.capacity, c.taken_central, c.taken_regional, c.taken_dob,
                   count(e.id) FILTER (WHERE e.status IN ('reserved','confirmed','completed','no_show')) AS seated,
                   count(e.id) FILTER (WHERE e.status = 'waitlisted') AS waitlisted
            FROM cohorts c LEFT JOIN enrollments e ON e.cohort_id = c.id
            WHERE c.id = ANY($1::uuid[]) GROUP BY c.id
            """,
            [uuid.UUID(c) for c in cohort_ids],
        )
    finally:
        await conn.close()
    mismatched = [r for r in rows if r["taken_central"] + r["taken_regional"] + r["taken_dob"] != r["seated"]]
    oversold = [r for r in rows if r["seated"] > r["capacity"]]
    return {
        "cohorts": len(rows),
        "seated": sum(r["seated"] for r in rows),
        "waitlisted": sum(r["waitlisted"] for r in rows),
        "full_cohorts": sum(1 for r in rows if r["seated"] == r["capacity"]),
        "counter_mismatches": len(mismatched),
        "oversold_cohorts": len(oversold),
    }
