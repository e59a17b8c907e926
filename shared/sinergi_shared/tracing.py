"""W3C traceparent helpers: start, continue and derive child spans."""

import re
import secrets

from sinergi_shared.logging import current_traceparent

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


def new_traceparent(trace_id: str | None = None) -> str:
    """A fresh traceparent, continuing trace_id when given."""
    return f"00-{trace_id or secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


def continue_trace(incoming: str | None) -> str:
    """A child span of a valid incoming traceparent, or a new trace."""
    if incoming:
        match = _TRACEPARENT.match(incoming.strip().lower())
        if match:
            return new_traceparent(match.group(1))
    return new_traceparent()


def bind_trace(incoming: str | None) -> str:
    """Make the continued trace current for this task and return it."""
    tp = continue_trace(incoming)
    current_traceparent.set(tp)
    return tp
