"""What operators rely on: graceful shutdown, the sinergi CLI, and the metrics a scrape shows."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import uuid

import asyncpg

from tests.support.stack import (
    KAFKA,
    REPO,
    collect,
    create_database,
    drop_database,
    eventually,
    header,
    migrate,
    setup_kafka,
    sqlalchemy_url,
    stack,
)
from tests.support.system import System


def cli_env(system: System) -> dict[str, str]:
    env = dict(os.environ)
    for service in system.services.values():
        env.update({k: v for k, v in service.env.items() if k.endswith("_DATABASE_URL") or k.startswith("SINERGI_")})
    return env


async def sinergi(system: System, *args: str) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sinergi_shared.cli",
        *args,
        env=cli_env(system),
        cwd=str(REPO),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 120)
    return int(proc.returncode or 0), out.decode()


async def test_doctor_passes_on_a_healthy_stack_and_names_kafka_when_it_is_down(system: System) -> None:
    code, out = await sinergi(system, "doctor")
    assert code == 0, out
    assert "ok   kafka" in out and "migrations at head" in out and "ok   topics present" in out
    assert out.count("outbox relay running") == 3

    await asyncio.to_thread(stack, "kafka-stop")
    try:
        code, out = await sinergi(system, "doctor")
    finally:
        await asyncio.to_thread(stack, "kafka-start")
    assert code == 1
    assert "FAIL kafka" in out and "unreachable" in out


async def test_outbox_status_reports_every_service(system: System) -> None:
    code, out = await sinergi(system, "outbox", "status")
    assert code == 0, out
    for name in ("registry", "enrollment", "funding"):
        assert f"{name}" in out and "pending=" in out


async def test_metrics_show_requests_events_and_outbox_after_a_scenario(system: System) -> None:
    r = await system.http.post(
        system.url("registry", "/institutions"),
        json={
            "code": f"KAB-{uuid.uuid4().hex[:6].upper()}",
            "name": "Kabupaten Merauke",
            "kind": "regency",
            "parent_id": (await system.institution_by_code("PROV-PAPUA-SELATAN"))["id"],
        },
        headers=await system.operator(),
    )
    assert r.status_code == 201, r.text

    async def consumed_everywhere() -> bool:
        texts = [(await system.http.get(system.url(n, "/metrics"))).text for n in ("enrollment", "funding")]
        return all(_applied(t, "institution.registered") > 0 for t in texts)

    await eventually(consumed_everywhere, timeout=30)
    registry = (await system.http.get(system.url("registry", "/metrics"))).text
    assert _value(registry, 'sinergi_events_published_total{service="registry"}') > 0
    assert 'route="/institutions",service="registry",status="201"' in registry
    kemendagri = (await system.institution_by_code("KEMENDAGRI"))["id"]
    line = await system.http.post(
        system.url("funding", "/budgets"),
        json={"institution_id": kemendagri, "source": "PNBP", "fiscal_year": 2031, "ceiling_idr": 7_500_000},
        headers=await system.client_for(kemendagri, "funding:write", "read"),
    )
    assert line.status_code == 201, line.text
    funding = (await system.http.get(system.url("funding", "/metrics"))).text
    # Metrics answer without a token: operational figures only, no money, no budget line, no institution.
    assert 'sinergi_funding_requests{status="awaiting_approval"}' in funding
    assert "sinergi_funding_awaiting_overdue" in funding
    assert "7.5e+06" not in funding and "7500000" not in funding
    assert line.json()["id"] not in funding and kemendagri not in funding and "_idr" not in funding
    for name in ("registry", "enrollment", "funding"):
        text = (await system.http.get(system.url(name, "/metrics"))).text
        assert f'sinergi_outbox_pending{{service="{name}"}}' in text
        assert f'sinergi_dead_letters_waiting{{service="{name}"}} 0.0' in text
        assert f'sinergi_outbox_oldest_age_seconds{{service="{name}"}}' in text
        assert "sinergi_http_request_duration_seconds_bucket" in text


def _applied(text: str, event_type: str) -> float:
    return sum(
        float(line.split()[-1])
        for line in text.splitlines()
        if line.startswith("sinergi_events_consumed_total")
        and f'type="{event_type}"' in line
        and 'outcome="applied"' in line
    )


def _value(text: str, series: str) -> float:
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    raise AssertionError(f"{series} not exposed")


async def test_sigterm_mid_batch_loses_nothing_and_half_does_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A relay told to stop finishes the batch in hand: every row gone from the outbox is on Kafka."""

    from sinergi_shared.db import make_engine, make_sessionmaker, transaction
    from sinergi_shared.outbox import Event, record

    dsn = await create_database("sigterm")
    prefix = f"s{uuid.uuid4().hex[:8]}."
    await setup_kafka(prefix)
    try:
        await migrate("registry", dsn)
        engine = make_engine(sqlalchemy_url(dsn), pool_size=2, max_overflow=0)
        sessions = make_sessionmaker(engine)
        total = 20_000
        async with transaction(sessions) as session:
            await record(session, *(Event("institution.registered", _snapshot(i), uuid.uuid4()) for i in range(total)))
        await engine.dispose()

        env = {
            **os.environ,
            "REGISTRY_DATABASE_URL": sqlalchemy_url(dsn),
            "SINERGI_TOPIC_PREFIX": prefix,
            "SINERGI_KAFKA_BOOTSTRAP": KAFKA,
            "REGISTRY_RELAY_BATCH_SIZE": "500",
        }
        log = (tmp_path / "relay.log").open("wb")
        relay = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "registry",
            "--relay",
            env=env,
            cwd=str(REPO),
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
        )
        conn = await asyncpg.connect(dsn)
        try:
            await eventually(lambda: _pending_below(conn, total - 1000), timeout=60, interval=0.05)
            relay.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(relay.wait(), 60) == 0
            left = await conn.fetchval("SELECT count(*) FROM outbox")
            assert 0 < left < total, "stopped mid-stream"
            published = {
                str(r["event_id"])
                for r in await conn.fetch(
                    "SELECT event_id FROM event_log WHERE position NOT IN (SELECT position FROM outbox)"
                )
            }
        finally:
            await conn.close()
        records = await collect(prefix + "registry.institutions", count=len(published), timeout=60)
        on_kafka = {header(r, "ce_id") for r in records}
        assert published <= on_kafka, "a row left the outbox without reaching Kafka"

        # A restarted relay delivers the rest; together every event arrived.
        relay = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "registry",
            "--relay",
            env=env,
            cwd=str(REPO),
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
        )
        records = await collect(prefix + "registry.institutions", count=total, timeout=120)
        relay.send_signal(signal.SIGTERM)
        await asyncio.wait_for(relay.wait(), 60)
        assert len({header(r, "ce_id") for r in records}) == total
        print(
            f"SIGTERM with {left} of {total} pending: {len(published)} published before stop, all {total} after restart"
        )
    finally:
        await drop_database(dsn)


