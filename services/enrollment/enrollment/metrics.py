"""Enrollment's own Prometheus series: seats taken by cohort status and seat class, read at scrape time."""

from prometheus_client import Gauge
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from enrollment.models import Cohort, Enrollment

SEATS_TAKEN = Gauge(
    "sinergi_seats_taken", "Seats taken, by cohort status and seat class", ["cohort_status", "seat_class"]
)
SEATS_CAPACITY = Gauge("sinergi_seats_capacity", "Seats offered, by cohort status", ["cohort_status"])
ENROLLMENTS = Gauge("sinergi_enrollments", "Enrollments by status", ["status"])


async def collect_seats(session: AsyncSession) -> None:
    """Seat counters summed over cohorts, and enrollments per state."""
    seats = (
        await session.execute(
            select(
                Cohort.status,
                func.sum(Cohort.capacity),
                func.sum(Cohort.taken_central),
                func.sum(Cohort.taken_regional),
                func.sum(Cohort.taken_dob),
            ).group_by(Cohort.status)
        )
    ).all()
    states = (await session.execute(select(Enrollment.status, func.count()).group_by(Enrollment.status))).all()
    for status, capacity, central, regional, dob in seats:
        SEATS_CAPACITY.labels(status).set(capacity or 0)
        SEATS_TAKEN.labels(status, "central").set(central or 0)
        SEATS_TAKEN.labels(status, "regional").set(regional or 0)
        SEATS_TAKEN.labels(status, "dob").set(dob or 0)
    for status, count in states:
        ENROLLMENTS.labels(status).set(count)
