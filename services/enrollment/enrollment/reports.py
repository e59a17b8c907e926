"""The competency ledger: JP per person and institution, the 10:20:70 mix, cohort shares, DOB picture."""

from __future__ import annotations

from collections import defaultdict
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from enrollment import enrollments, messages, replica
from enrollment.domain import development
from enrollment.domain.jp import MINIMUM_JP_PER_YEAR, PPPK_MAXIMUM_JP, pppk_maximum_applies
from enrollment.models import CivilServant, Cohort, Enrollment, Institution, Program
from enrollment.schemas import (
    CategoryJp,
    CategoryPct,
    CivilServantReport,
    CohortReport,
    DobProvince,
    DobReport,
    DobUnit,
    FundingCounts,
    InstitutionReport,
    Participant,
    Predecessor,
    SeatCounts,
    ShareAchieved,
    UnitCompliance,
)
from sinergi_shared.auth import Principal
from sinergi_shared.db import columns_of
from sinergi_shared.problems import Forbidden, NotFound

CATEGORIES = ("formal", "social", "experiential")


def _pct(part: int | float, whole: int | float) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


async def _jp_by_category(session: AsyncSession, year: int, *conditions: object) -> dict[str, int]:
    """Credited JP of the year (completions that passed, in cohorts that ended then), per 10:20:70 category."""
    rows = await session.execute(
        select(Program.category, func.coalesce(func.sum(Enrollment.attended_jp), 0))
        .join(Program, Program.id == Enrollment.program_id)
        .where(enrollments.CREDITED, enrollments.ended_in(year), *conditions)  # type: ignore[arg-type]
        .group_by(Program.category)
    )
    jp = dict.fromkeys(CATEGORIES, 0)
    for category, total in rows:
        jp[category] = int(total)
    return jp


async def civil_servant_report(
    session: AsyncSession, *, principal: Principal, nip: str, year: int
) -> CivilServantReport:
    """One person's year: credited JP per category, against the PNS minimum or the PPPK maximum."""
    servant = await replica.civil_servant(session, nip)
    # Personal data: another institution's civil servant is reported as not found.
    if servant is None or not principal.may_reach(servant.institution_id):
        raise NotFound(messages.CIVIL_SERVANT_NOT_FOUND(nip=nip))
    jp = await _jp_by_category(session, year, Enrollment.nip == nip)
    count = await session.scalar(
        select(func.count()).where(Enrollment.nip == nip, Enrollment.status == "completed", enrollments.ended_in(year))
    )
    total = sum(jp.values())
    pns = servant.employment == "PNS"
    bound = pppk_maximum_applies(employment=servant.employment, position_level=servant.position_level)
    return CivilServantReport(
        nip=nip,
        year=year,
        institution_id=servant.institution_id,
        employment=servant.employment,
        jp=CategoryJp(**jp),
        total_jp=total,
        minimum_jp=MINIMUM_JP_PER_YEAR if pns else None,
        minimum_met=total >= MINIMUM_JP_PER_YEAR if pns else None,
        pppk_maximum_jp=PPPK_MAXIMUM_JP if bound else None,
        above_pppk_maximum=bound and total > PPPK_MAXIMUM_JP,
        completed_enrollments=int(count or 0),
    )


async def institution_report(
    session: AsyncSession, *, principal: Principal, institution_id: UUID, year: int
) -> InstitutionReport:
    """People trained, JP, the 10:20:70 mix and the 20 JP share of an institution, and of each of its child units."""
    # Institutions are public reference data, so a foreign one is forbidden rather than hidden.
    if not principal.may_reach(institution_id):
        raise Forbidden(messages.REPORT_OWN_INSTITUTION())
    institution = await replica.institution(session, institution_id)
    if institution is None:
        raise NotFound(messages.INSTITUTION_NOT_FOUND(id=institution_id))
    # A successor carries its predecessors' history: their participants' training counts as its own.
    predecessors = await replica.predecessors(session, institution_id)
    reported = Enrollment.institution_id.in_([institution_id, *(p.id for p in predecessors)])
    jp = await _jp_by_category(session, year, reported)
    people = await session.scalar(
        select(func.count(func.distinct(Enrollment.nip))).where(
            reported, enrollments.CREDITED, enrollments.ended_in(year)
        )
    )
    staff = await replica.active_headcount(session, institution_id)
    pns = staff.get("PNS", 0)
    meeting = (await _meeting_minimum(session, [institution_id], year)).get(institution_id, 0)
    total = sum(jp.values())
    return InstitutionReport(
        institution_id=institution_id,
        institution_name=institution.name,
        year=year,
        predecessors=[Predecessor.model_validate(p) for p in predecessors],
        people_trained=int(people or 0),
        jp=CategoryJp(**jp),
        total_jp=total,
        mix_pct=CategoryPct(**{c: _pct(jp[c], total) for c in CATEGORIES}),
        target_mix_pct=CategoryPct(**{c: float(v) for c, v in development.TARGET_MIX_PCT.items()}),
        active_staff=sum(staff.values()),
        active_pns=pns,
        staff_meeting_minimum=meeting,
        share_meeting_minimum_pct=_pct(meeting, pns),
        units=await _units(session, institution_id, year),
    )


