"""What SINERGI_MODE=production refuses to start with (SPEC §9), for every service alike.

A service adds its own refusals at its bootstrap (the registry: its bootstrap secret and signing key), and the
token verifier refuses a JWKS fetched over plain HTTP (sinergi_shared.auth).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg

from sinergi_shared.db import asyncpg_dsn
from sinergi_shared.kafka import local_password
from sinergi_shared.settings import ServiceSettings

MIN_KAFKA_PASSWORD = 16


class UnsafeForProduction(RuntimeError):
    """The settings would run a production service with a known secret, in clear text or as a superuser."""


def setting_refusals(settings: ServiceSettings) -> list[str]:
    """Why these settings are unsafe for production (empty when they are fine, or in local mode)."""
    if settings.mode != "production":
        return []
    env = settings.model_config.get("env_prefix", "")
    refusals = []
    if settings.kafka_security_protocol != "SASL_SSL":
        refusals.append(
            f"SINERGI_KAFKA_SECURITY_PROTOCOL must be SASL_SSL (authenticated, encrypted), "
            f"not {settings.kafka_security_protocol}"
        )
    access = settings.kafka()
    if access.password == local_password(access.username) or len(access.password) < MIN_KAFKA_PASSWORD:
        refusals.append(
            f"{env}KAFKA_PASSWORD must be set, not the local stack's demo password, and have at least "
            f"{MIN_KAFKA_PASSWORD} characters"
        )
    return refusals


async def database_refusals(settings: ServiceSettings) -> list[str]:
    """A production service connects as its own role, never as a superuser that could reach the other databases."""
    if settings.mode != "production":
        return []
    conn = await asyncpg.connect(asyncpg_dsn(settings.database_url), timeout=10)
    try:
        role, superuser = await conn.fetchrow(
            "SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user"
        )
    finally:
        await conn.close()
    if superuser:
        env = settings.model_config.get("env_prefix", "")
        return [
            f"{env}DATABASE_URL connects as {role}, a superuser: give the service a role of its own that owns only "
            "its database (docs/operating.md, Production mode)"
        ]
    return []


async def refuse_unsafe(settings: ServiceSettings, service_refusals: Callable[[Any], list[str]] | None = None) -> None:
    """Raise UnsafeForProduction with every reason at once (the service's own too), so an operator fixes them in
    one round."""
    refusals = setting_refusals(settings) + await database_refusals(settings)
    if service_refusals is not None and settings.mode == "production":
        refusals += service_refusals(settings)
    if refusals:
        lines = "\n".join(f"  - {reason}" for reason in refusals)
        raise UnsafeForProduction(f"refusing to start with SINERGI_MODE=production:\n{lines}")
