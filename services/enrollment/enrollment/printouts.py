"""The enrollment reports as printed (XLSX and PDF): each JSON report described for `sinergi_shared.printing`.

Every figure printed is a figure of the JSON report of the same request, so the files and the JSON agree; the words
come from the catalogue, in the request's language.
"""

from __future__ import annotations

from enrollment import messages
from enrollment.plan_schemas import ItemRealization, PlanReport, Realization
from enrollment.schemas import (
    CohortReport,
    DobReport,
    DobUnit,
    InstitutionReport,
    Participant,
    RegionalShareReport,
    ShareFigures,
)
from sinergi_shared import messages as shared
from sinergi_shared.language import long_date
from sinergi_shared.printing import Chart, Column, Fact, Report, Section, Value

CATEGORIES = ("formal", "social", "experiential")


def institution(report: InstitutionReport) -> Report:
    """20 JP compliance of the institution and of each of its units, and its 10:20:70 mix against the target."""
    lines = [messages.PRINT_INSTITUTION(name=report.institution_name), messages.PRINT_YEAR(year=report.year)]
    if report.predecessors:
        lines.append(messages.PRINT_SUCCEEDED(names=", ".join(p.name for p in report.predecessors)))
    summary = Section(
        messages.PRINT_SUMMARY(),
        facts=[
            Fact(messages.PRINT_ACTIVE_STAFF(), report.active_staff),
            Fact(messages.PRINT_ACTIVE_PNS(), report.active_pns),
            Fact(messages.PRINT_PEOPLE_TRAINED(), report.people_trained),
            Fact(messages.PRINT_JP_CREDITED(), report.total_jp),
            Fact(messages.PRINT_MEETING_MINIMUM(), report.staff_meeting_minimum),
            Fact(messages.PRINT_MEETING_MINIMUM_PCT(), report.share_meeting_minimum_pct, "percent"),
        ],
    )
    mix = Section(
        messages.PRINT_MIX(),
        columns=[
            Column(messages.PRINT_CATEGORY(), width=34),
            Column(messages.PRINT_JP(), "number", 10),
            Column(messages.PRINT_MIX_ACTUAL(), "percent"),
            Column(messages.PRINT_MIX_TARGET(), "percent"),
        ],
        rows=[
            (_category(c), getattr(report.jp, c), getattr(report.mix_pct, c), getattr(report.target_mix_pct, c))
            for c in CATEGORIES
        ],
        total=(shared.TOTAL(), report.total_jp, None, None),
        chart=Chart(messages.PRINT_MIX_CHART(), series=(2, 3)),
    )
    itself = (report.institution_name, report.active_pns, report.people_trained, report.total_jp)
    rows: list[tuple[Value, ...]] = [(*itself, report.staff_meeting_minimum, report.share_meeting_minimum_pct)]
    rows += [
        (u.name, u.active_pns, u.people_trained, u.total_jp, u.staff_meeting_minimum, u.share_meeting_minimum_pct)
        for u in report.units
    ]
    units = Section(
        messages.PRINT_UNITS(),
        columns=[
            Column(messages.PRINT_UNIT(), width=34),
            Column(messages.PRINT_ACTIVE_PNS(), "number", 9),
            Column(messages.PRINT_PEOPLE_TRAINED(), "number", 9),
            Column(messages.PRINT_JP(), "number", 9),
            Column(messages.PRINT_MEETING_MINIMUM(), "number", 9),
            Column(messages.PRINT_MEETING_MINIMUM_PCT(), "percent", 11),
        ],
        rows=rows,
        chart=Chart(messages.PRINT_UNITS_CHART(), series=(5,)),
    )
    return Report(
        title=messages.PRINT_COMPLIANCE_TITLE(),
        lines=lines,
        sections=[summary, mix, units],
        filename=messages.PRINT_COMPLIANCE_FILE(name=report.institution_name, year=report.year),
    )