async def _meeting_minimum(session: AsyncSession, institution_ids: list[UUID], year: int) -> dict[UUID, int]:
    """Per institution, its active PNS with at least 20 JP credited in the year."""
    # A person's yearly JP counts every credited completion, whoever nominated them; the minimum is for PNS.
    per_person = (
        select(CivilServant.institution_id, Enrollment.nip, func.sum(Enrollment.attended_jp).label("jp"))
        .join(CivilServant, CivilServant.nip == Enrollment.nip)
        .where(
            CivilServant.institution_id.in_(institution_ids),
            CivilServant.status == "active",
            CivilServant.employment == "PNS",
            enrollments.CREDITED,
            enrollments.ended_in(year),
        )
        .group_by(CivilServant.institution_id, Enrollment.nip)
        .subquery()
    )
    rows = await session.execute(
        select(per_person.c.institution_id, func.count())
        .where(per_person.c.jp >= MINIMUM_JP_PER_YEAR)
        .group_by(per_person.c.institution_id)
    )
    return {inst: int(n) for inst, n in rows}


async def _headcounts(session: AsyncSession, institution_ids: list[UUID]) -> dict[UUID, dict[str, int]]:
    """Per institution, its active staff per employment (PNS, PPPK)."""
    rows = await session.execute(
        select(CivilServant.institution_id, CivilServant.employment, func.count())
        .where(CivilServant.institution_id.in_(institution_ids), CivilServant.status == "active")
        .group_by(CivilServant.institution_id, CivilServant.employment)
    )
    counts: dict[UUID, dict[str, int]] = defaultdict(dict)
    for inst, employment, n in rows:
        counts[inst][employment] = int(n)
    return counts


async def _units(session: AsyncSession, institution_id: UUID, year: int) -> list[UnitCompliance]:
    """The institution's child units by name, each with its own staff's people trained, JP and 20 JP share."""
    units = list(
        await session.scalars(
            select(Institution)
            .where(Institution.parent_id == institution_id)
            .order_by(Institution.name, Institution.id)
        )
    )
    ids = [unit.id for unit in units]
    trained = {
        inst: (int(people), int(jp or 0))
        for inst, people, jp in await session.execute(
            select(
                Enrollment.institution_id, func.count(func.distinct(Enrollment.nip)), func.sum(Enrollment.attended_jp)
            )
            .where(Enrollment.institution_id.in_(ids), enrollments.CREDITED, enrollments.ended_in(year))
            .group_by(Enrollment.institution_id)
        )
    }
    staff = await _headcounts(session, ids)
    meeting = await _meeting_minimum(session, ids, year)
    return [
        UnitCompliance(
            institution_id=unit.id,
            name=unit.name,
            kind=unit.kind,
            people_trained=trained.get(unit.id, (0, 0))[0],
            total_jp=trained.get(unit.id, (0, 0))[1],
            active_pns=staff[unit.id].get("PNS", 0),
            staff_meeting_minimum=meeting.get(unit.id, 0),
            share_meeting_minimum_pct=_pct(meeting.get(unit.id, 0), staff[unit.id].get("PNS", 0)),
        )
        for unit in units
    ]


async def cohort_report(session: AsyncSession, *, principal: Principal, cohort_id: UUID) -> CohortReport:
    """Regional and DOB share achieved against what the cohort reserved, and its participants the caller may see."""
    cohort = await session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound(messages.COHORT_NOT_FOUND(id=cohort_id))
    program = await session.get_one(Program, cohort.program_id)
    provider = await replica.institution(session, program.provider_id)
    taken = cohort.taken()
    regional_taken = taken.regional + taken.dob

    def share(required: int, got: int) -> ShareAchieved:
        return ShareAchieved(
            required_seats=required,
            required_pct=_pct(required, cohort.capacity),
            taken_seats=got,
            achieved_pct=_pct(got, cohort.capacity),
            met=got >= required,
        )

    return CohortReport.model_validate(
        {
            **columns_of(cohort),
            "cohort_id": cohort.id,
            "cohort_name": cohort.name,
            "program_title": program.title,
            "hours_jp": program.hours_jp,
            "provider_id": program.provider_id,
            "provider_name": None if provider is None else provider.name,
            "regional": share(cohort.reserved_regional, regional_taken),
            "dob": share(cohort.dob_seats, taken.dob),
            "taken": SeatCounts(central=taken.central, regional=taken.regional, dob=taken.dob),
            "reservations_released": cohort.reservations_released_at is not None,
            "participants": await _participants(session, principal, cohort.id),
        }
    )


