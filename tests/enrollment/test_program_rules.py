"""The program and cohort rules (pure, no I/O): category, horizon, fiscal-year dates, the regional share."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enrollment.domain.development import (
    CATEGORY_OF_PATTERN,
    CENTRAL_SHARE_PCT,
    category_problem,
    cohort_dates_problem,
    current_fiscal_year,
    default_share_pct,
    horizon_problem,
    share_refusal,
)


@pytest.mark.parametrize("pattern", sorted(CATEGORY_OF_PATTERN))
def test_only_the_patterns_own_category_is_accepted(pattern: str) -> None:
    fixed = CATEGORY_OF_PATTERN[pattern]
    assert category_problem(pattern=pattern, category=None) is None
    assert category_problem(pattern=pattern, category=fixed) is None
    for other in {"formal", "social", "experiential"} - {fixed}:
        problem = category_problem(pattern=pattern, category=other)
        assert problem is not None and f"{pattern} termasuk {fixed}" in problem


def test_the_category_table_is_perlan_lan_6_2023() -> None:
    assert {p for p, c in CATEGORY_OF_PATTERN.items() if c == "social"} == {"coaching", "mentoring"}
    assert {p for p, c in CATEGORY_OF_PATTERN.items() if c == "experiential"} == {"apprenticeship", "on_the_job"}
    assert len(CATEGORY_OF_PATTERN) == 8


def test_the_fiscal_year_turns_at_midnight_in_jakarta_not_in_utc() -> None:
    assert current_fiscal_year(datetime(2026, 12, 31, 16, 59, tzinfo=UTC)) == 2026
    assert current_fiscal_year(datetime(2026, 12, 31, 17, 0, tzinfo=UTC)) == 2027


@pytest.mark.parametrize(
    ("horizon", "first", "last"), [("short", 2026, 2027), ("medium", 2026, 2030), ("long", 2026, 2045)]
)
def test_each_horizon_admits_its_years_from_this_one(horizon: str, first: int, last: int) -> None:
    for year in range(2020, 2050):
        problem = horizon_problem(horizon=horizon, fiscal_year=year, current_year=2026)
        assert (problem is None) is (first <= year <= last), year
        if problem is not None:
            assert f"{first} sampai {last}" in problem


@given(year=st.integers(2000, 2100), current=st.integers(2000, 2100))
def test_a_year_admitted_by_a_shorter_horizon_is_admitted_by_the_longer_ones(year: int, current: int) -> None:
    admitted = [
        horizon_problem(horizon=h, fiscal_year=year, current_year=current) is None for h in ("short", "medium", "long")
    ]
    assert admitted == sorted(admitted)  # False before True: short ⊆ medium ⊆ long


def test_a_cohort_runs_inside_its_programs_calendar_year() -> None:
    assert cohort_dates_problem(starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31), fiscal_year=2027) is None
    assert cohort_dates_problem(starts_on=date(2027, 3, 2), ends_on=date(2027, 3, 1), fiscal_year=2027) == (
        "ends_on",
        "tidak boleh sebelum starts_on",
    )
    before = cohort_dates_problem(starts_on=date(2026, 12, 30), ends_on=date(2027, 1, 2), fiscal_year=2027)
    after = cohort_dates_problem(starts_on=date(2027, 12, 30), ends_on=date(2028, 1, 2), fiscal_year=2027)
    assert before is not None and before[0] == "starts_on" and "tahun anggaran programnya, 2027" in before[1]
    assert after is not None and after[0] == "ends_on"


@given(start=st.dates(date(2000, 1, 1), date(2100, 12, 31)), days=st.integers(0, 800), year=st.integers(2000, 2100))
def test_an_accepted_cohort_never_leaves_the_fiscal_year(start: date, days: int, year: int) -> None:
    end = date.fromordinal(min(start.toordinal() + days, date(2100, 12, 31).toordinal()))
    if cohort_dates_problem(starts_on=start, ends_on=end, fiscal_year=year) is None:
        assert start.year == end.year == year and start <= end


@pytest.mark.parametrize(
    ("location", "provider_sector", "default"),
    [("central", "central", 30), ("regional", "central", 0), ("central", "regional", 0), ("regional", "regional", 0)],
)
def test_only_a_central_providers_central_cohort_reserves_30_by_default(
    location: str, provider_sector: str, default: int
) -> None:
    assert default_share_pct(location=location, provider_sector=provider_sector) == default


def test_a_provider_may_keep_or_raise_the_default_share() -> None:
    for share in (30, 31, 100):
        assert share_refusal(share_pct=share, default_pct=30, crosses_institutions=False, reason=None) is None
    assert share_refusal(share_pct=0, default_pct=0, crosses_institutions=False, reason=None) is None


def test_lowering_the_share_is_forbidden_to_a_provider_and_needs_a_coordinators_reason() -> None:
    refused = share_refusal(share_pct=29, default_pct=30, crosses_institutions=False, reason="space")
    assert refused is not None and (refused.field, refused.forbidden) == ("regional_share_pct", True)
    for reason in (None, "", "  "):
        missing = share_refusal(share_pct=0, default_pct=30, crosses_institutions=True, reason=reason)
        assert missing is not None and (missing.field, missing.forbidden) == ("regional_share_reason", False)
    assert share_refusal(share_pct=0, default_pct=30, crosses_institutions=True, reason="special equipment") is None


def test_a_reason_without_lowering_is_refused_rather_than_kept_meaningless() -> None:
    refused = share_refusal(share_pct=40, default_pct=30, crosses_institutions=True, reason="more regional staff")
    assert refused is not None and (refused.field, refused.forbidden) == ("regional_share_reason", False)


@given(
    share=st.integers(0, 100),
    default=st.sampled_from([0, CENTRAL_SHARE_PCT]),
    coordinator=st.booleans(),
    reason=st.one_of(st.none(), st.text(max_size=5)),
)
def test_an_accepted_share_below_the_default_always_has_a_coordinator_and_a_reason(
    share: int, default: int, coordinator: bool, reason: str | None
) -> None:
    if share_refusal(share_pct=share, default_pct=default, crosses_institutions=coordinator, reason=reason) is None:
        if share < default:
            assert coordinator and reason is not None and reason.strip()
        else:
            assert reason is None
