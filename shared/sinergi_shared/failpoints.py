"""Failpoints for fault-injection tests: crash the process at a named point, on the Nth time it is reached.

Inert unless SINERGI_FAILPOINTS is set, e.g. `relay_after_publish=2,consumer_before_commit=3`.
"""

from __future__ import annotations

import logging
import os
from collections import Counter

log = logging.getLogger(__name__)

_armed: dict[str, int] = {}
for _item in filter(None, os.environ.get("SINERGI_FAILPOINTS", "").split(",")):
    _name, _, _nth = _item.partition("=")
    _armed[_name.strip()] = int(_nth or "1")
_reached: Counter[str] = Counter()


def reach(name: str) -> None:
    """Die like a SIGKILL (no cleanup, no flush) when this failpoint's turn has come."""
    if name not in _armed:
        return
    _reached[name] += 1
    if _reached[name] == _armed[name]:
        log.critical("failpoint reached; exiting", extra={"failpoint": name})
        for handler in logging.getLogger().handlers:
            handler.flush()
        os._exit(137)