async def _pending_below(conn: asyncpg.Connection, n: int) -> bool:
    return bool(await conn.fetchval("SELECT count(*) FROM outbox") < n)


def _snapshot(i: int) -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "code": f"X{i}",
        "name": "Dinas",
        "kind": "province",
        "sector": "regional",
        "parent_id": None,
        "is_new_autonomous_region": False,
        "region_code": None,
        "status": "active",
        "version": 1,
    }


async def test_dlq_replay_applies_a_dead_lettered_event_once_after_the_operator_fixed_the_cause(
    system: System,
) -> None:
    conn = await asyncpg.connect(system.services["enrollment"].dsn)
    try:
        # An operator's mistake: a trigger that refuses some replica rows, so their events dead-letter.
        await conn.execute(
            """
            CREATE FUNCTION refuse_1969() RETURNS trigger AS $$
            BEGIN IF NEW.nip LIKE '1969%' THEN RAISE EXCEPTION 'replica refuses %', NEW.nip; END IF; RETURN NEW; END
            $$ LANGUAGE plpgsql;
            CREATE TRIGGER refuse_1969 BEFORE INSERT ON civil_servants FOR EACH ROW EXECUTE FUNCTION refuse_1969();
            """
        )
        papua = await system.institution_by_code("PROV-PAPUA")
        nip = "196903152000011" + f"{uuid.uuid4().int % 900 + 100}"
        r = await system.http.post(
            system.url("registry", "/civil-servants"),
            json={
                "nip": nip,
                "name": "Natalia Pigai",
                "institution_id": papua["id"],
                "employment": "PNS",
                "position_kind": "functional",
            },
            headers=await system.operator(),
        )
        assert r.status_code == 201, r.text

        async def dead() -> list[asyncpg.Record]:
            return list(await conn.fetch("SELECT id, error FROM dead_letters WHERE key = $1", nip))

        [letter] = await eventually(dead, timeout=60)
        assert "replica refuses" in letter["error"]
        code, out = await sinergi(system, "dlq", "list", "--service", "enrollment")
        assert code == 0 and f"enrollment #{letter['id']} dead" in out

        await conn.execute("DROP TRIGGER refuse_1969 ON civil_servants; DROP FUNCTION refuse_1969();")
        code, out = await sinergi(system, "dlq", "replay", "enrollment", "--all")
        assert code == 0 and f"#{letter['id']}: applied" in out, out
        assert await conn.fetchval("SELECT count(*) FROM civil_servants WHERE nip = $1", nip) == 1
        code, out = await sinergi(system, "dlq", "replay", "enrollment", str(letter["id"]))
        assert code == 0 and "already applied" in out, out
        assert await conn.fetchval("SELECT count(*) FROM civil_servants WHERE nip = $1", nip) == 1
    finally:
        await conn.execute(
            "DROP TRIGGER IF EXISTS refuse_1969 ON civil_servants; DROP FUNCTION IF EXISTS refuse_1969();"
        )
        await conn.close()


async def test_cli_creates_a_client_whose_secret_yields_a_token(system: System) -> None:
    code, out = await sinergi(
        system,
        "clients",
        "create",
        "--institution",
        "PROV-PAPUA-TENGAH",
        "--scope",
        "read",
        "--scope",
        "enrollments:write",
        "--name",
        "SIMPEG Papua Tengah",
    )
    assert code == 0, out
    created = json.loads(out[out.index("{") : out.rindex("}") + 1])
    token = await system.token(created["client_id"], created["client_secret"])
    assert token.count(".") == 2

    code, out = await sinergi(system, "clients", "create", "--institution", "NO-SUCH", "--scope", "read", "--name", "x")
    assert code == 2 and "no institution" in out


async def test_cli_tails_a_topic_as_json_lines(system: System) -> None:
    code, out = await sinergi(
        system, "events", "tail", "registry.institutions", "--from-beginning", "--count", "3", "--timeout", "30"
    )
    assert code == 0, out
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert len(lines) == 3
    assert all(line["type"].startswith("institution.") and line["data"]["code"] for line in lines)
