"""The API from several processes on one port (--workers), under uvicorn's supervisor: each worker serves,
one that dies is replaced by one that serves, and all stop with their parent."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import httpx

from tests.support.system import ServiceProcess, System, children, free_port


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def _listeners(port: int) -> int:
    """Listening sockets on this port (the supervisor binds one; its workers share it)."""
    rows = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:]]
    return sum(1 for row in rows if int(row[1].split(":")[1], 16) == port and row[3] == "0A")


def _running(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "zombie" not in status.read_text()


async def _workers(parent: int, count: int, without: int | None = None) -> list[int]:
    """The parent's `count` API workers once it has them (none of them `without`), each started and idle."""
    for _ in range(120):
        workers = children(parent)
        if len(workers) == count and without not in workers:
            break
        await asyncio.sleep(0.25)
    assert len(workers) == count and without not in workers, f"workers of {parent}: {workers}"
    for pid in workers:  # done starting: CPU time stops growing
        for _ in range(60):
            ticks = _cpu_ticks(pid)
            await asyncio.sleep(0.5)
            if _cpu_ticks(pid) - ticks <= 1:
                break
    return workers


async def _cpu_spent_serving(url: str, workers: list[int], requests: int = 300) -> dict[int, int]:
    """CPU ticks each worker spent while `requests` requests were answered, each on a fresh connection."""
    before = {pid: _cpu_ticks(pid) for pid in workers}
    async with httpx.AsyncClient() as client:
        statuses = [
            (await client.get(url + "/readyz", headers={"Connection": "close"})).status_code for _ in range(requests)
        ]
    assert statuses == [200] * requests
    return {pid: _cpu_ticks(pid) - ticks for pid, ticks in before.items()}


async def test_two_api_workers_serve_the_port_a_killed_one_is_replaced_and_all_stop_with_their_parent(
    system: System, tmp_path: Path
) -> None:
    enrollment = system.services["enrollment"]
    flags = ("--api", "--workers", "2")
    api = ServiceProcess("enrollment", free_port(), enrollment.dsn, enrollment.env, tmp_path / "api.log", flags=flags)
    await api.start()
    assert api.process is not None
    parent = api.process.pid
    try:
        workers = await _workers(parent, 2)
        assert _listeners(api.port) == 1
        used = await _cpu_spent_serving(api.url, workers)
        assert all(ticks >= 2 for ticks in used.values()), f"CPU ticks of each worker while serving: {used}"

        killed, survivor = workers
        os.kill(killed, signal.SIGKILL)
        workers = await _workers(parent, 2, without=killed)
        [replacement] = [pid for pid in workers if pid != survivor]
        used = await _cpu_spent_serving(api.url, workers)
        assert used[replacement] >= 2, f"CPU ticks of each worker while serving after the kill: {used}"
    finally:
        await api.stop(signal.SIGTERM)
    assert api.process.returncode == 0
    assert not any(_running(pid) for pid in workers)
    assert _listeners(api.port) == 0
