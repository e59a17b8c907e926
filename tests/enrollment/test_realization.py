"""Realization of a development plan without I/O: which completion counts toward which item, and the sums."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from enrollment.domain.realization import Completion, Figures, Item, realize, status_of, summarize

YEAR = 2030
P1, P2, P3 = UUID(int=1), UUID(int=2), UUID(int=3)
A, B, C, D = "199001012015031001", "199001012015031002", "199001012015031003", "199001012015031004"


def item(n: int, nip: str | None = A, **overrides: Any) -> Item:
    values: dict[str, Any] = {
        "id": UUID(int=100 + n),
        "nip": nip,
        "position_kind": None if nip is not None else "executor",
        "head_count": 1 if nip is not None else 2,
        "pattern": "technical_training",
        "target_jp": 20,
        "target_year": YEAR,
        "program_id": None,
        "estimated_cost_idr": 1_000_000,
    }
    return Item(**{**values, **overrides})


def done(nip: str = A, **overrides: Any) -> Completion:
    values: dict[str, Any] = {
        "nip": nip,
        "position_kind": "executor",
        "program_id": P1,
        "pattern": "technical_training",
        "year": YEAR,
        "jp": 20,
        "cost_idr": 3_000_000,
    }
    return Completion(**{**values, **overrides})


def counted(items: list[Item], *completions: Completion) -> list[int]:
    """How many completions each item counted."""
    return [r.completions for r in realize(items, completions)]


def test_the_same_person_and_planned_program_wins_over_an_earlier_item_of_the_same_pattern() -> None:
    items = [item(1), item(2, program_id=P1)]
    assert counted(items, done()) == [0, 1]


def test_the_planned_program_matches_whatever_year_the_cohort_ended_in() -> None:
    assert counted([item(1, program_id=P1)], done(year=YEAR + 1)) == [1]


def test_else_the_same_person_pattern_and_target_year_match_even_with_another_program_planned() -> None:
    items = [item(1, program_id=P2)]
    assert counted(items, done(program_id=P1)) == [1]
    assert counted(items, done(program_id=P1, year=YEAR + 1)) == [0]
    assert counted(items, done(program_id=P3, pattern="coaching")) == [0]


def test_among_several_matching_items_the_first_listed_counts() -> None:
    items = [item(1), item(2), item(3, nip=None)]
    assert counted(items, done(), done()) == [2, 0, 0]


def test_another_persons_item_never_counts() -> None:
    assert counted([item(1, nip=B)], done(nip=A, position_kind=None)) == [0]


def test_a_target_group_counts_people_up_to_its_head_count_and_their_further_completions() -> None:
    group = [item(1, nip=None, head_count=2)]
    [r] = realize(group, [done(A), done(B), done(C), done(A, jp=4)])
    assert (r.people, r.completions, r.jp, r.cost_idr) == (2, 3, 44, 9_000_000)
    assert r.jp_by_person == {A: 24, B: 20}


def test_a_target_group_counts_only_staff_of_its_position_kind_in_its_year() -> None:
    group = [item(1, nip=None)]
    assert counted(group, done(position_kind=None), done(B, position_kind="structural")) == [0]
    assert counted(group, done(year=YEAR - 1)) == [0]


def test_a_target_group_naming_a_program_counts_that_program_else_the_pattern() -> None:
    named = [item(1, nip=None, program_id=P2)]
    assert counted(named, done(program_id=P1)) == [0]
    assert counted(named, done(program_id=P2)) == [1]
    assert counted([item(1, nip=None)], done(program_id=P3), done(B, pattern="mentoring")) == [1]


def test_a_person_item_comes_before_a_target_group_and_a_group_takes_what_person_items_leave() -> None:
    items = [item(1, nip=None), item(2, nip=A, pattern="coaching")]
    assert counted(items, done(A, pattern="coaching", program_id=P2)) == [0, 1]
    assert counted(items, done(A)) == [1, 0]


def test_an_item_is_done_when_each_planned_person_reached_its_jp() -> None:
    group = item(1, nip=None, head_count=2, target_jp=10)
    [r] = realize([group], [done(A, jp=30)])
    assert status_of(group, r) == "partial"  # 30 JP is the group's 2 × 10, but by one person of two
    [r] = realize([group], [done(A, jp=10), done(B, jp=6), done(B, jp=4)])
    assert status_of(group, r) == "done"
    person = item(2, target_jp=20)
    [r] = realize([person], [done(jp=12)])
    assert status_of(person, r) == "partial"
    [r] = realize([person], [])
    assert status_of(person, r) == "not_started"


def test_the_summary_adds_items_per_category_and_counts_people_once() -> None:
    items = [
        item(1, program_id=P1, estimated_cost_idr=2_000_000),
        item(2, pattern="coaching", target_jp=8, estimated_cost_idr=500_000),
        item(3, nip=None, head_count=3, pattern="on_the_job", target_jp=10, estimated_cost_idr=900_000),
        item(4, nip=B, pattern="mentoring", target_jp=6, estimated_cost_idr=0),
    ]
    completions = [
        done(A),
        done(A, pattern="coaching", program_id=P2, jp=8, cost_idr=1_000_000),
        done(C, pattern="on_the_job", program_id=P3, jp=30, cost_idr=0),
    ]
    summary = summarize(items, realize(items, completions))
    assert summary.total == Figures(planned_jp=20 + 8 + 30 + 6, realized_jp=58, planned_cost_idr=3_400_000,
                                    realized_cost_idr=4_000_000)  # fmt: skip
    assert summary.by_category["formal"] == Figures(20, 20, 2_000_000, 3_000_000)
    assert summary.by_category["social"] == Figures(14, 8, 500_000, 1_000_000)
    assert summary.by_category["experiential"] == Figures(30, 30, 900_000, 0)
    # A and B named, three by the group; A and C trained.
    assert (summary.people_planned, summary.people_trained, summary.completions) == (5, 2, 3)
    assert summary.not_started == [items[3].id]


_NIPS = st.sampled_from([A, B, C, D])
_PATTERNS = st.sampled_from(["technical_training", "coaching", "on_the_job"])
_PROGRAMS = st.sampled_from([P1, P2, P3])
_YEARS = st.integers(YEAR - 1, YEAR + 1)
_items = st.lists(
    st.builds(
        lambda n, nip, group, pattern, program, year, jp, heads: item(
            n,
            nip=None if group else nip,
            head_count=heads if group else 1,
            pattern=pattern,
            program_id=program,
            target_year=year,
            target_jp=jp,
        ),
        st.integers(0, 10**6),
        _NIPS,
        st.booleans(),
        _PATTERNS,
        st.none() | _PROGRAMS,
        _YEARS,
        st.integers(1, 40),
        st.integers(1, 3),
    ),
    max_size=8,
    unique_by=lambda i: i.id,
)
_completions = st.lists(
    st.builds(
        lambda nip, staff, pattern, program, year, jp: done(
            nip, position_kind="executor" if staff else None, pattern=pattern, program_id=program, year=year, jp=jp
        ),
        _NIPS,
        st.booleans(),
        _PATTERNS,
        _PROGRAMS,
        _YEARS,
        st.integers(0, 40),
    ),
    max_size=12,
)


@given(items=_items, completions=_completions)
def test_each_completion_counts_at_most_once_toward_an_item_it_may_match(
    items: list[Item], completions: list[Completion]
) -> None:
    realized = realize(items, completions)
    assert sum(r.completions for r in realized) <= len(completions)
    assert sum(r.jp for r in realized) <= sum(c.jp for c in completions)
    for planned, r in zip(items, realized, strict=True):
        assert r.people <= planned.head_count
        if planned.nip is not None:
            assert set(r.jp_by_person) <= {planned.nip}
        assert (status_of(planned, r) == "not_started") == (r.completions == 0)
    summary = summarize(items, realized)
    assert summary.total.realized_jp == sum(f.realized_jp for f in summary.by_category.values())
    assert summary.people_trained <= len({c.nip for c in completions})


@given(items=_items, completions=_completions)
def test_a_completion_nobody_planned_its_pattern_or_program_for_counts_nowhere(
    items: list[Item], completions: list[Completion]
) -> None:
    stray = done(D, pattern="mentoring", program_id=UUID(int=9))
    before = realize(items, completions)
    after = realize(items, [*completions, stray])
    assert [r.completions for r in before] == [r.completions for r in after]
