"""API client scopes: which exist, and what a token may ask for. No I/O."""

from __future__ import annotations

from sinergi_shared.auth import SCOPES


def unknown_scopes(scopes: list[str] | set[str] | frozenset[str]) -> list[str]:
    """The scopes that the system does not define, in order."""
    return [s for s in scopes if s not in SCOPES]


def narrowed_scopes(granted: frozenset[str], requested: str | None) -> frozenset[str] | None:
    """The scopes a token gets: all granted ones, or the requested subset; None when asking beyond the grant."""
    if requested is None or not requested.strip():
        return granted
    wanted = frozenset(requested.split())
    return wanted if wanted <= granted else None
