"""Prepared statements: a Core statement run on the unit of work's own connection, on the real Postgres."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, func, insert, literal, select

from sinergi_shared.db import Prepared, dead_letters, driver, transaction

_ADD = Prepared(
    insert(dead_letters)
    .values(
        topic=bindparam("topic"),
        partition=0,
        offset=bindparam("offset"),
        headers=bindparam("headers", type_=dead_letters.c.headers.type),
        error="boom",
        attempts=1,
    )
    .returning(dead_letters.c.id, dead_letters.c.headers, dead_letters.c.partition)
)
_COUNT = Prepared(select(func.count()).select_from(dead_letters).where(dead_letters.c.topic == bindparam("topic")))
_IN_TOPICS = Prepared(
    select(func.count()).select_from(dead_letters).where(dead_letters.c.topic.in_([literal("a"), literal("b")]))
)


async def test_a_row_comes_back_keyed_by_its_columns_with_types_applied(db) -> None:  # type: ignore[no-untyped-def]
    _, sessions = db
    async with transaction(sessions) as session:
        row = await _ADD.first(session, {"topic": "a", "offset": 7, "headers": {"trace": ["x", 1]}})
    assert row is not None
    assert row[dead_letters.c.headers] == {"trace": ["x", 1]}  # JSONB encoded and decoded as the session does
    assert row[dead_letters.c.partition] == 0  # a constant of the statement, not a parameter
    assert isinstance(row[dead_letters.c.id], int)


async def test_statements_share_the_sessions_transaction(db) -> None:  # type: ignore[no-untyped-def]
    _, sessions = db
    with pytest.raises(RuntimeError):
        async with transaction(sessions) as session:
            await _ADD.execute(session, {"topic": "gone", "offset": 1, "headers": {}})
            await session.execute(
                insert(dead_letters).values(topic="gone", partition=0, offset=2, headers={}, error="e", attempts=1)
            )
            counted = await _COUNT.first(session, {"topic": "gone"})
            assert counted is not None and list(counted.values()) == [2]  # both writes, in one transaction
            raise RuntimeError("roll back")
    async with transaction(sessions) as session:
        counted = await _COUNT.first(session, {"topic": "gone"})
        assert counted is not None and list(counted.values()) == [0]  # both writes went with the rollback


async def test_the_driver_sees_what_the_session_wrote_and_a_literal_in_list(db) -> None:  # type: ignore[no-untyped-def]
    _, sessions = db
    async with transaction(sessions) as session:
        row = {"partition": 0, "headers": {}, "error": "e", "attempts": 1}
        await session.execute(insert(dead_letters).values(topic="b", offset=3, **row))
        await _ADD.execute(session, {"topic": "a", "offset": 4, "headers": {}})
        await session.execute(insert(dead_letters).values(topic="c", offset=5, **row))
        counted = await _IN_TOPICS.first(session, {})
        assert counted is not None and list(counted.values()) == [2]
        assert await (await driver(session)).fetchval("SELECT count(*) FROM dead_letters") == 3


def test_an_expanding_in_is_refused_when_prepared() -> None:
    with pytest.raises(ValueError, match="expanding"):
        Prepared(select(dead_letters.c.id).where(dead_letters.c.topic.in_(["a", "b"])))
