"""A nomination waiting for the cohort's lock while another writer stores the same NIP."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg

from tests.enrollment.support import World
from tests.support.stack import eventually


async def test_the_same_nip_stored_while_waiting_for_the_lock_is_a_conflict_and_writes_nothing(world: World):
    program = await world.program()
    cohort = await world.cohort(program, capacity=4, regional_share_pct=0)
    cohort_id = uuid.UUID(cohort["id"])
    [nip] = await world.staff(world.ids["kemenhub"], 1)
    other = await asyncpg.connect(world.dsn)
    try:
        # Another writer holds the cohort's lock and stores the same NIP meanwhile. The nomination reads the
        # person only once the lock is granted, so it sees the NIP live and names its enrollment.
        async with other.transaction():
            await other.execute("SELECT 1 FROM cohorts WHERE id = $1 FOR UPDATE", cohort_id)
            waiting = asyncio.create_task(world.nominate(cohort, nip, "kemenhub", expect=409))

            async def blocked() -> bool:
                # Not on `other`: in a transaction the activity view stays as first read.
                rows = await world.db(
                    "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    " AND query LIKE 'SELECT cohorts.id%'"
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
    [stored] = await world.db("SELECT id FROM enrollments WHERE cohort_id = $1::uuid", cohort_id)
    assert "sudah terdaftar aktif" in dup["detail"] and str(stored["id"]) in dup["detail"]
    state = await world.cohort_state(cohort["id"])
    assert state["taken"]["central"] == 1
    rows = await world.db("SELECT count(*) AS n FROM enrollments WHERE cohort_id = $1::uuid", cohort_id)
    assert rows[0]["n"] == 1
    events = await world.db(
        "SELECT count(*) AS n FROM event_log WHERE type LIKE 'enrollment.%' AND data->>'cohort_id' = $1", cohort["id"]
    )
    assert events[0]["n"] == 0  # the stored row came without an event; the refused nomination wrote none
    await world.check_counters(cohort["id"])
