"""The public verification page, limited per address: a fixed window counted in Postgres, so the limit holds across
API workers and instances. A check counts in its own short transaction, before the code is looked up, so an unknown
code (a 404 that rolls its request back) counts as much as a known one.
"""

from __future__ import annotations

import ipaddress
import math
import random

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from enrollment import messages
from enrollment.config import Settings
from sinergi_shared import messages as shared_messages
from sinergi_shared.problems import Problem

# Count one check of the address in the current window (a new window starts the count again); how many it made in
# this window, and the seconds until the next one begins.
_COUNT = text(
    """
    WITH w AS (SELECT CAST(:window AS integer) AS seconds)
    INSERT INTO verification_attempts AS a (address, window_start, attempts)
    SELECT :address, to_timestamp(floor(extract(epoch FROM statement_timestamp()) / w.seconds) * w.seconds), 1 FROM w
    ON CONFLICT (address) DO UPDATE
    SET attempts = CASE WHEN a.window_start = excluded.window_start THEN a.attempts + 1 ELSE 1 END,
        window_start = excluded.window_start
    RETURNING attempts, extract(epoch FROM window_start - statement_timestamp()) + CAST(:window AS integer)
    """
)
# Addresses whose window has passed are the same as no row.
_PRUNE = text(
    "DELETE FROM verification_attempts"
    " WHERE window_start < statement_timestamp() - make_interval(secs => CAST(:w AS integer))"
)
PRUNE_EVERY = 256  # checks, on average


class VerificationsLimited(Problem):
    status, title, slug = 429, shared_messages.TOO_MANY_REQUESTS, "too-many-requests"


def address_of(host: str | None) -> str:
    """What a check counts against: an IPv6 /64 as one address (one subscriber's share), else the host itself."""
    try:
        ip = ipaddress.ip_address(host or "")
    except ValueError:
        return (host or "unknown")[:64]
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else ip)


async def admit(engine: AsyncEngine, settings: Settings, host: str | None) -> None:
    """Count the check against its address; 429 with Retry-After when the address used its window's share."""
    window = settings.verify_rate_window_s
    async with engine.begin() as conn:
        attempts, remaining = (await conn.execute(_COUNT, {"address": address_of(host), "window": window})).one()
        if random.randrange(PRUNE_EVERY) == 0:
            await conn.execute(_PRUNE, {"w": window})
    if attempts > settings.verify_rate_per_window:
        seconds = max(1, math.ceil(float(remaining)))
        raise VerificationsLimited(messages.VERIFY_RATE_LIMITED(seconds=seconds), headers={"Retry-After": str(seconds)})
