"""SINERGI_MODE=production refuses unsafe settings before anything starts (SPEC §9); secrets may come from files."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest

from funding.config import Settings as FundingSettings
from registry.config import Settings as RegistrySettings
from sinergi_shared.kafka_acls import admin_access
from sinergi_shared.production import UnsafeForProduction, database_refusals, refuse_unsafe, setting_refusals
from tests.support.stack import PG_ADMIN_DSN, REPO, sqlalchemy_url

STRONG_KAFKA_PASSWORD = "kP3v9QxR7tLm2Wz8"


def production(**overrides: object) -> FundingSettings:
    return FundingSettings(mode="production", **overrides)  # type: ignore[arg-type]


def test_local_mode_accepts_the_demo_stack() -> None:
    assert setting_refusals(FundingSettings()) == []


def test_production_refuses_kafka_without_tls_and_the_demo_password_naming_the_settings() -> None:
    refusals = setting_refusals(production())
    assert any("SINERGI_KAFKA_SECURITY_PROTOCOL must be SASL_SSL" in r and "SASL_PLAINTEXT" in r for r in refusals)
    assert any(r.startswith("FUNDING_KAFKA_PASSWORD") and "demo password" in r for r in refusals)
    assert len(refusals) == 2


def test_production_refuses_an_unauthenticated_broker_and_a_short_password() -> None:
    refusals = setting_refusals(production(kafka_security_protocol="PLAINTEXT", kafka_password="short"))
    assert any("not PLAINTEXT" in r for r in refusals)
    assert any("at least 16 characters" in r for r in refusals)


def test_production_accepts_sasl_over_tls_with_a_password_of_its_own() -> None:
    assert setting_refusals(production(kafka_security_protocol="SASL_SSL", kafka_password=STRONG_KAFKA_PASSWORD)) == []


async def test_production_refuses_a_superuser_database_role_and_accepts_a_role_owning_its_database() -> None:
    superuser = production(database_url=sqlalchemy_url(PG_ADMIN_DSN))
    [reason] = await database_refusals(superuser)
    assert reason.startswith("FUNDING_DATABASE_URL connects as sinergi, a superuser")

    role, database = f"funding_{uuid.uuid4().hex[:8]}", f"test_prod_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'role-password-1234'")
        await admin.execute(f'CREATE DATABASE "{database}" OWNER {role}')
        own = PG_ADMIN_DSN.replace("sinergi:sinergi@", f"{role}:role-password-1234@").rsplit("/", 1)[0]
        settings = production(
            database_url=sqlalchemy_url(f"{own}/{database}"),
            kafka_security_protocol="SASL_SSL",
            kafka_password=STRONG_KAFKA_PASSWORD,
        )
        assert await database_refusals(settings) == []
        await refuse_unsafe(settings)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.execute(f"DROP ROLE IF EXISTS {role}")
        await admin.close()


async def test_refusals_come_all_at_once() -> None:
    with pytest.raises(UnsafeForProduction) as refused:
        await refuse_unsafe(production(database_url=sqlalchemy_url(PG_ADMIN_DSN)))
    assert str(refused.value).count("\n  - ") == 3


async def test_a_production_service_does_not_start_and_says_why() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SINERGI_", "FUNDING_"))}
    env.update(SINERGI_MODE="production", FUNDING_DATABASE_URL=sqlalchemy_url(PG_ADMIN_DSN))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "funding", "--consumers", env=env, cwd=REPO, stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 1
    text = err.decode()
    assert "refusing to start with SINERGI_MODE=production" in text
    assert "SINERGI_KAFKA_SECURITY_PROTOCOL" in text and "FUNDING_KAFKA_PASSWORD" in text and "superuser" in text


def test_a_secret_can_come_from_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "bootstrap_secret"
    secret.write_text("q7Vw2xRk9Lm4Tz8Np3Hs6Jd1Fb5Gc0YaEu\n")
    monkeypatch.setenv("REGISTRY_BOOTSTRAP_CLIENT_SECRET_FILE", str(secret))
    monkeypatch.setenv("SINERGI_CA_FILE_FILE", str(secret))
    settings = RegistrySettings()
    assert settings.bootstrap_client_secret == "q7Vw2xRk9Lm4Tz8Np3Hs6Jd1Fb5Gc0YaEu"
    assert settings.ca_file == "q7Vw2xRk9Lm4Tz8Np3Hs6Jd1Fb5Gc0YaEu"  # an aliased setting too


def test_a_value_in_the_environment_wins_over_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    password = tmp_path / "kafka_password"
    password.write_text("from-the-file-1234")
    monkeypatch.setenv("FUNDING_KAFKA_PASSWORD_FILE", str(password))
    assert FundingSettings().kafka().password == "from-the-file-1234"
    monkeypatch.setenv("FUNDING_KAFKA_PASSWORD", "from-the-environment")
    assert FundingSettings().kafka().password == "from-the-environment"


async def test_the_registry_lists_its_own_refusals_with_everyone_elses_before_starting() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SINERGI_", "REGISTRY_"))}
    env.update(
        SINERGI_MODE="production",
        REGISTRY_DATABASE_URL=sqlalchemy_url(PG_ADMIN_DSN),
        REGISTRY_BOOTSTRAP_CLIENT_ID="operator",
        REGISTRY_BOOTSTRAP_CLIENT_SECRET="change-me-operator-secret",
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "registry", "--relay", env=env, cwd=REPO, stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 1
    reasons = [line for line in err.decode().splitlines() if line.startswith("  - ")]
    assert [r.split()[1] for r in reasons] == [
        "SINERGI_KAFKA_SECURITY_PROTOCOL",
        "REGISTRY_KAFKA_PASSWORD",
        "REGISTRY_DATABASE_URL",
        "REGISTRY_BOOTSTRAP_CLIENT_SECRET",
        "REGISTRY_SIGNING_KEY_PEM",
    ]


def test_the_kafka_admin_password_can_come_from_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    password = tmp_path / "kafka_admin_password"
    password.write_text("admin-from-a-file-123\n")
    monkeypatch.setenv("SINERGI_KAFKA_ADMIN_PASSWORD_FILE", str(password))
    assert admin_access().password == "admin-from-a-file-123"