def cohort(report: CohortReport) -> Report:
    """The participant list (daftar peserta) of a cohort, and its seats for regional and DOB staff."""
    participants = Section(
        messages.PRINT_PARTICIPANTS(),
        columns=[
            Column(messages.PRINT_NUMBER(), "number", 4),
            Column(messages.PRINT_NIP(), width=17),
            Column(messages.PRINT_NAME(), width=21),
            Column(messages.PRINT_INSTITUTION_COLUMN(), width=20),
            Column(messages.PRINT_SEAT_CLASS(), width=9),
            Column(messages.PRINT_STATUS(), width=16),
            Column(messages.PRINT_JP(), "number", 5),
        ],
        rows=[
            (n, p.nip, p.name, p.institution_name, _seat_class(p.seat_class), _status(p), p.attended_jp)
            for n, p in enumerate(report.participants, start=1)
        ],
    )
    taken = report.taken.model_dump()
    seats = Section(
        messages.PRINT_SEATS(),
        facts=[
            Fact(messages.PRINT_CAPACITY(), report.capacity),
            *(Fact(messages.PRINT_TAKEN_CLASS(seat_class=_seat_class(k)), taken[k]) for k in taken),
        ],
        columns=[
            Column(messages.PRINT_SHARE_OF(), width=26),
            Column(messages.PRINT_REQUIRED_SEATS(), "number", 10),
            Column(messages.PRINT_REQUIRED_PCT(), "percent", 10),
            Column(messages.PRINT_TAKEN_SEATS(), "number", 10),
            Column(messages.PRINT_ACHIEVED_PCT(), "percent", 10),
            Column(messages.PRINT_MET(), width=9),
        ],
        rows=[
            (
                messages.PRINT_SHARES[k](),
                share.required_seats,
                share.required_pct,
                share.taken_seats,
                share.achieved_pct,
                messages.PRINT_YES() if share.met else messages.PRINT_NO(),
            )
            for k, share in (("regional", report.regional), ("dob", report.dob))
        ],
        chart=Chart(messages.PRINT_SEATS_CHART(), series=(2, 4)),
    )
    return Report(
        title=messages.PRINT_PARTICIPANTS_TITLE(),
        lines=[
            messages.PRINT_PROGRAM(title=report.program_title, jp=report.hours_jp),
            messages.PRINT_COHORT(name=report.cohort_name),
            messages.PRINT_PROVIDER(name=report.provider_name or report.provider_id),
            messages.PRINT_DATES(starts=long_date(report.starts_on), ends=long_date(report.ends_on)),
        ],
        sections=[participants, seats],
        filename=messages.PRINT_PARTICIPANTS_FILE(program=report.program_title, cohort=report.cohort_name),
    )


def regional_share(report: RegionalShareReport) -> Report:
    """Per K/L: the seats its cohorts reserved for regional staff against the seats they took."""

    def row(name: str, f: ShareFigures) -> tuple[Value, ...]:
        required, taken = (f.required_seats, f.required_pct), (f.regional_seats, f.achieved_pct)
        return (name, f.cohorts, f.capacity, *required, *taken, f.dob_seats, f.cohorts_met)

    ministries = Section(
        messages.PRINT_SHARE_SECTION(),
        columns=[
            Column(messages.PRINT_MINISTRY(), width=28),
            Column(messages.PRINT_COHORTS(), "number", 9),
            Column(messages.PRINT_CAPACITY(), "number", 9),
            Column(messages.PRINT_REQUIRED_SEATS(), "number", 10),
            Column(messages.PRINT_REQUIRED_PCT(), "percent", 11),
            Column(messages.PRINT_REGIONAL_TAKEN(), "number", 10),
            Column(messages.PRINT_ACHIEVED_PCT(), "percent", 10),
            Column(messages.PRINT_DOB_TAKEN(), "number", 9),
            Column(messages.PRINT_COHORTS_MET(), "number", 10),
        ],
        rows=[row(m.name, m) for m in report.ministries],
        total=row(shared.TOTAL(), report.total),
        chart=Chart(messages.PRINT_SHARE_CHART(), series=(4, 6)),
    )
    return Report(
        title=messages.PRINT_SHARE_TITLE(),
        lines=[messages.PRINT_YEAR(year=report.year), messages.PRINT_SHARE_SCOPES[report.scope]()],
        sections=[ministries],
        filename=messages.PRINT_SHARE_FILE(year=report.year),
        landscape=True,
    )


def dob(report: DobReport) -> Report:
    """Per DOB province, then per regency/city of each: staff, people trained, coverage, JP, seats, funding."""
    columns = [
        Column(messages.PRINT_DOB_REGION(), width=28),
        Column(messages.PRINT_ACTIVE_STAFF(), "number", 10),
        Column(messages.PRINT_PEOPLE_TRAINED(), "number", 9),
        Column(messages.PRINT_COVERAGE(), "percent", 10),
        Column(messages.PRINT_JP(), "number", 8),
        Column(messages.PRINT_SEATS_TAKEN(), "number", 8),
        *(
            Column(messages.PRINT_FUNDING_STATES[state](), "number", 10)
            for state in ("reserved", "confirmed", "rejected")
        ),
    ]

    def row(u: DobUnit) -> tuple[Value, ...]:
        funding = (u.funding.reserved, u.funding.confirmed, u.funding.rejected)
        return (u.name, u.active_staff, u.people, u.coverage_pct, u.jp, u.seats_taken, *funding)

    provinces = Section(
        messages.PRINT_DOB_PROVINCES(),
        columns=columns,
        rows=[row(p) for p in report.provinces],
        chart=Chart(messages.PRINT_DOB_CHART(), series=(3,)),
    )
    units = [
        Section(messages.PRINT_DOB_UNITS(province=p.name), columns=columns, rows=[row(u) for u in p.units])
        for p in report.provinces
    ]
    return Report(
        title=messages.PRINT_DOB_TITLE(),
        lines=[messages.PRINT_YEAR(year=report.year)],
        sections=[provinces, *units],
        filename=messages.PRINT_DOB_FILE(year=report.year),
    )


