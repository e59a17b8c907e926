"""Messages that cannot be read at all are dead-lettered once, and the consumer goes on to the next good one.

On the real broker and Postgres: a consumer that raised on such a message used to reconnect and read the same
uncommitted offset again, forever, and nothing after it on that partition was ever applied.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import select

from sinergi_shared.db import dead_letters, inbox
from sinergi_shared.events import CloudEvent
from tests.plumbing.conftest import effects, institution
from tests.plumbing.test_inbox import TOPIC, consumer_for, count
from tests.support.stack import ADMIN, collect, eventually

KEY = b"k"


def _headers(**changed: bytes | None) -> list[tuple[str, bytes | None]]:
    """The CloudEvents headers of a registered institution, with some changed (None drops one)."""
    event = CloudEvent(type="institution.registered", source="registry", subject="x", data={})
    headers = dict(event.headers())
    headers.update(changed)
    return [(name, value) for name, value in headers.items() if value is not None]


UNREADABLE: list[tuple[str, list[tuple[str, bytes | None]], bytes, bytes, str]] = [
    # (what, headers, key, value, the reason dead_letters records)
    ("data nested 100,000 deep", _headers(), KEY, b"[" * 100_000 + b"]" * 100_000, "data nests too deep"),
    ("an object nested 100,000 deep", _headers(), KEY, b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "nests too deep"),
    ("a 5,000-digit number", _headers(), KEY, b'{"version": ' + b"9" * 5_000 + b"}", "data is not JSON"),
    ("broken JSON", _headers(), KEY, b'{"id": ', "data is not JSON"),
    ("no CloudEvents headers", [], KEY, b"{}", "missing CloudEvents headers"),
    ("a NUL in an attribute", _headers(ce_id=b"a\x00b"), KEY, b"{}", "holds a NUL character"),
    ("a header named with a NUL and no value", [("x\x00", None), *_headers(ce_type=b"")], KEY, b"{}", "missing"),
    ("a NUL in the key", _headers(ce_specversion=b"0.3"), b"nul\x00key", b"{}", "unsupported specversion"),
]


async def test_unreadable_messages_are_dead_lettered_and_the_next_good_one_is_applied(
    db, topic_prefix, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    _, sessions = db
    prefix = f"{topic_prefix}m{uuid.uuid4().hex[:6]}."
    first = CloudEvent(type="institution.registered", source="registry", subject="k", data=institution(1))
    last = CloudEvent(type="institution.registered", source="registry", subject="k", data=institution(2))
    messages = [(first.headers(), KEY, first.value())]
    messages += [(headers, key, value) for _, headers, key, value, _ in UNREADABLE]
    messages += [(last.headers(), KEY, last.value())]
    producer = AIOKafkaProducer(**ADMIN.options(), acks="all", max_request_size=4 * 1024 * 1024)
    await producer.start()
    try:
        for headers, key, value in messages:  # one partition: the good message last waits for all the others
            await producer.send_and_wait(prefix + TOPIC, value=value, key=key, headers=headers, partition=0)
    finally:
        await producer.stop()

    consumer = consumer_for(sessions, prefix)
    caplog.set_level(logging.ERROR, logger="sinergi_shared.inbox")
    task = asyncio.create_task(consumer.run())
    try:
        await eventually(_applied_both(consumer), timeout=60)
    finally:
        consumer.stop()
        await asyncio.wait_for(task, 30)

    unreadable = len(UNREADABLE)
    assert consumer.stats.applied == 2, "the good message after the unreadable ones is applied"
    assert consumer.stats.dead_lettered == unreadable
    assert not [r for r in caplog.records if "reconnecting" in r.getMessage()], "no message restarted the consumer"
    async with sessions() as s:
        rows = (await s.execute(select(dead_letters).order_by(dead_letters.c.offset))).all()
        seqs = sorted((await s.execute(select(effects.c.seq))).scalars())
    assert seqs == [1, 2]
    assert len(rows) == unreadable and all(r.event_id is None and r.attempts == 1 for r in rows)
    for row, (what, _, _, _, reason) in zip(rows, UNREADABLE, strict=True):
        assert row.error.startswith("malformed: ") and reason in row.error, f"{what}: {row.error}"
    assert "x\ufffd" in rows[-2].headers and rows[-1].key == "nul\ufffdkey", "stored with the NULs replaced"
    assert await count(sessions, inbox) == 2
    assert len(await collect(prefix + TOPIC + ".dlq", count=unreadable, timeout=20)) == unreadable


def _applied_both(consumer):  # type: ignore[no-untyped-def]
    async def check() -> bool:
        return bool(consumer.stats.applied >= 2)

    return check
