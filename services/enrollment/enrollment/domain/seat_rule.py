"""The seat rule of SPEC section 5, in one place: pure arithmetic over counters, no I/O.

With capacity C, reserved regional seats R and DOB seats D (D <= R), a cohort is within the rule when
central <= C - R, central + regional <= C - D and central + regional + dob <= C, where `regional`
counts regional applicants that are not DOB. Central staff may only use unreserved seats; regional
non-DOB staff may use every seat except the D DOB seats; DOB staff may use any seat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

SeatClass = Literal["central", "regional", "dob"]
SEAT_CLASSES: tuple[SeatClass, ...] = ("central", "regional", "dob")

K = TypeVar("K")


def reserved_regional_seats(capacity: int, share_pct: int) -> int:
    """R = ceil(capacity × share / 100), in integers so no float rounding can creep in."""
    return -(-capacity * share_pct // 100)


def seat_class_of(*, sector: str, is_dob: bool) -> SeatClass:
    """The class an applicant competes in: DOB staff first, then by their institution's sector."""
    if is_dob:
        return "dob"
    return "regional" if sector == "regional" else "central"


@dataclass(frozen=True)
class SeatPlan:
    """How a cohort's seats are split: capacity C, reserved regional R, of which D for DOB."""

    capacity: int
    reserved_regional: int
    dob_seats: int

    def __post_init__(self) -> None:
        if not 0 <= self.dob_seats <= self.reserved_regional <= self.capacity or self.capacity < 1:
            raise ValueError(f"invalid seat plan {self}")

    def released(self) -> SeatPlan:
        """The plan after reservation_release_at: every seat open to everyone."""
        return SeatPlan(self.capacity, 0, 0)


@dataclass(frozen=True)
class Taken:
    """Seats held (reserved, confirmed or used) per class."""

    central: int = 0
    regional: int = 0
    dob: int = 0

    @property
    def total(self) -> int:
        return self.central + self.regional + self.dob

    def of(self, seat_class: SeatClass) -> int:
        return int(getattr(self, seat_class))

    def plus(self, seat_class: SeatClass, n: int = 1) -> Taken:
        counts = {c: self.of(c) for c in SEAT_CLASSES}
        counts[seat_class] += n
        return Taken(**counts)

    def minus(self, seat_class: SeatClass) -> Taken:
        if self.of(seat_class) < 1:
            raise ValueError(f"no {seat_class} seat is taken")
        return self.plus(seat_class, -1)


def within_rule(plan: SeatPlan, taken: Taken) -> bool:
    """True when the three inequalities of the seat rule hold (and no counter is negative)."""
    c, r, d = plan.capacity, plan.reserved_regional, plan.dob_seats
    return (
        min(taken.central, taken.regional, taken.dob) >= 0
        and taken.central <= c - r
        and taken.central + taken.regional <= c - d
        and taken.total <= c
    )


def fits(plan: SeatPlan, taken: Taken, seat_class: SeatClass) -> bool:
    """May one more applicant of this class be admitted without breaking the rule?"""
    return admit(plan, taken, seat_class) is not None


def admit(plan: SeatPlan, taken: Taken, seat_class: SeatClass) -> Taken | None:
    """The seats taken once one more applicant of this class is admitted, or None when the rule forbids it."""
    after = taken.plus(seat_class)
    return after if within_rule(plan, after) else None


def available(plan: SeatPlan, taken: Taken) -> dict[SeatClass, int]:
    """How many more applicants of each class (alone) could be admitted right now."""
    c, r, d = plan.capacity, plan.reserved_regional, plan.dob_seats
    room_total = c - taken.total
    room_non_dob = c - d - taken.central - taken.regional
    room_central = c - r - taken.central
    return {
        "central": max(0, min(room_central, room_non_dob, room_total)),
        "regional": max(0, min(room_non_dob, room_total)),
        "dob": max(0, room_total),
    }


def promote(plan: SeatPlan, taken: Taken, waitlist: Sequence[tuple[K, SeatClass]]) -> tuple[list[K], Taken]:
    """Admit, in waitlist order, every applicant who fits; returns who was admitted and the new counters.

    One pass is enough: admitting someone only shrinks the room, so an applicant who did not fit
    earlier in the pass cannot fit later in it.
    """
    admitted: list[K] = []
    for key, seat_class in waitlist:
        after = admit(plan, taken, seat_class)
        if after is not None:
            taken = after
            admitted.append(key)
    return admitted, taken
