"""The whole system as real processes: three services on fresh databases, the real Kafka, isolated topics."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.support.stack import KAFKA, REPO, create_database, drop_database, migrate, setup_kafka, sqlalchemy_url

SERVICES = ("registry", "enrollment", "funding")
OPERATOR_ID = "operator"
OPERATOR_SECRET = "operator-test-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children(pid: int) -> list[int]:
    """The processes `pid` started that are still running: a service's API workers (--workers), without the
    resource tracker multiprocessing starts beside them."""
    try:
        pids = [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]
    except FileNotFoundError:  # gone meanwhile
        return []
    return [child for child in pids if "multiprocessing.resource_tracker" not in _command_line(child)]


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except FileNotFoundError:  # gone meanwhile
        return ""


@dataclass
class ServiceProcess:
    name: str
    port: int
    dsn: str
    env: dict[str, str]
    log: Path
    process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    flags: tuple[str, ...] = ()

    @property
    def serves_api(self) -> bool:
        return not self.flags or "--api" in self.flags

    async def start(self, **extra_env: str) -> None:
        """Start (or restart) the process; wait until it answers /healthz when it serves the API."""
        handle = self.log.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            self.name,
            "--port",
            str(self.port),
            *self.flags,
            env={**self.env, **extra_env},
            stdout=handle,
            stderr=asyncio.subprocess.STDOUT,
            cwd=str(REPO),
        )
        handle.close()
        if not self.serves_api:
            await asyncio.sleep(1.0)
            if self.process.returncode is not None:
                raise RuntimeError(f"{self.name} {self.flags} exited; log {self.log}")
            return
        async with httpx.AsyncClient() as client:
            for _ in range(120):
                if self.process.returncode is not None:
                    raise RuntimeError(f"{self.name} exited; log {self.log}:\n{self.log.read_text()[-3000:]}")
                try:
                    if (await client.get(self.url + "/healthz", timeout=1)).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.25)
        raise RuntimeError(f"{self.name} did not become healthy; log {self.log}")

    async def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(sig)
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


@dataclass
class System:
    """Handles on the running services and ways to get tokens from the registry."""

    prefix: str
    services: dict[str, ServiceProcess] = field(default_factory=dict)
    # With split=True: the relay and consumers of each service as their own processes, e.g. "funding:relay";
    # with instances=2 also "funding:2:relay".
    workers: dict[str, ServiceProcess] = field(default_factory=dict)
    http: httpx.AsyncClient = field(default_factory=lambda: httpx.AsyncClient(timeout=30))
    # With instances > 1: every API process of each service, the first being services[name].
    apis: dict[str, list[ServiceProcess]] = field(default_factory=dict)
    _turns: itertools.count[int] = field(default_factory=itertools.count)

    def url(self, service: str, path: str) -> str:
        """The service's URL, taking its API instances in turn (a retry goes to the next one)."""
        instances = self.apis.get(service) or [self.services[service]]
        return instances[next(self._turns) % len(instances)].url + path

    async def token(self, client_id: str, secret: str, scope: str | None = None) -> str:
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        if scope:
            form["scope"] = scope
        r = await self.http.post(self.url("registry", "/oauth/token"), data=form)
        assert r.status_code == 200, r.text
        return str(r.json()["access_token"])

    async def operator(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {await self.token(OPERATOR_ID, OPERATOR_SECRET)}"}

    async def client_for(self, institution_id: str, *scopes: str) -> dict[str, str]:
        """Register an API client for an institution and return bearer headers for it."""
        r = await self.http.post(
            self.url("registry", "/clients"),
            json={"institution_id": institution_id, "scopes": list(scopes), "name": f"test {uuid.uuid4().hex[:6]}"},
            headers=await self.operator(),
        )
        assert r.status_code == 201, r.text
        body = r.json()
        return {"Authorization": f"Bearer {await self.token(body['client_id'], body['client_secret'])}"}

    async def institution_by_code(self, code: str) -> dict[str, Any]:
        r = await self.http.get(
            self.url("registry", "/institutions"), params={"limit": 500}, headers=await self.operator()
        )
        assert r.status_code == 200, r.text
        [match] = [i for i in r.json()["items"] if i["code"] == code]
        return match  # type: ignore[no-any-return]


async def start_system(
    log_dir: Path, *, split: bool = False, instances: int | None = None, **env_overrides: str
) -> System:
    """Fresh databases, migrations, seed data, then the three services as processes.

    With split, each service runs as three processes (API, relay, consumers) so a fault can hit one; with
    instances (by default SINERGI_TEST_INSTANCES, else 1), that many of each on the service's one database:
    the relays compete for their lock, the consumers share their group.
    """
    instances = instances or int(os.environ.get("SINERGI_TEST_INSTANCES", "1"))
    system = System(prefix=f"e{uuid.uuid4().hex[:8]}.")
    await setup_kafka(system.prefix)
    ports = {name: free_port() for name in SERVICES}
    base = {k: v for k, v in os.environ.items() if not k.startswith(("REGISTRY_", "ENROLLMENT_", "FUNDING_"))}
    base.update(
        SINERGI_KAFKA_BOOTSTRAP=KAFKA,
        SINERGI_TOPIC_PREFIX=system.prefix,
        SINERGI_JWKS_URL=f"http://127.0.0.1:{ports['registry']}/.well-known/jwks.json",
        SINERGI_LOG_LEVEL="INFO",
        REGISTRY_BOOTSTRAP_CLIENT_ID=OPERATOR_ID,
        REGISTRY_BOOTSTRAP_CLIENT_SECRET=OPERATOR_SECRET,
        ENROLLMENT_RELAY_POLL_INTERVAL_S="0.2",
        FUNDING_RELAY_POLL_INTERVAL_S="0.2",
        REGISTRY_RELAY_POLL_INTERVAL_S="0.2",
    )
    base.update(env_overrides)
    for name in SERVICES:
        dsn = await create_database(f"e2e_{name}")
        await migrate(name, dsn)
        env = dict(base)
        env[f"{name.upper()}_DATABASE_URL"] = sqlalchemy_url(dsn)
        for i in range(instances):
            port, suffix = (ports[name], "") if i == 0 else (free_port(), f"-{i + 1}")
            api = ServiceProcess(
                name, port, dsn, env, log_dir / f"{name}{suffix}.log", flags=("--api",) if split else ()
            )
            system.services.setdefault(name, api)
            if instances > 1:
                system.apis.setdefault(name, []).append(api)
            for role in ("relay", "consumers") if split else ():
                system.workers[(f"{name}:{i + 1}:" if i else f"{name}:") + role] = ServiceProcess(
                    name, port, dsn, env, log_dir / f"{name}-{role}{suffix}.log", flags=(f"--{role}",)
                )
    seed = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "registry.seed",
        env=system.services["registry"].env,
        cwd=str(REPO),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await seed.communicate()
    if seed.returncode != 0:
        raise RuntimeError(f"seed failed:\n{out.decode()}")
    for name in SERVICES:
        await system.services[name].start()
    for api in extra_apis(system):
        await api.start()
    for worker in system.workers.values():
        await worker.start()
    return system


def extra_apis(system: System) -> list[ServiceProcess]:
    """The API processes beyond each service's first."""
    return [api for instances in system.apis.values() for api in instances[1:]]


async def stop_system(system: System) -> None:
    for service in [*system.workers.values(), *extra_apis(system), *reversed(list(system.services.values()))]:
        await service.stop()
    await system.http.aclose()
    for service in system.services.values():
        await drop_database(service.dsn)
