"""One entry point per service: the API, the outbox relay and the consumers, chosen by flags."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import logging
import logging.config
import signal
import sys
import threading
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

from sinergi_shared.db import make_engine, make_sessionmaker
from sinergi_shared.inbox import EventHandlers, InboxConsumer
from sinergi_shared.jobs import PeriodicJob, Tick
from sinergi_shared.kafka_acls import service_topics
from sinergi_shared.logging import logging_config
from sinergi_shared.outbox import OutboxRelay
from sinergi_shared.production import UnsafeForProduction, refuse_unsafe
from sinergi_shared.settings import ServiceSettings
from sinergi_shared.topics import require_topics

log = logging.getLogger(__name__)

# How a service adds a `sinergi` command: add_command(name, help=...) returns its argparse parser.
AddCommand = Callable[..., argparse.ArgumentParser]


@dataclass
class ServiceDefinition:
    """What a service contributes to the runner and to the `sinergi` command line.

    By convention its package is named after it, builds its app with `<name>.app:create_app` (each API worker
    process builds its own) and keeps its `alembic.ini` beside the package.
    """

    name: str
    default_port: int
    settings: Callable[[], ServiceSettings]
    handlers: EventHandlers | None
    # Periodic jobs (name, tick, interval seconds), run alongside the consumers.
    jobs: Sequence[tuple[str, Tick, float]] = field(default_factory=tuple)
    # Adds the service's own commands to `sinergi`; each parser's set_defaults(run=...) names an async
    # function of the parsed arguments that returns the exit code.
    commands: Callable[[AddCommand], None] | None = None
    # The service's own reasons to refuse SINERGI_MODE=production, listed with everyone's before anything starts.
    refusals: Callable[[Any], list[str]] | None = None

    @property
    def app(self) -> str:
        return f"{self.name}.app:create_app"

    @property
    def alembic_ini(self) -> Path:
        """The service's Alembic config, for `sinergi doctor` to compare the database with the migrations' head."""
        spec = importlib.util.find_spec(self.name)
        assert spec is not None and spec.submodule_search_locations, f"{self.name} is not an installed package"
        return Path(spec.submodule_search_locations[0]).parent / "alembic.ini"

    def run(self) -> None:
        """`python -m <name>`: parse the flags and run (see main)."""
        main(self)


def build_relay(settings: ServiceSettings) -> OutboxRelay:
    return OutboxRelay(
        database_url=settings.database_url,
        kafka=settings.kafka(),
        service=settings.service_name,
        topic_prefix=settings.topic_prefix,
        batch_size=settings.relay_batch_size,
        poll_interval_s=settings.relay_poll_interval_s,
    )


def build_consumer(settings: ServiceSettings, handlers: EventHandlers, sessions: object) -> InboxConsumer:
    return InboxConsumer(
        sessions=sessions,  # type: ignore[arg-type]
        handlers=handlers,
        kafka=settings.kafka(),
        service=settings.service_name,
        topic_prefix=settings.topic_prefix,
        max_attempts=settings.consumer_max_attempts,
        retry_backoff_s=settings.consumer_retry_backoff_s,
        fetch_max_wait_ms=settings.consumer_fetch_max_wait_ms,
        commit_interval_s=settings.consumer_commit_interval_s,
    )


def run(
    definition: ServiceDefinition,
    *,
    api: bool,
    relay: bool,
    consumers: bool,
    host: str,
    port: int,
    workers: int | None = None,
) -> None:
    """Run the chosen parts until SIGTERM/SIGINT, then stop them gracefully.

    One API worker (`workers`, else the api_workers setting): everything in this process on one event loop.
    More: the API from that many worker processes under uvicorn's supervisor, the rest in a thread beside it.
    """
    settings = definition.settings()
    workers = settings.api_workers if workers is None else workers
    log_config = logging_config(settings.log_level)
    logging.config.dictConfig(log_config)
    try:
        asyncio.run(refuse_unsafe(settings, definition.refusals))
    except UnsafeForProduction as exc:
        sys.exit(str(exc))
    config = None
    if api:
        config = uvicorn.Config(
            definition.app,
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=log_config,
            access_log=False,
            ssl_certfile=settings.tls_cert_file,
            ssl_keyfile=settings.tls_key_file,
        )
    if config is not None and workers > 1:
        supervise(definition, settings, config, relay=relay, consumers=consumers)
    else:
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            runner.run(serve(definition, settings, api=config, relay=relay, consumers=consumers))
    log.info("stopped", extra={"service": definition.name})


async def serve(
    definition: ServiceDefinition,
    settings: ServiceSettings,
    *,
    api: uvicorn.Config | None,
    relay: bool,
    consumers: bool,
) -> None:
    """Run the API (when `api` is given), the relay and the consumers in this process until SIGTERM/SIGINT."""
    server = uvicorn.Server(api) if api is not None else None
    stop = asyncio.Event()

    def on_signal() -> None:
        stop.set()
        if server is not None:
            server.should_exit = True  # finish in-flight requests, then return from serve()

    # Ours before and after uvicorn's own capture while it serves (it raises the signal again when it returns).
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal)
    until = server.serve if server is not None else stop.wait
    await run_alongside(definition, settings, relay=relay, consumers=consumers, until=until)


def supervise(
    definition: ServiceDefinition, settings: ServiceSettings, config: uvicorn.Config, *, relay: bool, consumers: bool
) -> None:
    """Serve the API from config.workers processes under uvicorn's supervisor, which replaces one that dies.

    The relay, consumers and jobs chosen run here in the supervising process, on their own event loop in a
    thread, stopped when the supervisor exits: one of each per service, however many API workers it has.
    """
    supervisor = Multiprocess(config, sockets=[config.bind_socket()])  # from here SIGTERM/SIGINT are its own
    stopping = threading.Event()

    async def until_stopping() -> None:
        await asyncio.to_thread(stopping.wait)

    def alongside() -> None:
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            runner.run(run_alongside(definition, settings, relay=relay, consumers=consumers, until=until_stopping))

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="alongside") as pool:
        done = pool.submit(alongside) if relay or consumers else None
        if done is not None:
            # It ends before the supervisor only by failing: then stop the API too rather than run half a service.
            done.add_done_callback(lambda _: supervisor.should_exit.set())
        try:
            supervisor.run()
        finally:
            stopping.set()
        if done is not None:
            done.result()
    if any(worker.exitcode == STARTUP_FAILURE for worker in supervisor.processes):
        sys.exit(STARTUP_FAILURE)  # the supervisor gives up on an app that cannot start: say so, as uvicorn.run does


async def run_alongside(
    definition: ServiceDefinition,
    settings: ServiceSettings,
    *,
    relay: bool,
    consumers: bool,
    until: Callable[[], Awaitable[object]],
) -> None:
    """Run the chosen relay, consumers and jobs until `until()` returns; each then finishes the batch in hand."""
    if relay or consumers:
        needed = service_topics(definition.name, definition.handlers, settings.topic_prefix)
        await _retry(lambda: require_topics(settings.kafka(), needed), "topics")
    tasks: list[asyncio.Task[None]] = []
    stoppers: list[Callable[[], None]] = []
    engine = None
    if relay:
        outbox_relay = build_relay(settings)
        stoppers.append(outbox_relay.stop)
        tasks.append(asyncio.create_task(outbox_relay.run(), name="relay"))
    if consumers and (definition.handlers is not None or definition.jobs):
        engine = make_engine(settings.database_url, pool_size=4, max_overflow=4)
        sessions = make_sessionmaker(engine)
        if definition.handlers is not None:
            consumer = build_consumer(settings, definition.handlers, sessions)
            stoppers.append(consumer.stop)
            tasks.append(asyncio.create_task(consumer.run(), name="consumers"))
        for name, tick, interval in definition.jobs:
            job = PeriodicJob(name, tick, sessions, interval)
            stoppers.append(job.stop)
            tasks.append(asyncio.create_task(job.run(), name=name))
    try:
        await until()
    finally:
        for stopper in stoppers:
            stopper()
        # Each finishes the batch in hand (publish + delete, or apply + commit) before returning.
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=30)
            for task in pending:
                task.cancel()
        if engine is not None:
            await engine.dispose()


async def _retry(action: Callable[[], object], what: str, attempts: int = 30) -> None:
    for attempt in range(attempts):
        try:
            await action()  # type: ignore[misc]
            return
        except Exception as exc:
            if attempt == attempts - 1:
                raise
            log.warning("waiting for Kafka", extra={"step": what, "reason": str(exc) or type(exc).__name__})
            await asyncio.sleep(2)


def main(definition: ServiceDefinition, argv: list[str] | None = None) -> None:
    """Parse --api/--relay/--consumers (default: all), --workers and the address, and run."""
    parser = argparse.ArgumentParser(prog=definition.name, description=f"Run the Sinergi {definition.name} service")
    parser.add_argument("--api", action="store_true", help="serve the HTTP API")
    parser.add_argument("--relay", action="store_true", help="publish the outbox to Kafka")
    parser.add_argument("--consumers", action="store_true", help="apply consumed events")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=definition.default_port)
    parser.add_argument(
        "--workers", type=int, default=None, help="API worker processes (default: the api_workers setting)"
    )
    args = parser.parse_args(argv)
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be at least 1")
    everything = not (args.api or args.relay or args.consumers)
    run(
        definition,
        api=everything or args.api,
        relay=everything or args.relay,
        consumers=everything or args.consumers,
        host=args.host,
        port=args.port,
        workers=args.workers,
    )


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop when installed (uvicorn[standard] brings it): cheaper sockets and callbacks than asyncio's loop."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop
