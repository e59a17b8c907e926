"""Periodic jobs of the funding service: each run gets its own unit of work."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from funding import saga


async def expire_overdue_approvals(session: AsyncSession) -> int:
    """One run: reject a batch of requests awaiting approval past their deadline (approval_timeout)."""
    return await saga.expire_overdue(session, batch=100)
