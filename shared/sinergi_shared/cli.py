"""`sinergi`: the operator's command line (seed, outbox status, dead letters, health checks)."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import sys
from typing import Any

import asyncpg

from sinergi_shared.db import asyncpg_dsn, make_engine, make_sessionmaker
from sinergi_shared.inbox import EventHandlers, replay_dead_letter
from sinergi_shared.outbox import outbox_status, relay_running
from sinergi_shared.settings import ServiceSettings
from sinergi_shared.topics import topic_names
from sinergi_shared.web import kafka_reachable

SERVICES = ("registry", "enrollment", "funding")


def _settings(service: str) -> ServiceSettings:
    module = importlib.import_module(f"{service}.config")
    return module.Settings()  # type: ignore[no-any-return]


def _handlers(service: str) -> EventHandlers | None:
    return importlib.import_module(f"{service}.app").handlers  # type: ignore[no-any-return]


async def cmd_seed(_: argparse.Namespace) -> int:
    seed = importlib.import_module("registry.seed")
    await seed._main()
    return 0


async def cmd_outbox_status(args: argparse.Namespace) -> int:
    rows = []
    for service in args.service or SERVICES:
        conn = await asyncpg.connect(asyncpg_dsn(_settings(service).database_url))
        try:
            rows.append({"service": service, **await outbox_status(conn)})
        finally:
            await conn.close()
    for row in rows:
        print(f"{row['service']:<11} pending={row['pending']:<7} oldest_age_s={row['oldest_age_s']:.1f}")
    return 0


async def cmd_dlq_list(args: argparse.Namespace) -> int:
    for service in args.service or SERVICES:
        conn = await asyncpg.connect(asyncpg_dsn(_settings(service).database_url))
        try:
            records = await conn.fetch(
                "SELECT id, topic, event_type, error, attempts, created_at, replayed_at FROM dead_letters ORDER BY id"
            )
        finally:
            await conn.close()
        for r in records:
            state = "replayed" if r["replayed_at"] else "dead"
            print(f"{service} #{r['id']} {state} {r['topic']} {r['event_type']} attempts={r['attempts']}: {r['error']}")
    return 0


async def cmd_dlq_replay(args: argparse.Namespace) -> int:
    handlers = _handlers(args.service)
    if handlers is None:
        print(f"{args.service} consumes no events", file=sys.stderr)
        return 2
    engine = make_engine(_settings(args.service).database_url, pool_size=2, max_overflow=0)
    sessions = make_sessionmaker(engine)
    try:
        ids = [args.id] if args.id is not None else await _unreplayed(args.service)
        failed = 0
        for dead_letter_id in ids:
            try:
                applied = await replay_dead_letter(sessions, handlers, dead_letter_id)
                print(f"#{dead_letter_id}: {'applied' if applied else 'already applied'}")
            except Exception as exc:  # report and continue with the next one
                failed += 1
                print(f"#{dead_letter_id}: failed: {exc}", file=sys.stderr)
        return 1 if failed else 0
    finally:
        await engine.dispose()


async def _unreplayed(service: str) -> list[int]:
    conn = await asyncpg.connect(asyncpg_dsn(_settings(service).database_url))
    try:
        return [r["id"] for r in await conn.fetch("SELECT id FROM dead_letters WHERE replayed_at IS NULL ORDER BY id")]
    finally:
        await conn.close()


async def cmd_clients_create(args: argparse.Namespace) -> int:
    from uuid import UUID

    credentials = importlib.import_module("registry.credentials")
    models = importlib.import_module("registry.models")
    from sqlalchemy import select

    from sinergi_shared.auth import Principal
    from sinergi_shared.db import transaction
    from sinergi_shared.problems import Problem

    engine = make_engine(_settings("registry").database_url, pool_size=1, max_overflow=0)
    try:
        async with transaction(make_sessionmaker(engine)) as session:
            try:
                institution_id = UUID(args.institution)
            except ValueError:
                found = await session.scalar(
                    select(models.Institution.id).where(models.Institution.code == args.institution)
                )
                if found is None:
                    print(f"no institution with code {args.institution}", file=sys.stderr)
                    return 2
                institution_id = found
            operator = Principal(client_id="sinergi-cli", institution_id=institution_id, scopes=frozenset({"admin"}))
            try:
                created = await credentials.create_client(
                    session, principal=operator, institution_id=institution_id, scopes=args.scope, name=args.name
                )
            except Problem as exc:
                print(f"refused: {exc.detail}", file=sys.stderr)
                return 2
    finally:
        await engine.dispose()
    print(json.dumps({k: str(v) for k, v in created.items()}, indent=2))
    print("The secret is shown once; store it now.", file=sys.stderr)
    return 0


async def cmd_events_tail(args: argparse.Namespace) -> int:
    from aiokafka import AIOKafkaConsumer

    from sinergi_shared.events import CloudEvent, MalformedEvent

    settings = _settings("registry")
    topic = args.topic if args.topic.startswith(settings.topic_prefix) else settings.topic_prefix + args.topic
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=settings.kafka_bootstrap,
        auto_offset_reset="earliest" if args.from_beginning else "latest",
        enable_auto_commit=False,
    )
    await consumer.start()
    shown = 0
    loop = asyncio.get_running_loop()
    deadline = loop.time() + args.timeout if args.timeout else None
    try:
        while (args.count is None or shown < args.count) and (deadline is None or loop.time() < deadline):
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    try:
                        event = CloudEvent.from_kafka(record.headers, record.value)
                        line = {
                            "time": event.time.isoformat(),
                            "type": event.type,
                            "key": event.subject,
                            "id": event.id,
                            "data": event.data,
                        }
                    except MalformedEvent as exc:
                        line = {"offset": record.offset, "malformed": str(exc)}
                    print(json.dumps(line, default=str), flush=True)
                    shown += 1
                    if args.count is not None and shown >= args.count:
                        return 0
    finally:
        await consumer.stop()
    return 0


async def cmd_doctor(_: argparse.Namespace) -> int:
    problems: list[str] = []
    kafka = _settings("registry").kafka_bootstrap
    if await kafka_reachable(kafka):
        print(f"ok   kafka {kafka}")
        problems += await _check_topics(kafka, _settings("registry").topic_prefix)
    else:
        problems.append(f"kafka {kafka} unreachable")
    for service in SERVICES:
        settings = _settings(service)
        try:
            conn = await asyncpg.connect(asyncpg_dsn(settings.database_url), timeout=5)
        except Exception as exc:
            problems.append(f"{service} database unreachable: {type(exc).__name__}")
            continue
        try:
            version = await conn.fetchval("SELECT version_num FROM alembic_version")
            head = _alembic_head(service)
            if version != head:
                problems.append(f"{service} migrations at {version}, head is {head}")
            else:
                print(f"ok   {service} database, migrations at head ({head})")
            if await relay_running(conn, service):
                print(f"ok   {service} outbox relay running")
            else:
                problems.append(f"{service} outbox relay not running")
            status = await outbox_status(conn)
            if status["oldest_age_s"] > 60:
                problems.append(
                    f"{service} outbox has {status['pending']} events waiting {status['oldest_age_s']:.0f}s"
                )
        except Exception as exc:
            problems.append(f"{service} database not migrated: {exc}")
        finally:
            await conn.close()
    for line in problems:
        print(f"FAIL {line}")
    return 1 if problems else 0


async def _check_topics(bootstrap: str, prefix: str) -> list[str]:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
    finally:
        await admin.close()
    missing = [t for t in topic_names(prefix) if t not in existing]
    if missing:
        return [f"topics missing: {', '.join(missing)}"]
    print("ok   topics present")
    return []


def _alembic_head(service: str) -> str | None:
    from pathlib import Path

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    package = importlib.import_module(service)
    # Editable installs keep alembic.ini beside the package; images run from the source tree.
    candidates = [
        Path(str(package.__file__)).resolve().parents[1] / "alembic.ini",
        Path.cwd() / "services" / service / "alembic.ini",
    ]
    ini = next((c for c in candidates if c.exists()), candidates[0])
    return ScriptDirectory.from_config(Config(str(ini))).get_current_head()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sinergi", description="Operate a Sinergi deployment")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("seed", help="load the reference institutions (idempotent)").set_defaults(run=cmd_seed)
    outbox = sub.add_parser("outbox", help="outbox state").add_subparsers(dest="what", required=True)
    status = outbox.add_parser("status", help="pending events and the oldest one's age per service")
    status.add_argument("--service", action="append", choices=SERVICES)
    status.set_defaults(run=cmd_outbox_status)
    dlq = sub.add_parser("dlq", help="dead-lettered events").add_subparsers(dest="what", required=True)
    listing = dlq.add_parser("list", help="list dead letters")
    listing.add_argument("--service", action="append", choices=SERVICES)
    listing.set_defaults(run=cmd_dlq_list)
    replay = dlq.add_parser("replay", help="apply dead letters once (by id, or --all)")
    replay.add_argument("service", choices=SERVICES)
    target = replay.add_mutually_exclusive_group(required=True)
    target.add_argument("id", nargs="?", type=int)
    target.add_argument("--all", action="store_true")
    replay.set_defaults(run=cmd_dlq_replay)
    clients = sub.add_parser("clients", help="API clients").add_subparsers(dest="what", required=True)
    create = clients.add_parser("create", help="register an API client; prints its id and secret once")
    create.add_argument("--institution", required=True, help="institution code or id")
    create.add_argument("--scope", action="append", required=True, help="a scope (repeat for several)")
    create.add_argument("--name", required=True)
    create.set_defaults(run=cmd_clients_create)
    events = sub.add_parser("events", help="events on Kafka").add_subparsers(dest="what", required=True)
    tail = events.add_parser("tail", help="print a topic's events as JSON lines")
    tail.add_argument("topic", help="e.g. enrollment.enrollments (the configured prefix is added)")
    tail.add_argument("--from-beginning", action="store_true")
    tail.add_argument("--count", type=int, help="stop after this many events")
    tail.add_argument("--timeout", type=float, help="stop after this many seconds")
    tail.set_defaults(run=cmd_events_tail)
    sub.add_parser("doctor", help="check Postgres, Kafka, migrations, topics, relays, outboxes").set_defaults(
        run=cmd_doctor
    )
    return p


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    code: Any = asyncio.run(args.run(args))
    sys.exit(int(code))


if __name__ == "__main__":
    main()
