"""A nomination decided without the cohort's lock, when another one lands between its read and its write."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import pytest

from enrollment import seating
from tests.enrollment.support import World
from tests.support.stack import eventually


@asynccontextmanager
async def landing_after_the_read(
    monkeypatch: pytest.MonkeyPatch, cohort: dict[str, Any], meanwhile: Callable[[], Awaitable[None]]
) -> AsyncIterator[None]:
    """The next unlocked read of this cohort is followed, before its decision is written, by `meanwhile`."""
    read = seating.read_arrival
    pending = [meanwhile]

    async def read_then_meanwhile(driver: Any, *, cohort_id: uuid.UUID, nip: str) -> seating.Arrival | None:
        arrival = await read(driver, cohort_id=cohort_id, nip=nip)
        if pending and str(cohort_id) == cohort["id"]:
            await pending.pop()()
        return arrival

    with monkeypatch.context() as patch:
        patch.setattr(seating, "read_arrival", read_then_meanwhile)
        yield
    assert not pending, "the unlocked read never ran"


async def test_a_cohort_filled_between_the_read_and_the_write_waitlists_the_later_arrival(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    program = await world.program()
    cohort = await world.cohort(program, capacity=1, regional_share_pct=0)
    first, second = await world.staff(world.ids["kemenhub"], 2)
    taken: list[dict[str, Any]] = []

    async def second_takes_the_seat() -> None:
        taken.append(await world.nominate(cohort, second, "kemenhub"))

    async with landing_after_the_read(monkeypatch, cohort, second_takes_the_seat):
        first_out = await world.nominate(cohort, first, "kemenhub")

    # The first read one free seat; its write found the cohort moved and it was decided again, locked.
    assert taken[0]["status"] == "reserved"
    assert first_out["status"] == "waitlisted" and first_out["waitlist_position"] == 1
    state = await world.cohort_state(cohort["id"])
    assert state["taken"] == {"central": 1, "regional": 0, "dob": 0} and state["waitlist_length"] == 1
    await world.check_counters(cohort["id"])
    events = await world.db(
        "SELECT type FROM event_log WHERE key = $1 ORDER BY position", first_out["id"]
    )  # one event for the first, the one of its final decision
    assert [e["type"] for e in events] == ["enrollment.waitlisted"]
    # The cohort moved under an unlocked decision, so its next nominations lock at once.
    assert seating.contended(uuid.UUID(cohort["id"]))


async def test_a_seat_taken_elsewhere_meanwhile_still_leaves_room_for_the_later_arrival(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    program = await world.program()
    cohort = await world.cohort(program, capacity=4, regional_share_pct=0)
    first, second = await world.staff(world.ids["kemenhub"], 2)

    async def second_arrives() -> None:
        await world.nominate(cohort, second, "kemenhub")

    async with landing_after_the_read(monkeypatch, cohort, second_arrives):
        first_out = await world.nominate(cohort, first, "kemenhub")

    assert first_out["status"] == "reserved"
    state = await world.cohort_state(cohort["id"])
    assert state["taken"]["central"] == 2
    seqs = await world.db(
        "SELECT nip, seq FROM enrollments WHERE cohort_id = $1::uuid ORDER BY seq", uuid.UUID(cohort["id"])
    )
    assert [r["nip"] for r in seqs] == [second, first]  # places in the order the writes landed
    await world.check_counters(cohort["id"])


async def test_the_same_nip_nominated_meanwhile_is_a_conflict_and_writes_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    program = await world.program()
    cohort = await world.cohort(program, capacity=4, regional_share_pct=0)
    [nip] = await world.staff(world.ids["kemenhub"], 1)
    before = await world.db("SELECT count(*) AS n FROM event_log")

    async def same_nip_arrives() -> None:
        await world.nominate(cohort, nip, "kemenhub")

    async with landing_after_the_read(monkeypatch, cohort, same_nip_arrives):
        dup = await world.nominate(cohort, nip, "kemenhub", expect=409)

    assert "already active" in dup["detail"]
    state = await world.cohort_state(cohort["id"])
    assert state["taken"]["central"] == 1
    rows = await world.db("SELECT status FROM enrollments WHERE cohort_id = $1::uuid", uuid.UUID(cohort["id"]))
    assert [r["status"] for r in rows] == ["reserved"]
    after = await world.db("SELECT count(*) AS n FROM event_log")
    assert after[0]["n"] == before[0]["n"] + 1  # only the first arrival's event
    await world.check_counters(cohort["id"])


async def test_the_same_nip_stored_while_waiting_for_the_lock_is_a_conflict_and_writes_nothing(world: World):
    program = await world.program()
    cohort = await world.cohort(program, capacity=4, regional_share_pct=0)
    cohort_id = uuid.UUID(cohort["id"])
    [nip] = await world.staff(world.ids["kemenhub"], 1)
    seating.note_contention(cohort_id)  # so the nomination locks at once
    other = await asyncpg.connect(world.dsn)
    try:
        # Another writer holds the cohort's lock and stores the same NIP meanwhile. The nomination's locked
        # read started before that commit, so only the partial unique index can see the NIP is live.
        async with other.transaction():
            await other.execute("SELECT 1 FROM cohorts WHERE id = $1 FOR UPDATE", cohort_id)
            waiting = asyncio.create_task(world.nominate(cohort, nip, "kemenhub", expect=409))

            async def blocked() -> bool:
                # Not on `other`: in a transaction the activity view stays as first read. (The statement's
                # text is cut at 1 kB there, before its FOR UPDATE.)
                rows = await world.db(
                    "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    " AND query LIKE '%c.id AS c_id%'"
                )
                return bool(rows)

            await eventually(blocked)
            await other.execute(
                """
                WITH seat AS (
                    UPDATE cohorts SET taken_central = taken_central + 1, next_seq = next_seq + 1,
                                       version = version + 1
                    WHERE id = $1 RETURNING next_seq
                )
                INSERT INTO enrollments (id, cohort_id, program_id, nip, institution_id, nominated_by_id,
                                         participant_sector, is_dob, seat_class, funding_source, status, seq,
                                         created_at, updated_at, version)
                SELECT $2, $1, $3, $4, $5, $5, 'central', false, 'central', 'APBN', 'reserved', seat.next_seq,
                       now(), now(), 1
                FROM seat
                """,
                cohort_id,
                uuid.uuid4(),
                uuid.UUID(program["id"]),
                nip,
                world.ids["kemenhub"],
            )
        dup = await waiting
    finally:
        await other.close()
    assert "already active" in dup["detail"]
    state = await world.cohort_state(cohort["id"])
    assert state["taken"]["central"] == 1
    rows = await world.db("SELECT count(*) AS n FROM enrollments WHERE cohort_id = $1::uuid", cohort_id)
    assert rows[0]["n"] == 1
    events = await world.db(
        "SELECT count(*) AS n FROM event_log WHERE type LIKE 'enrollment.%' AND data->>'cohort_id' = $1", cohort["id"]
    )
    assert events[0]["n"] == 0  # the stored row came without an event; the refused nomination wrote none
    await world.check_counters(cohort["id"])
