"""py-spy (from PyPI) around a benchmark phase: sampled stacks of a service process, summarised by function."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
from pathlib import Path
from typing import Any

from bench.common import RESULTS

PY_SPY = os.environ.get("PY_SPY", "/tmp/pyspy/bin/py-spy")
# More flags from the environment, say "--native" for the C frames too. Native stacks need the process
# paused for each sample, so --nonblocking (the default here) goes then; "--blocking" (ours, not py-spy's)
# pauses it too. Without the pause, stacks read mid-change come out cut short: in the seventh session's
# nonblocking profiles of the API a third of the samples lacked their root. Either way, a process that is
# runnable but not running is sampled as busy in the call it is in: a socket write that woke Postgres
# looked like 40 % of the nomination's time, against 7 to 12 % kernel time by getrusage.
FLAGS = os.environ.get("PY_SPY_FLAGS", "").split()
_BLOCKING = "--blocking" in FLAGS or "--native" in FLAGS
FLAGS = [f for f in FLAGS if f != "--blocking"] + ([] if _BLOCKING else ["--nonblocking"])


class Profiler:
    """Samples the process until stop(); returns the hottest functions (inclusive and self share)."""

    def __init__(self, pid: int, name: str, rate: int = 100) -> None:
        self.pid, self.rate = pid, rate
        RESULTS.mkdir(exist_ok=True)
        self.path = RESULTS / f"profile-{name}.txt"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                PY_SPY,
                "record",
                "-p",
                str(self.pid),
                *([] if {"-r", "--rate"} & set(FLAGS) else ["-r", str(self.rate)]),
                "-d",
                "300",
                "-f",
                "raw",
                "-o",
                str(self.path),
                *FLAGS,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> dict[str, Any]:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        return summarise(self.path)


def summarise(path: Path, top: int = 25) -> dict[str, Any]:
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    if not path.exists():
        return {"samples": 0}
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        for f in set(frames):
            inclusive[_short(f)] += n
        own[_short(frames[-1])] += n
    share = lambda c: [(f, round(100 * k / total, 1)) for f, k in c.most_common(top)]  # noqa: E731
    return {"samples": total, "file": str(path), "inclusive_pct": share(inclusive), "self_pct": share(own)}


def _short(frame: str) -> str:
    """'func (path/to/module.py:123)' -> 'func (module.py)'."""
    name, _, where = frame.partition(" (")
    module = where.split(":")[0].rsplit("/", 1)[-1].rstrip(")")
    return f"{name} ({module})"
