"""Development plans (SPEC §5a, PP 11/2017 art. 205–207): life cycle, horizons, items and the checks. No I/O."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from enrollment import messages
from enrollment.domain.development import CATEGORY_OF_PATTERN, TARGET_MIX_PCT, Category
from enrollment.domain.jp import MINIMUM_JP_PER_YEAR, PPPK_MAXIMUM_JP, pppk_maximum_applies

PlanStatus = Literal["draft", "submitted", "approved", "superseded"]
CompetencyType = Literal["technical", "managerial", "socio_cultural"]
Need = Literal["competency_gap", "performance_gap", "career"]
Action = Literal["edit", "submit", "approve", "revise"]

# How many fiscal years a plan of each horizon may span (SPEC section 1).
MAX_SPAN_YEARS: dict[str, int] = {"short": 1, "medium": 5, "long": 20}
# The one status each action starts from: only a draft is edited, an approved plan is only ever revised.
FROM_STATUS: dict[Action, PlanStatus] = {
    "edit": "draft",
    "submit": "draft",
    "approve": "submitted",
    "revise": "approved",
}
# A revision not decided yet: a lineage has at most one.
UNDECIDED: tuple[PlanStatus, ...] = ("draft", "submitted")
FUNDING_SOURCES = ("APBN", "BLU", "PNBP", "APBD")
CATEGORIES: tuple[Category, ...] = ("formal", "social", "experiential")
# How far (percentage points) a category's planned share may stray from 10:20:70 before the checks warn.
MIX_TOLERANCE_PCT = 5


def span_problem(*, horizon: str, first_year: int, last_year: int) -> tuple[str, str] | None:
    """(field, message) when the years do not fit the horizon; None when they do."""
    if last_year < first_year:
        return "last_year", messages.PLAN_LAST_BEFORE_FIRST()
    years, most = last_year - first_year + 1, MAX_SPAN_YEARS[horizon]
    if years <= most:
        return None
    if horizon == "short":
        return "last_year", messages.PLAN_SHORT_ONE_YEAR(first=first_year)
    name = messages.HORIZON_NAMES[horizon]()
    return "last_year", messages.PLAN_SPAN(horizon=name, most=most, first=first_year, last=last_year, years=years)


def status_problem(*, action: Action, status: str) -> str | None:
    """Why a plan in this status may not undergo the action; None when it may."""
    required = FROM_STATUS[action]
    if status == required:
        return None
    return messages.PLAN_STATUS(status=status, action=messages.PLAN_ACTIONS[action](), required=required)


def target_year_problem(*, target_year: int, first_year: int, last_year: int) -> str | None:
    """An item's year lies within its plan's years."""
    if first_year <= target_year <= last_year:
        return None
    return messages.PLAN_YEAR_OUTSIDE(first=first_year, last=last_year)


@dataclass(frozen=True)
class Person:
    """An active civil servant of the institution, as the checks need them."""

    nip: str
    employment: str
    position_level: str | None


@dataclass(frozen=True)
class Planned:
    """What the checks need of an item: for one person (nip) or a target group of group_count people."""

    nip: str | None
    group_count: int | None
    pattern: str
    target_jp: int  # per person
    target_year: int
    estimated_cost_idr: int  # for the whole item
    funding_source: str

    @property
    def people(self) -> int:
        return 1 if self.nip is not None else self.group_count or 0

    @property
    def planned_jp(self) -> int:
        return self.target_jp * self.people


@dataclass(frozen=True)
class Totals:
    """What a plan plans in all: its items, their JP (a group's once per person) and estimated cost."""

    item_count: int = 0
    planned_jp: int = 0
    estimated_cost_idr: int = 0

    @classmethod
    def of(cls, items: Iterable[Planned]) -> Totals:
        items = list(items)
        return cls(len(items), sum(i.planned_jp for i in items), sum(i.estimated_cost_idr for i in items))


@dataclass(frozen=True)
class PersonJp:
    nip: str
    planned_jp: int


@dataclass(frozen=True)
class Finding:
    """A finding that does not block submission: a machine code, its year (None: the whole plan), how many."""

    code: str
    year: int | None = None
    count: int | None = None


@dataclass(frozen=True)
class YearChecks:
    year: int
    active_pns: int
    pns_below_minimum: list[PersonJp]  # every active PNS with fewer than 20 JP planned by name
    pppk_bound: int  # active PPPK held to the 24 JP maximum (not in a JPT post)
    pppk_above_maximum: list[PersonJp]
    people_planned: int  # distinct people named by items of the year
    people_planned_by_group: int  # head count of target-group items: they name nobody
    people_not_on_staff: list[str]  # named people no longer active staff of the institution
    jp: dict[str, int]  # planned JP per 10:20:70 category, a group item counting its JP once per person
    planned_jp: int
    mix_pct: dict[str, float]
    target_mix_pct: dict[Category, int]
    mix_off_target: bool
    cost_by_source: dict[str, int]
    estimated_cost_idr: int


@dataclass(frozen=True)
class PlanChecks:
    years: list[YearChecks]
    warnings: list[Finding]
    # Budget lines live in the funding service and reach the enrollment service through no event.
    budget_lines_known: bool = False
    minimum_jp: int = MINIMUM_JP_PER_YEAR
    pppk_maximum_jp: int = PPPK_MAXIMUM_JP
    mix_tolerance_pct: int = MIX_TOLERANCE_PCT


def pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


def plan_checks(*, first_year: int, last_year: int, staff: Iterable[Person], items: Iterable[Planned]) -> PlanChecks:
    """What submitting shows, per year of the plan: the 20 JP minimum, the PPPK maximum, the mix, the cost."""
    staff = list(staff)
    by_year: dict[int, list[Planned]] = defaultdict(list)
    for item in items:
        by_year[item.target_year].append(item)
    years = [_year_checks(year, staff, by_year[year]) for year in range(first_year, last_year + 1)]
    return PlanChecks(years=years, warnings=[*_warnings(years), Finding("budget_lines_unknown")])


def _year_checks(year: int, staff: list[Person], items: list[Planned]) -> YearChecks:
    named: dict[str, int] = defaultdict(int)
    jp: dict[str, int] = dict.fromkeys(CATEGORIES, 0)
    cost = dict.fromkeys(FUNDING_SOURCES, 0)
    for item in items:
        if item.nip is not None:
            named[item.nip] += item.target_jp
        jp[CATEGORY_OF_PATTERN[item.pattern]] += item.planned_jp
        cost[item.funding_source] += item.estimated_cost_idr
    pns = [p for p in staff if p.employment == "PNS"]
    bound = [p for p in staff if pppk_maximum_applies(employment=p.employment, position_level=p.position_level)]
    on_staff = {p.nip for p in staff}
    total = sum(jp.values())
    mix: dict[str, float] = {category: pct(jp[category], total) for category in CATEGORIES}
    return YearChecks(
        year=year,
        active_pns=len(pns),
        pns_below_minimum=sorted(
            (PersonJp(p.nip, named.get(p.nip, 0)) for p in pns if named.get(p.nip, 0) < MINIMUM_JP_PER_YEAR),
            key=lambda person: (person.planned_jp, person.nip),
        ),
        pppk_bound=len(bound),
        pppk_above_maximum=sorted(
            (PersonJp(p.nip, named[p.nip]) for p in bound if named.get(p.nip, 0) > PPPK_MAXIMUM_JP),
            key=lambda person: (-person.planned_jp, person.nip),
        ),
        people_planned=len(named),
        people_planned_by_group=sum(item.people for item in items if item.nip is None),
        people_not_on_staff=sorted(nip for nip in named if nip not in on_staff),
        jp=jp,
        planned_jp=total,
        mix_pct=mix,
        target_mix_pct=dict(TARGET_MIX_PCT),
        mix_off_target=total > 0 and any(abs(mix[c] - TARGET_MIX_PCT[c]) > MIX_TOLERANCE_PCT for c in CATEGORIES),
        cost_by_source=cost,
        estimated_cost_idr=sum(cost.values()),
    )


def _warnings(years: list[YearChecks]) -> Iterable[Finding]:
    for y in years:
        for code, count in (
            ("pns_below_minimum", len(y.pns_below_minimum)),
            ("pppk_above_maximum", len(y.pppk_above_maximum)),
            ("people_not_on_staff", len(y.people_not_on_staff)),
            ("mix_off_target", int(y.mix_off_target)),
        ):
            if count:
                yield Finding(code, y.year, None if code == "mix_off_target" else count)
