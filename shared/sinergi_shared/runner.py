"""One entry point per service: the API, the outbox relay and the consumers, chosen by flags."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import socket
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import uvicorn
from fastapi import FastAPI

from sinergi_shared.db import make_engine, make_sessionmaker
from sinergi_shared.inbox import EventHandlers, InboxConsumer
from sinergi_shared.jobs import PeriodicJob, Tick
from sinergi_shared.logging import configure_logging
from sinergi_shared.outbox import OutboxRelay
from sinergi_shared.settings import ServiceSettings
from sinergi_shared.topics import ensure_topics

log = logging.getLogger(__name__)


@dataclass
class ServiceDefinition:
    """What a service contributes to the runner."""

    name: str
    settings: Callable[[], ServiceSettings]
    create_app: Callable[..., FastAPI]
    handlers: EventHandlers | None
    default_port: int
    # Periodic jobs (name, tick, interval seconds), run alongside the consumers.
    jobs: Sequence[tuple[str, Tick, float]] = field(default_factory=tuple)


def build_relay(settings: ServiceSettings) -> OutboxRelay:
    return OutboxRelay(
        database_url=settings.database_url,
        bootstrap=settings.kafka_bootstrap,
        service=settings.service_name,
        batch_size=settings.relay_batch_size,
        poll_interval_s=settings.relay_poll_interval_s,
    )


def build_consumer(settings: ServiceSettings, handlers: EventHandlers, sessions: object) -> InboxConsumer:
    return InboxConsumer(
        sessions=sessions,  # type: ignore[arg-type]
        handlers=handlers,
        bootstrap=settings.kafka_bootstrap,
        service=settings.service_name,
        topic_prefix=settings.topic_prefix,
        max_attempts=settings.consumer_max_attempts,
        retry_backoff_s=settings.consumer_retry_backoff_s,
        fetch_max_wait_ms=settings.consumer_fetch_max_wait_ms,
        commit_interval_s=settings.consumer_commit_interval_s,
    )


async def serve(
    definition: ServiceDefinition,
    *,
    api: bool,
    relay: bool,
    consumers: bool,
    host: str,
    port: int,
    workers: int | None = None,
    shared_port: bool = False,
) -> None:
    """Run the chosen parts until SIGTERM/SIGINT, then stop them gracefully.

    With more than one API worker (`workers`, else the api_workers setting), this process serves the API
    on a port it shares (SO_REUSEPORT) with workers - 1 more processes that serve only the API, started
    here and stopped with it. `shared_port` marks such a worker.
    """
    settings = definition.settings()
    workers = settings.api_workers if workers is None else workers
    configure_logging(settings.log_level)
    if relay or consumers:
        await _retry(lambda: ensure_topics(settings.kafka_bootstrap, settings.topic_prefix), "topics")
    stop = asyncio.Event()
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

    loop = asyncio.get_running_loop()
    server = None
    sockets: list[socket.socket] | None = None
    api_workers: list[asyncio.subprocess.Process] = []
    if api:
        server = _Server(
            uvicorn.Config(definition.create_app(settings), host=host, port=port, log_config=None, access_log=False)
        )
        if workers > 1 or shared_port:
            sockets = [_shared_socket(host, port)]

    def on_signal() -> None:
        stop.set()
        if server is not None:
            server.should_exit = True  # finish in-flight requests, then return from serve()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal)
    try:
        # Started once signals are ours, so a stop at any point from here on stops them too.
        for _ in range(workers - 1 if server is not None and not shared_port else 0):
            api_workers.append(await _start_api_worker(definition, host, port))
        if server is not None:
            await server.serve(sockets=sockets)
        else:
            await stop.wait()
    finally:
        await _stop_api_workers(api_workers)
    for stopper in stoppers:
        stopper()
    # Workers finish the batch in hand (publish + delete, or apply + commit) before returning.
    if tasks:
        _, pending = await asyncio.wait(tasks, timeout=30)
        for task in pending:
            task.cancel()
    if engine is not None:
        await engine.dispose()
    log.info("stopped", extra={"service": definition.name})


def _shared_socket(host: str, port: int) -> socket.socket:
    """A listening address several processes can bind at once; the kernel spreads new connections over them."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


async def _start_api_worker(definition: ServiceDefinition, host: str, port: int) -> asyncio.subprocess.Process:
    """One more process of this service serving only its API, on the shared port."""
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", definition.name, "--api", "--shared-port", "--host", host, "--port", str(port)
    )
    log.info("api worker started", extra={"service": definition.name, "pid": worker.pid})
    return worker


async def _stop_api_workers(workers: list[asyncio.subprocess.Process]) -> None:
    """SIGTERM to each worker still running, then wait for them (each finishes its in-flight requests)."""
    for worker in workers:
        if worker.returncode is None:
            worker.terminate()
    for worker in workers:
        try:
            await asyncio.wait_for(worker.wait(), timeout=30)
        except TimeoutError:
            worker.kill()
            await worker.wait()


class _Server(uvicorn.Server):
    """uvicorn without its own signal capture, which would re-raise SIGTERM before the workers stopped."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def _retry(action: Callable[[], object], what: str, attempts: int = 30) -> None:
    for attempt in range(attempts):
        try:
            await action()  # type: ignore[misc]
            return
        except Exception:
            if attempt == attempts - 1:
                raise
            log.warning("waiting for Kafka", extra={"step": what})
            await asyncio.sleep(2)


def main(definition: ServiceDefinition, argv: list[str] | None = None) -> None:
    """Parse --api/--relay/--consumers (default: all) and run."""
    parser = argparse.ArgumentParser(prog=definition.name, description=f"Run the Sinergi {definition.name} service")
    parser.add_argument("--api", action="store_true", help="serve the HTTP API")
    parser.add_argument("--relay", action="store_true", help="publish the outbox to Kafka")
    parser.add_argument("--consumers", action="store_true", help="apply consumed events")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=definition.default_port)
    parser.add_argument(
        "--workers", type=int, default=None, help="API processes sharing the port (default: the api_workers setting)"
    )
    parser.add_argument("--shared-port", action="store_true", help=argparse.SUPPRESS)  # a worker started by --workers
    args = parser.parse_args(argv)
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be at least 1")
    everything = not (args.api or args.relay or args.consumers)
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(
            serve(
                definition,
                api=everything or args.api,
                relay=everything or args.relay,
                consumers=everything or args.consumers,
                host=args.host,
                port=args.port,
                workers=1 if args.shared_port else args.workers,
                shared_port=args.shared_port,
            )
        )


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop when installed (uvicorn[standard] brings it): cheaper sockets and callbacks than asyncio's loop."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop
