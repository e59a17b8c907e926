"""The development plan rules of SPEC §5a, without I/O: horizons, life cycle, item years, the checks."""

from __future__ import annotations

from dataclasses import asdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enrollment.domain import plans
from enrollment.domain.development import CATEGORY_OF_PATTERN
from enrollment.domain.plans import Person, Planned


@pytest.mark.parametrize(
    ("horizon", "first", "last", "field"),
    [
        ("short", 2027, 2027, None),
        ("short", 2027, 2028, "last_year"),
        ("medium", 2027, 2031, None),
        ("medium", 2027, 2032, "last_year"),
        ("long", 2025, 2044, None),
        ("long", 2025, 2045, "last_year"),
        ("medium", 2028, 2027, "last_year"),
    ],
)
def test_a_plan_spans_at_most_its_horizons_years(horizon: str, first: int, last: int, field: str | None) -> None:
    problem = plans.span_problem(horizon=horizon, first_year=first, last_year=last)
    assert (problem and problem[0]) == field


def test_a_short_plan_names_its_one_year() -> None:
    problem = plans.span_problem(horizon="short", first_year=2027, last_year=2028)
    assert problem is not None and "2027" in problem[1]


@given(
    horizon=st.sampled_from(["short", "medium", "long"]),
    first=st.integers(2000, 2100),
    years=st.integers(-3, 25),
)
def test_the_span_rule_is_the_year_count_against_the_horizon(horizon: str, first: int, years: int) -> None:
    fits = 1 <= years <= plans.MAX_SPAN_YEARS[horizon]
    assert (plans.span_problem(horizon=horizon, first_year=first, last_year=first + years - 1) is None) is fits


@pytest.mark.parametrize(
    ("action", "allowed"),
    [("edit", "draft"), ("submit", "draft"), ("approve", "submitted"), ("revise", "approved")],
)
def test_each_action_starts_from_one_status(action: plans.Action, allowed: str) -> None:
    for status in ("draft", "submitted", "approved", "superseded"):
        assert (plans.status_problem(action=action, status=status) is None) is (status == allowed)


def test_nothing_moves_a_superseded_plan() -> None:
    assert all(plans.status_problem(action=a, status="superseded") for a in ("edit", "submit", "approve", "revise"))


@given(first=st.integers(2000, 2090), span=st.integers(0, 19), year=st.integers(1990, 2120))
def test_an_items_year_lies_within_the_plan(first: int, span: int, year: int) -> None:
    inside = first <= year <= first + span
    assert (plans.target_year_problem(target_year=year, first_year=first, last_year=first + span) is None) is inside


def _item(nip: str | None = None, *, jp: int, pattern: str = "technical_training", year: int = 2027, **kw: object):
    values: dict[str, object] = {
        "nip": nip,
        "group_count": None if nip else 1,
        "pattern": pattern,
        "target_jp": jp,
        "target_year": year,
        "estimated_cost_idr": 0,
        "funding_source": "APBN",
        **kw,
    }
    return Planned(**values)  # type: ignore[arg-type]


STAFF = [
    Person("pns-a", "PNS", None),
    Person("pns-b", "PNS", None),
    Person("pns-c", "PNS", "jpt_pratama"),
    Person("pppk-a", "PPPK", None),
    Person("pppk-jpt", "PPPK", "jpt_madya"),
]