def plan(report: PlanReport) -> Report:
    """A development plan against what was realized: in all, per 10:20:70 category and per item."""
    name = report.institution_name or str(report.institution_id)
    status = messages.PRINT_PLAN_STATUS[report.status]()
    horizon = messages.HORIZON_NAMES[report.horizon]()
    lines = [
        messages.PRINT_INSTITUTION(name=name),
        messages.PRINT_PLAN(
            horizon=horizon, first=report.first_year, last=report.last_year, revision=report.revision, status=status
        ),
        *([messages.PRINT_IN_FORCE()] if report.in_force else []),
    ]
    summary = Section(
        messages.PRINT_SUMMARY(),
        facts=[
            Fact(messages.PRINT_PEOPLE_PLANNED(), report.people_planned),
            Fact(messages.PRINT_PEOPLE_TRAINED(), report.people_trained),
            Fact(messages.PRINT_PLANNED_JP(), report.planned_jp),
            Fact(messages.PRINT_REALIZED_JP(), report.realized_jp),
            Fact(messages.PRINT_PLANNED_COST(), report.planned_cost_idr, "rupiah"),
            Fact(messages.PRINT_REALIZED_COST(), report.realized_cost_idr, "rupiah"),
            Fact(messages.PRINT_COMPLETIONS(), report.completions),
            Fact(messages.PRINT_ITEMS_NOT_STARTED(), len(report.items_not_started)),
        ],
    )
    categories = Section(
        messages.PRINT_PLAN_CATEGORIES(),
        columns=[
            Column(messages.PRINT_CATEGORY(), width=30),
            *_realization_columns(jp_width=10, cost_width=16),
            Column(messages.PRINT_PLANNED_MIX(), "percent", 11),
            Column(messages.PRINT_REALIZED_MIX(), "percent", 11),
            Column(messages.PRINT_MIX_TARGET(), "percent", 10),
        ],
        rows=[_category_realization(report, c) for c in CATEGORIES],
        total=(shared.TOTAL(), *_realization(report), None, None, None),
        chart=Chart(messages.PRINT_PLAN_CHART(), series=(1, 2)),
    )
    items = Section(
        messages.PRINT_PLAN_ITEMS(),
        columns=[
            Column(messages.PRINT_NUMBER(), "number", 5),
            Column(messages.PRINT_WHO(), width=19),
            Column(messages.PRINT_COMPETENCY(), width=26),
            Column(messages.PRINT_PATTERN(), width=20),
            Column(messages.PRINT_TARGET_YEAR(), width=6),
            *_realization_columns(jp_width=9, cost_width=15),
            Column(messages.PRINT_PROGRESS(), width=11),
        ],
        rows=[_item(n, item) for n, item in enumerate(report.items, start=1)],
    )
    return Report(
        title=messages.PRINT_PLAN_TITLE(),
        lines=lines,
        sections=[summary, categories, items],
        filename=messages.PRINT_PLAN_FILE(
            name=name, first=report.first_year, last=report.last_year, revision=report.revision
        ),
        landscape=True,
    )


def _category_realization(report: PlanReport, category: str) -> tuple[Value, ...]:
    done = getattr(report.categories, category)
    mixes = (report.planned_mix_pct, report.realized_mix_pct, report.target_mix_pct)
    return (_category(category), *_realization(done), *(getattr(mix, category) for mix in mixes))


def _item(n: int, item: ItemRealization) -> tuple[Value, ...]:
    group = item.target_group
    who = item.nip if group is None else messages.PRINT_GROUP(kind=_position(group.position_kind), count=group.count)
    return (
        n,
        who,
        item.competency_name,
        messages.CERTIFICATE_PATTERN_NAMES[item.pattern](),
        str(item.target_year),
        *_realization(item),
        messages.PRINT_ITEM_STATUS[item.status](),
    )


def _realization_columns(*, jp_width: int, cost_width: int) -> list[Column]:
    """Planned and realized JP, then planned and realized cost: the figures `_realization` gives."""
    return [
        Column(messages.PRINT_PLANNED_JP(), "number", jp_width),
        Column(messages.PRINT_REALIZED_JP(), "number", jp_width),
        Column(messages.PRINT_PLANNED_COST(), "rupiah", cost_width),
        Column(messages.PRINT_REALIZED_COST(), "rupiah", cost_width),
    ]


def _realization(r: Realization) -> tuple[Value, ...]:
    return (r.planned_jp, r.realized_jp, r.planned_cost_idr, r.realized_cost_idr)


def _category(category: str) -> str:
    return messages.PRINT_CATEGORIES[category]()


def _seat_class(seat_class: str) -> str:
    return messages.PRINT_SEAT_CLASSES[seat_class]()


def _position(kind: str) -> str:
    return messages.PRINT_POSITION_KINDS[kind]()


def _status(p: Participant) -> str:
    """Reserved, confirmed, passed, did not pass or did not attend."""
    if p.status == "completed":
        return messages.PRINT_PARTICIPANT_STATUS["passed" if p.passed else "failed"]()
    return messages.PRINT_PARTICIPANT_STATUS[p.status]()
