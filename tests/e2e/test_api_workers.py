"""Several API processes of one service on one port (--workers): each serves, and they stop together."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import httpx

from tests.support.system import ServiceProcess, System, children, free_port


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def _command_line(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_text().split("\0")


def _listeners(port: int) -> int:
    """Listening sockets on this port (each process sharing it has its own)."""
    rows = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:]]
    return sum(1 for row in rows if int(row[1].split(":")[1], 16) == port and row[3] == "0A")


def _running(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "zombie" not in status.read_text()


async def test_two_api_workers_share_the_port_each_serves_and_they_stop_with_their_parent(
    system: System, tmp_path: Path
) -> None:
    enrollment = system.services["enrollment"]
    flags = ("--api", "--workers", "2")
    api = ServiceProcess("enrollment", free_port(), enrollment.dsn, enrollment.env, tmp_path / "api.log", flags=flags)
    await api.start()
    assert api.process is not None
    try:
        [worker] = children(api.process.pid)
        assert "--shared-port" in _command_line(worker)
        for _ in range(120):  # until the worker listens too
            if _listeners(api.port) == 2:
                break
            await asyncio.sleep(0.25)
        assert _listeners(api.port) == 2
        before = {pid: _cpu_ticks(pid) for pid in (api.process.pid, worker)}

        async def on_a_fresh_connection() -> int:  # the kernel picks one of the two processes for each
            async with httpx.AsyncClient() as client:
                return (await client.get(api.url + "/readyz", headers={"Connection": "close"})).status_code

        statuses = [await on_a_fresh_connection() for _ in range(300)]
        assert statuses == [200] * 300
        used = {pid: _cpu_ticks(pid) - ticks for pid, ticks in before.items()}
        assert all(ticks >= 2 for ticks in used.values()), f"CPU ticks of each process while serving: {used}"
    finally:
        await api.stop(signal.SIGTERM)
    assert api.process.returncode == 0
    assert not _running(worker)
    assert _listeners(api.port) == 0
