"""`sinergi`: the operator's command line (outbox status, dead letters, events, health checks).

The services are the installed ones, each registered under the `sinergi.services` entry point group with its
ServiceDefinition, which may add the service's own commands.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sys
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
from aiokafka.errors import KafkaError

from sinergi_shared.contracts import ALL_TOPICS
from sinergi_shared.db import asyncpg_dsn, command_transaction, make_engine, make_sessionmaker
from sinergi_shared.inbox import replay_dead_letter
from sinergi_shared.kafka import KafkaAccess
from sinergi_shared.kafka_acls import ServicePrincipal, admin_access, grant, revoke, service_topics, setup
from sinergi_shared.outbox import outbox_status, relay_running
from sinergi_shared.problems import Problem
from sinergi_shared.republish import Selection, republish
from sinergi_shared.runner import ServiceDefinition, build_relay
from sinergi_shared.settings import ServiceSettings
from sinergi_shared.topics import TopicsMissing, require_topics, topic_names
from sinergi_shared.web import kafka_reachable

T = TypeVar("T")
SERVICES_GROUP = "sinergi.services"
SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule"


async def refusable(database_url: str, use_case: Callable[[Any], Awaitable[T]]) -> T | None:
    """A service command's use case in a unit of work of its own (given the session); None, with the reason on
    stderr and nothing written, when it is refused."""
    try:
        async with command_transaction(database_url) as session:
            return await use_case(session)
    except Problem as exc:
        print(f"refused: {exc.detail}", file=sys.stderr)
        return None


def installed_services() -> dict[str, ServiceDefinition]:
    """The services installed here by name, in port order (the order their lines have always been printed in)."""
    found: list[ServiceDefinition] = [entry.load() for entry in entry_points(group=SERVICES_GROUP)]
    return {service.name: service for service in sorted(found, key=lambda service: service.default_port)}


def _chosen(args: argparse.Namespace) -> list[ServiceDefinition]:
    services: dict[str, ServiceDefinition] = args.services
    return [services[name] for name in args.service] if args.service else list(services.values())


async def cmd_outbox_status(args: argparse.Namespace) -> int:
    rows = []
    for service in _chosen(args):
        conn = await asyncpg.connect(asyncpg_dsn(service.settings().database_url))
        try:
            rows.append({"service": service.name, **await outbox_status(conn)})
        finally:
            await conn.close()
    for row in rows:
        print(f"{row['service']:<11} pending={row['pending']:<7} oldest_age_s={row['oldest_age_s']:.1f}")
    return 0


async def cmd_dlq_list(args: argparse.Namespace) -> int:
    for service in _chosen(args):
        conn = await asyncpg.connect(asyncpg_dsn(service.settings().database_url))
        try:
            records = await conn.fetch(
                "SELECT id, topic, event_type, error, attempts, created_at, replayed_at FROM dead_letters ORDER BY id"
            )
        finally:
            await conn.close()
        if not records:
            print(f"{service.name}: no dead letters")
        for r in records:
            state = "replayed" if r["replayed_at"] else "dead"
            where = f"{service.name} #{r['id']} {state} {r['topic']} {r['event_type']}"
            print(f"{where} attempts={r['attempts']}: {r['error']}")
    return 0


async def cmd_dlq_replay(args: argparse.Namespace) -> int:
    service: ServiceDefinition = args.services[args.service]
    handlers = service.handlers
    if handlers is None:
        print(f"{service.name} consumes no events", file=sys.stderr)
        return 2
    engine = make_engine(service.settings().database_url, pool_size=2, max_overflow=0)
    sessions = make_sessionmaker(engine)
    try:
        ids = [args.id] if args.id is not None else await _unreplayed(service)
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


async def _unreplayed(service: ServiceDefinition) -> list[int]:
    conn = await asyncpg.connect(asyncpg_dsn(service.settings().database_url))
    try:
        return [r["id"] for r in await conn.fetch("SELECT id FROM dead_letters WHERE replayed_at IS NULL ORDER BY id")]
    finally:
        await conn.close()


async def cmd_events_tail(args: argparse.Namespace) -> int:
    from aiokafka import AIOKafkaConsumer

    from sinergi_shared.events import CloudEvent, MalformedEvent

    settings = ServiceSettings()  # Kafka and the topic prefix are the deployment's, the same for every service
    topic = args.topic if args.topic.startswith(settings.topic_prefix) else settings.topic_prefix + args.topic
    consumer = AIOKafkaConsumer(
        topic,
        **admin_access(settings).options(),
        auto_offset_reset="earliest" if args.from_beginning else "latest",
        enable_auto_commit=False,
    )
    shown = 0
    loop = asyncio.get_running_loop()
    deadline = loop.time() + args.timeout if args.timeout else None
    try:
        await consumer.start()
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


async def cmd_events_republish(args: argparse.Namespace) -> int:
    service: ServiceDefinition = args.services[args.service]
    selection = Selection(args.topic, args.since, args.until, args.from_position, args.to_position)
    sent = await republish(build_relay(service.settings()), selection, args.batch)
    print(f"{service.name}: {sent} events of {args.topic} republished")
    return 0


async def setup_kafka(
    definitions: Iterable[ServiceDefinition], admin: KafkaAccess, prefix: str
) -> tuple[list[ServicePrincipal], int]:
    """The topics, sized as the deployment says, and each service's principal with its ACLs; the ACLs sent."""
    deployment = ServiceSettings()
    services = [ServicePrincipal(d.name, d.settings().kafka(), d.handlers) for d in definitions]
    sent = await setup(
        admin,
        services,
        prefix,
        partitions=deployment.kafka_partitions,
        replication_factor=deployment.kafka_replication_factor,
    )
    return services, sent


