"""The seat rule as pure arithmetic: each inequality, availability, promotion, and a state machine."""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from enrollment.domain.seat_rule import (
    SEAT_CLASSES,
    SeatClass,
    SeatPlan,
    Taken,
    available,
    fits,
    promote,
    reserved_regional_seats,
    seat_class_of,
    within_rule,
)

PLAN = SeatPlan(capacity=40, reserved_regional=12, dob_seats=4)


def test_reserved_regional_seats_round_up():
    assert reserved_regional_seats(40, 30) == 12
    assert reserved_regional_seats(10, 30) == 3
    assert reserved_regional_seats(7, 30) == 3  # 2.1 → 3
    assert reserved_regional_seats(1, 30) == 1
    assert reserved_regional_seats(5, 0) == 0
    assert reserved_regional_seats(5, 100) == 5


def test_dob_seats_cannot_exceed_reserved_regional():
    with pytest.raises(ValueError):
        SeatPlan(capacity=10, reserved_regional=3, dob_seats=4)


def test_applicant_class_follows_dob_then_sector():
    assert seat_class_of(sector="regional", is_dob=True) == "dob"
    assert seat_class_of(sector="regional", is_dob=False) == "regional"
    assert seat_class_of(sector="central", is_dob=False) == "central"


def test_central_applicant_cannot_take_reserved_regional_seat():
    # central ≤ C − R: the 29th central applicant is refused even though 12 seats are free.
    assert fits(PLAN, Taken(central=27), "central")
    assert not fits(PLAN, Taken(central=28), "central")
    assert fits(PLAN, Taken(central=28), "regional")


def test_regional_applicant_cannot_take_dob_seat():
    # central + regional_non_dob ≤ C − D
    assert not fits(PLAN, Taken(central=28, regional=8), "regional")
    assert fits(PLAN, Taken(central=28, regional=8), "dob")
    assert not fits(PLAN, Taken(central=20, regional=16), "regional")


def test_regional_applicant_may_use_unreserved_seats():
    assert fits(PLAN, Taken(central=0, regional=35), "regional")


def test_nobody_is_admitted_beyond_capacity():
    # central + regional + dob ≤ C
    full = Taken(central=28, regional=8, dob=4)
    assert full.total == 40
    assert not any(fits(PLAN, full, c) for c in SEAT_CLASSES)
    assert not fits(PLAN, Taken(central=10, regional=10, dob=20), "dob")
    assert fits(PLAN, Taken(central=10, regional=10, dob=19), "dob")


def test_available_counts_each_class_alone():
    assert available(PLAN, Taken()) == {"central": 28, "regional": 36, "dob": 40}
    assert available(PLAN, Taken(central=28, regional=5)) == {"central": 0, "regional": 3, "dob": 7}
    assert available(PLAN, Taken(central=28, regional=8, dob=4)) == {"central": 0, "regional": 0, "dob": 0}


def test_after_release_every_seat_is_open_to_everyone():
    released = PLAN.released()
    assert fits(released, Taken(central=28), "central")
    assert available(released, Taken(central=28, regional=8)) == {"central": 4, "regional": 4, "dob": 4}


def test_promotion_offers_seats_to_the_earliest_applicant_who_fits():
    taken = Taken(central=28, regional=7, dob=4)  # one regional seat free
    admitted, after = promote(PLAN, taken, [("c1", "central"), ("r1", "regional"), ("r2", "regional")])
    assert admitted == ["r1"]
    assert after == Taken(central=28, regional=8, dob=4)


@settings(max_examples=60, stateful_step_count=60, deadline=None)
class SeatMachine(RuleBasedStateMachine):
    """Random nominations, cancellations and releases; the rule and first-come order hold after each step."""

    @initialize(
        capacity=st.integers(min_value=1, max_value=30),
        share=st.integers(min_value=0, max_value=100),
        dob_fraction=st.floats(min_value=0, max_value=1),
    )
    def setup(self, capacity: int, share: int, dob_fraction: float) -> None:
        reserved = reserved_regional_seats(capacity, share)
        self.plan = SeatPlan(capacity, reserved, int(reserved * dob_fraction))
        self.seated: list[tuple[int, SeatClass]] = []
        self.waitlist: list[tuple[int, SeatClass]] = []
        self.taken = Taken()
        self.next_id = 0

    def _recount(self) -> Taken:
        counts = {c: 0 for c in SEAT_CLASSES}
        for _, c in self.seated:
            counts[c] += 1
        return Taken(**counts)

    @rule(seat_class=st.sampled_from(SEAT_CLASSES))
    def nominate(self, seat_class: SeatClass) -> None:
        self.next_id += 1
        if fits(self.plan, self.taken, seat_class):
            self.taken = self.taken.plus(seat_class)
            self.seated.append((self.next_id, seat_class))
        else:
            self.waitlist.append((self.next_id, seat_class))

    def _promote(self) -> None:
        admitted, self.taken = promote(self.plan, self.taken, self.waitlist)
        chosen = set(admitted)
        self.seated += [w for w in self.waitlist if w[0] in chosen]
        self.waitlist = [w for w in self.waitlist if w[0] not in chosen]

    @precondition(lambda self: bool(self.seated))
    @rule(index=st.integers(min_value=0))
    def cancel_seated(self, index: int) -> None:
        _, seat_class = self.seated.pop(index % len(self.seated))
        self.taken = self.taken.minus(seat_class)
        self._promote()

    @precondition(lambda self: bool(self.waitlist))
    @rule(index=st.integers(min_value=0))
    def cancel_waitlisted(self, index: int) -> None:
        self.waitlist.pop(index % len(self.waitlist))

    @rule()
    def release_reservations(self) -> None:
        self.plan = self.plan.released()
        self._promote()

    @invariant()
    def rule_holds(self) -> None:
        assert within_rule(self.plan, self.taken)

    @invariant()
    def counters_equal_seated(self) -> None:
        assert self._recount() == self.taken

    @invariant()
    def no_waitlisted_applicant_fits(self) -> None:
        # First come within what fits: a free seat never waits while someone who fits is waitlisted.
        for _, seat_class in self.waitlist:
            assert not fits(self.plan, self.taken, seat_class)

    @invariant()
    def available_agrees_with_fits(self) -> None:
        room = available(self.plan, self.taken)
        for c in SEAT_CLASSES:
            assert (room[c] > 0) == fits(self.plan, self.taken, c)
            assert within_rule(self.plan, self.taken.plus(c, room[c]))
            assert not within_rule(self.plan, self.taken.plus(c, room[c] + 1))


TestSeatMachine = SeatMachine.TestCase
