"""Helpers of the scale tests: services as several real processes over one database, concurrent HTTP clients."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from tests.support.stack import KAFKA, REPO, create_database, drop_database, migrate, sqlalchemy_url
from tests.support.system import ServiceProcess, free_port

# Every HTTP call and every wait of these tests is bounded by one of these.
REQUEST_TIMEOUT_S = 30.0
REPLICA_TIMEOUT_S = 120.0


def base_env(prefix: str, jwks_url: str | None = None) -> dict[str, str]:
    """The environment of a service process: this test's topic prefix, the local stack, quiet logs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REGISTRY_", "ENROLLMENT_", "FUNDING_"))}
    env.update(
        SINERGI_KAFKA_BOOTSTRAP=KAFKA,
        SINERGI_TOPIC_PREFIX=prefix,
        SINERGI_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if jwks_url is not None:
        env["SINERGI_JWKS_URL"] = jwks_url
    return env


@dataclass
class Cluster:
    """One service as several processes sharing one database: API instances plus one consumers process."""

    name: str
    dsn: str
    apis: list[ServiceProcess]
    workers: list[ServiceProcess]

    @property
    def urls(self) -> list[str]:
        return [p.url for p in self.apis]

    async def stop(self) -> None:
        for process in [*self.apis, *self.workers]:
            await process.stop()

    def assert_alive(self) -> None:
        """Fail with the log's tail when one of the processes exited (e.g. Kafka was away longer than it waits)."""
        for process in [*self.apis, *self.workers]:
            if process.process is not None and process.process.returncode is not None:
                tail = process.log.read_text(errors="replace")[-3000:]
                raise AssertionError(f"{process.name} {process.flags} exited; log {process.log}:\n{tail}")

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(self.dsn)
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()

    async def fetchval(self, query: str, *args: Any) -> Any:
        conn = await asyncpg.connect(self.dsn)
        try:
            return await conn.fetchval(query, *args)
        finally:
            await conn.close()


async def start_cluster(
    name: str, log_dir: Path, env: dict[str, str], *, apis: int = 2, worker_flags: Sequence[str] = ("--consumers",)
) -> Cluster:
    """A fresh migrated database, `apis` processes with --api and one process with worker_flags, all on it."""
    dsn = await create_database(f"scale_{name}")
    await migrate(name, dsn)
    env = {**env, f"{name.upper()}_DATABASE_URL": sqlalchemy_url(dsn)}
    cluster = Cluster(name, dsn, [], [])
    try:
        if worker_flags:
            worker = ServiceProcess(
                name, free_port(), dsn, env, log_dir / f"{name}-workers.log", flags=tuple(worker_flags)
            )
            cluster.workers.append(worker)
            await worker.start()
        for i in range(apis):
            api = ServiceProcess(name, free_port(), dsn, env, log_dir / f"{name}-api{i + 1}.log", flags=("--api",))
            cluster.apis.append(api)
            await api.start()
    except BaseException:
        await cluster.stop()
        await drop_database(dsn)
        raise
    return cluster


async def seed_registry(env: dict[str, str]) -> None:
    """Load the reference institutions the way operators do (`python -m registry.seed`)."""
    seed = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "registry.seed",
        env=env,
        cwd=str(REPO),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(seed.communicate(), 120)
    if seed.returncode != 0:
        raise RuntimeError(f"seed failed:\n{out.decode()}")


async def wait_until(check: Callable[[], Awaitable[Any]], *, timeout: float, what: str, interval: float = 0.5) -> Any:
    """Poll until check() is truthy; fail with its last value after timeout."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"{what}: not reached within {timeout}s (last: {last!r})")


@dataclass
class Outcome:
    """One answered request: who sent it, what was sent, status and body."""

    worker: int
    payload: dict[str, Any]
    status: int
    body: dict[str, Any] | None
    error: str | None = None


@dataclass
class Storm:
    """The answers of a concurrent run and its wall time."""

    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def statuses(self) -> Counter[int]:
        return Counter(o.status for o in self.outcomes)

    @property
    def errors(self) -> list[Outcome]:
        """Transport failures (status 0) and any 5xx."""
        return [o for o in self.outcomes if o.status == 0 or o.status >= 500]

    @property
    def rate(self) -> float:
        return len(self.outcomes) / self.seconds if self.seconds else 0.0


Job = tuple[str, str, dict[str, Any] | None, dict[str, str], dict[str, Any]]  # (method, path, json, headers, tag)


class Http1:
    """A lean keep-alive HTTP/1.1 client over one connection, for the storms.

    httpx spends about 2.5 ms of CPU per request here (measured: 50 workers, trivial server), a quarter of
    this 2-core machine at 400 requests/s, which would slow the services under test; this costs about 0.1 ms.
    It speaks only what uvicorn answers with: a Content-Length body on a persistent connection.
    """

    def __init__(self, url: str) -> None:
        host, port = url.removeprefix("http://").rsplit(":", 1)
        self.host, self.port = host, int(port)
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, body: dict[str, Any] | None, headers: dict[str, str]
    ) -> tuple[int, Any]:
        return await asyncio.wait_for(self._exchange(method, path, body, headers), REQUEST_TIMEOUT_S)

    async def _exchange(
        self, method: str, path: str, body: dict[str, Any] | None, headers: dict[str, str]
    ) -> tuple[int, Any]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        data = b"" if body is None else json.dumps(body).encode()
        head = [f"{method} {path} HTTP/1.1", f"host: {self.host}:{self.port}", f"content-length: {len(data)}"]
        if body is not None:
            head.append("content-type: application/json")
        head += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
        lines = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields = dict(line.split(":", 1) for line in lines[1:] if line)
        fields = {k.strip().lower(): v.strip() for k, v in fields.items()}
        if "content-length" not in fields:
            raise ConnectionError(f"answer without Content-Length: {fields}")
        raw = await self.reader.readexactly(int(fields["content-length"]))
        if fields.get("connection", "").lower() == "close":
            await self.close()
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


async def storm(urls: Sequence[str], plans: Sequence[Sequence[Job]], *, timeout: float) -> Storm:
    """Run one asyncio worker per plan, each with its own connection to urls[worker % len(urls)].

    A worker sends its jobs one after the other (as one agency system would); all workers run at once.
    """
    result = Storm()

    async def worker(n: int, jobs: Sequence[Job]) -> None:
        client = Http1(urls[n % len(urls)])
        try:
            for method, path, body, headers, tag in jobs:
                try:
                    status, parsed = await client.request(method, path, body, headers)
                except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError) as exc:
                    result.outcomes.append(Outcome(n, tag, 0, None, f"{type(exc).__name__}: {exc}"))
                    await client.close()  # never reuse a connection in an unknown state
                    continue
                result.outcomes.append(Outcome(n, tag, status, parsed))
        finally:
            await client.close()

    started = time.monotonic()
    await asyncio.wait_for(asyncio.gather(*(worker(n, jobs) for n, jobs in enumerate(plans))), timeout)
    result.seconds = time.monotonic() - started
    return result


def report(title: str, figures: dict[str, Any]) -> None:
    """Print the figures of a run (visible with pytest -s, and in CI logs on failure)."""
    width = max(len(k) for k in figures)
    lines = [f"\n== {title} =="] + [f"  {k.ljust(width)} : {v}" for k, v in figures.items()]
    print("\n".join(lines), flush=True)