async def cmd_kafka_setup(args: argparse.Namespace) -> int:
    deployment = ServiceSettings()
    services, sent = await setup_kafka(args.services.values(), admin_access(deployment), deployment.topic_prefix)
    names = ", ".join(f"{s.name} as {s.access.username}" for s in services)
    print(f"topics ready; principals {names}; {sent} ACLs in place")
    return 0


async def cmd_kafka_grant(args: argparse.Namespace) -> int:
    deployment = ServiceSettings()
    generated = args.password_file is None
    password = secrets.token_urlsafe(24) if generated else (await asyncio.to_thread(_read, args.password_file)).strip()
    if len(password) < 16:
        print("the password must have at least 16 characters", file=sys.stderr)
        return 2
    try:
        principal = await grant(admin_access(deployment), args.agency, args.topic, password, deployment.topic_prefix)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    topics = ", ".join(deployment.topic_prefix + topic for topic in args.topic)
    shown = password if generated else f"<the password in {args.password_file}>"
    # A Kafka client properties file for the agency (e.g. `sinergi kafka grant bkn ... > bkn.properties`).
    print(f"# {principal} may read {topics}, in consumer groups whose names start with {principal}")
    print(f"bootstrap.servers={args.bootstrap or deployment.kafka_bootstrap}")
    print(f"security.protocol={deployment.kafka_security_protocol}")
    print("sasl.mechanism=SCRAM-SHA-512")
    if deployment.kafka_security_protocol == "SASL_SSL":
        print("# the CA certificate that signed the brokers' (SINERGI_CA_FILE here), saved beside this file")
        print("ssl.truststore.type=PEM")
        print("ssl.truststore.location=ca.pem")
    print(f'sasl.jaas.config={SCRAM_LOGIN} required username="{principal}" password="{shown}";')
    return 0


async def cmd_kafka_revoke(args: argparse.Namespace) -> int:
    try:
        principal, removed = await revoke(admin_access(ServiceSettings()), args.agency)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"{principal}: {removed} ACLs removed and no such user left: it can neither connect nor read")
    return 0


def _read(path: str) -> str:
    return Path(path).read_text()