async def _participants(session: AsyncSession, principal: Principal, cohort_id: UUID) -> list[Participant]:
    """The cohort's seated participants by name, as far as the caller may see their enrollments."""
    stmt = (
        select(Enrollment, CivilServant.name, Institution.name)
        .outerjoin(CivilServant, CivilServant.nip == Enrollment.nip)
        .outerjoin(Institution, Institution.id == Enrollment.institution_id)
        .where(Enrollment.cohort_id == cohort_id, Enrollment.status.in_(development.SEATED_STATUSES))
        .order_by(CivilServant.name.nulls_last(), Enrollment.nip)
    )
    if not principal.crosses_institutions:
        # Personal data: the same enrollments GET /enrollments shows this caller.
        stmt = stmt.where(enrollments.visible_to(principal))
    return [
        Participant.model_validate(
            {**columns_of(e), "enrollment_id": e.id, "name": name, "institution_name": institution_name}
        )
        for e, name, institution_name in await session.execute(stmt)
    ]


async def dob_report(session: AsyncSession, *, year: int) -> DobReport:
    """Per DOB province and each of its regencies/cities: people, JP, seats and funding status."""
    provinces = list(
        await session.scalars(
            select(Institution)
            .where(Institution.kind == "province", Institution.is_new_autonomous_region.is_(True))
            .order_by(Institution.name)
        )
    )
    report = DobReport(year=year, provinces=[])
    for province in provinces:
        members = [
            province,
            *await session.scalars(
                select(Institution).where(Institution.parent_id == province.id).order_by(Institution.name)
            ),
        ]
        staff = await _headcounts(session, [m.id for m in members])
        units = [await _dob_unit(session, inst, year, sum(staff[inst.id].values())) for inst in members]
        people = await session.scalar(
            select(func.count(func.distinct(Enrollment.nip))).where(
                Enrollment.institution_id.in_([m.id for m in members]), enrollments.CREDITED, enrollments.ended_in(year)
            )
        )
        active_staff = sum(u.active_staff for u in units)
        report.provinces.append(
            DobProvince(
                institution_id=province.id,
                name=province.name,
                kind=province.kind,
                people=int(people or 0),
                jp=sum(u.jp for u in units),
                seats_taken=sum(u.seats_taken for u in units),
                active_staff=active_staff,
                coverage_pct=_pct(int(people or 0), active_staff),
                funding=FundingCounts(
                    reserved=sum(u.funding.reserved for u in units),
                    confirmed=sum(u.funding.confirmed for u in units),
                    rejected=sum(u.funding.rejected for u in units),
                ),
                units=units,
            )
        )
    return report


async def _dob_unit(session: AsyncSession, inst: Institution, year: int, active_staff: int) -> DobUnit:
    """One DOB unit's year: enrollments by status, and the people and JP credited, over its active staff."""
    rows = await session.execute(
        select(
            Enrollment.status,
            func.count(),
            func.count(func.distinct(Enrollment.nip)).filter(enrollments.CREDITED),
            func.sum(Enrollment.attended_jp).filter(enrollments.CREDITED),
        )
        .where(Enrollment.institution_id == inst.id, enrollments.ended_in(year))
        .group_by(Enrollment.status)
    )
    counts: dict[str, int] = defaultdict(int)
    people = jp = 0
    for status, n, distinct_people, attended in rows:
        counts[status] = int(n)
        if status == "completed":
            people, jp = int(distinct_people), int(attended or 0)
    return DobUnit(
        institution_id=inst.id,
        name=inst.name,
        kind=inst.kind,
        people=people,
        jp=jp,
        seats_taken=sum(counts[s] for s in development.SEATED_STATUSES),
        active_staff=active_staff,
        coverage_pct=_pct(people, active_staff),
        funding=FundingCounts(
            reserved=counts["reserved"],
            confirmed=counts["confirmed"] + counts["completed"] + counts["no_show"],
            rejected=counts["rejected"],
        ),
    )