def test_the_checks_of_a_small_institution_by_hand() -> None:
    items = [
        _item("pns-a", jp=12, estimated_cost_idr=1_000_000),
        _item("pns-a", jp=8, pattern="coaching", estimated_cost_idr=500_000, funding_source="BLU"),
        _item("pns-b", jp=19, pattern="on_the_job"),
        _item("pppk-a", jp=20),
        _item("pppk-a", jp=5, pattern="mentoring"),
        _item("pppk-jpt", jp=40, pattern="on_the_job"),
        _item(None, jp=10, group_count=3, pattern="on_the_job", estimated_cost_idr=3_000_000, funding_source="APBD"),
        _item("pns-b", jp=30, year=2028),
    ]
    checks = plans.plan_checks(first_year=2027, last_year=2028, staff=STAFF, items=items)
    y27, y28 = checks.years
    assert y27.year == 2027 and y27.active_pns == 3
    # pns-a has 12 + 8 = 20 (met); pns-b 19; pns-c nothing (a JPT PNS still needs 20).
    assert [(p.nip, p.planned_jp) for p in y27.pns_below_minimum] == [("pns-c", 0), ("pns-b", 19)]
    # pppk-a 25 > 24; the JPT PPPK's 40 is exempt.
    assert y27.pppk_bound == 1
    assert [(p.nip, p.planned_jp) for p in y27.pppk_above_maximum] == [("pppk-a", 25)]
    assert y27.people_planned == 4 and y27.people_planned_by_group == 3
    # formal 12 + 20 = 32; social 8 + 5 = 13; experiential 19 + 40 + 3 × 10 = 89; total 134.
    assert y27.jp == {"formal": 32, "social": 13, "experiential": 89} and y27.planned_jp == 134
    assert y27.mix_pct == {"formal": 23.88, "social": 9.7, "experiential": 66.42}
    assert y27.mix_off_target  # formal is 13.88 points above 10
    assert y27.cost_by_source == {"APBN": 1_000_000, "BLU": 500_000, "PNBP": 0, "APBD": 3_000_000}
    assert y27.estimated_cost_idr == 4_500_000
    assert [(p.nip, p.planned_jp) for p in y28.pns_below_minimum] == [("pns-a", 0), ("pns-c", 0)]
    assert y28.mix_pct == {"formal": 100.0, "social": 0.0, "experiential": 0.0}
    assert not checks.budget_lines_known
    found = [(f.code, f.year, f.count) for f in checks.warnings]
    assert found == [
        ("pns_below_minimum", 2027, 2),
        ("pppk_above_maximum", 2027, 1),
        ("mix_off_target", 2027, None),
        ("pns_below_minimum", 2028, 2),
        ("mix_off_target", 2028, None),
        ("budget_lines_unknown", None, None),
    ]


def test_people_planned_but_no_longer_on_staff_are_named() -> None:
    checks = plans.plan_checks(first_year=2027, last_year=2027, staff=STAFF, items=[_item("gone", jp=20)])
    assert checks.years[0].people_not_on_staff == ["gone"]
    assert ("people_not_on_staff", 2027, 1) in [(f.code, f.year, f.count) for f in checks.warnings]


def test_a_year_without_items_warns_of_its_pns_but_not_of_a_mix() -> None:
    checks = plans.plan_checks(first_year=2027, last_year=2027, staff=STAFF, items=[])
    [year] = checks.years
    assert year.planned_jp == 0 and not year.mix_off_target
    assert len(year.pns_below_minimum) == 3


def test_the_checks_are_plain_data_to_keep_as_json() -> None:
    checks = plans.plan_checks(first_year=2027, last_year=2027, staff=STAFF, items=[_item("pns-a", jp=20)])
    kept = asdict(checks)
    assert kept["years"][0]["pns_below_minimum"][0] == {"nip": "pns-b", "planned_jp": 0}
    assert kept["warnings"][-1] == {"code": "budget_lines_unknown", "year": None, "count": None}


_patterns = st.sampled_from(sorted(CATEGORY_OF_PATTERN))
_planned = st.builds(
    Planned,
    nip=st.one_of(st.none(), st.sampled_from([p.nip for p in STAFF])),
    group_count=st.integers(1, 50),
    pattern=_patterns,
    target_jp=st.integers(1, 200),
    target_year=st.integers(2027, 2029),
    estimated_cost_idr=st.integers(0, 10**9),
    funding_source=st.sampled_from(plans.FUNDING_SOURCES),
)


@given(items=st.lists(_planned, max_size=40))
def test_the_years_add_up_to_the_plans_totals(items: list[Planned]) -> None:
    checks = plans.plan_checks(first_year=2027, last_year=2029, staff=STAFF, items=items)
    totals = plans.Totals.of(items)
    assert sum(y.planned_jp for y in checks.years) == totals.planned_jp
    assert sum(sum(y.jp.values()) for y in checks.years) == totals.planned_jp
    assert sum(y.estimated_cost_idr for y in checks.years) == totals.estimated_cost_idr
    assert sum(sum(y.cost_by_source.values()) for y in checks.years) == totals.estimated_cost_idr
    for year in checks.years:
        named = {i.nip for i in items if i.nip is not None and i.target_year == year.year}
        assert year.people_planned == len(named)
        assert all(p.planned_jp < 20 for p in year.pns_below_minimum)
        assert all(p.planned_jp > 24 for p in year.pppk_above_maximum)
        assert {p.nip for p in year.pppk_above_maximum} <= {"pppk-a"}
        if year.planned_jp:
            assert abs(sum(year.mix_pct.values()) - 100) < 0.05