def _instant(text: str) -> datetime:
    """An ISO 8601 time; without an offset it is UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def cmd_doctor(args: argparse.Namespace) -> int:
    problems: list[str] = []
    deployment = ServiceSettings()  # Kafka and the topic prefix are the same for every service
    kafka = deployment.kafka_bootstrap
    if await kafka_reachable(kafka):
        print(f"ok   kafka {kafka}")
        problems += await _check_topics(admin_access(deployment), deployment.topic_prefix)
    else:
        problems.append(f"kafka {kafka} unreachable")
    services: dict[str, ServiceDefinition] = args.services
    for definition in services.values():
        service, settings = definition.name, definition.settings()
        try:
            await require_topics(settings.kafka(), service_topics(service, definition.handlers, settings.topic_prefix))
            print(f"ok   {service} may use its topics as Kafka user {settings.kafka().username}")
        except Exception as exc:
            problems.append(f"{service} on Kafka: {type(exc).__name__}: {exc}")
        try:
            conn = await asyncpg.connect(asyncpg_dsn(settings.database_url), timeout=5)
        except Exception as exc:
            problems.append(f"{service} database unreachable: {type(exc).__name__}")
            continue
        try:
            version = await conn.fetchval("SELECT version_num FROM alembic_version")
            head = _alembic_head(definition)
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


async def _check_topics(access: KafkaAccess, prefix: str) -> list[str]:
    try:
        await require_topics(access, topic_names(prefix))
    except TopicsMissing as exc:
        return [str(exc)]
    print("ok   topics present")
    return []


def _alembic_head(service: ServiceDefinition) -> str | None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    # An editable install keeps alembic.ini beside the package; the image runs from the source tree.
    candidates = [service.alembic_ini, Path.cwd() / "services" / service.name / "alembic.ini"]
    ini = next((c for c in candidates if c.exists()), candidates[0])
    return ScriptDirectory.from_config(Config(str(ini))).get_current_head()


def parser(services: dict[str, ServiceDefinition]) -> argparse.ArgumentParser:
    """The commands every deployment has, then those each service adds."""
    p = argparse.ArgumentParser(prog="sinergi", description="Operate a Sinergi deployment")
    p.set_defaults(services=services)
    names = list(services)
    sub = p.add_subparsers(dest="command", required=True)
    outbox = sub.add_parser("outbox", help="outbox state").add_subparsers(dest="what", required=True)
    status = outbox.add_parser("status", help="pending events and the oldest one's age per service")
    status.add_argument("--service", action="append", choices=names)
    status.set_defaults(run=cmd_outbox_status)
    dlq = sub.add_parser("dlq", help="dead-lettered events").add_subparsers(dest="what", required=True)
    listing = dlq.add_parser("list", help="list dead letters")
    listing.add_argument("--service", action="append", choices=names)
    listing.set_defaults(run=cmd_dlq_list)
    replay = dlq.add_parser("replay", help="apply dead letters once (by id, or --all)")
    replay.add_argument("service", choices=names)
    target = replay.add_mutually_exclusive_group(required=True)
    target.add_argument("id", nargs="?", type=int)
    target.add_argument("--all", action="store_true")
    replay.set_defaults(run=cmd_dlq_replay)
    events = sub.add_parser("events", help="events on Kafka").add_subparsers(dest="what", required=True)
    tail = events.add_parser("tail", help="print a topic's events as JSON lines")
    tail.add_argument("topic", help="e.g. enrollment.enrollments (the configured prefix is added)")
    tail.add_argument("--from-beginning", action="store_true")
    tail.add_argument("--count", type=int, help="stop after this many events")
    tail.add_argument("--timeout", type=float, help="stop after this many seconds")
    tail.set_defaults(run=cmd_events_tail)
    again = events.add_parser(
        "republish",
        help="send a range of a service's event log to Kafka again, in order, with the original ids (consumers "
        "skip what they applied within their inbox window, 30 days by default)",
    )
    again.add_argument("--service", required=True, choices=names)
    again.add_argument("--topic", required=True, choices=ALL_TOPICS, help="as the contract names it, no prefix")
    again.add_argument("--since", type=_instant, help="ISO time, inclusive (UTC without an offset)")
    again.add_argument("--until", type=_instant, help="ISO time, exclusive")
    again.add_argument("--from-position", type=int, help="event log position, inclusive")
    again.add_argument("--to-position", type=int, help="event log position, inclusive")
    again.add_argument("--batch", type=int, default=1000, help="events per round trip")
    again.set_defaults(run=cmd_events_republish)
    kafka = sub.add_parser("kafka", help="Kafka principals and ACLs").add_subparsers(dest="what", required=True)
    kafka.add_parser(
        "setup", help="create the topics, each service's principal and only the ACLs it needs (idempotent)"
    ).set_defaults(run=cmd_kafka_setup)
    granting = kafka.add_parser(
        "grant", help="let an agency's consumers read these topics (and nothing else) as principal agency-<agency>"
    )
    granting.add_argument("agency", help="short name, e.g. kemenkes (a-z, 0-9, '-')")
    granting.add_argument("topic", nargs="+", choices=ALL_TOPICS, help="as the contract names it, no prefix")
    granting.add_argument("--password-file", help="the principal's password (else one is generated and printed)")
    granting.add_argument(
        "--bootstrap", help="the brokers as the agency reaches them (default: SINERGI_KAFKA_BOOTSTRAP, as Sinergi does)"
    )
    granting.set_defaults(run=cmd_kafka_grant)
    revoking = kafka.add_parser("revoke", help="take an agency's principal away: its ACLs and its user")
    revoking.add_argument("agency", help="the name it was granted under, e.g. kemenkes")
    revoking.set_defaults(run=cmd_kafka_revoke)
    sub.add_parser("doctor", help="check Postgres, Kafka, migrations, topics, relays, outboxes").set_defaults(
        run=cmd_doctor
    )
    for service in services.values():
        if service.commands is not None:
            service.commands(sub.add_parser)
    return p


def main(argv: list[str] | None = None) -> None:
    args = parser(installed_services()).parse_args(argv)
    try:
        code: Any = asyncio.run(args.run(args))
    except (OSError, asyncpg.PostgresError, KafkaError) as exc:  # a server away or refusing us: say so in a line
        sys.exit(f"sinergi {args.command}: {type(exc).__name__}: {exc}")
    sys.exit(int(code))


if __name__ == "__main__":
    main()
