"""The SIASN export (SPEC §5b): an institution's passed completions as SIASN training-history rows, JSON or CSV.

SIASN's field names and where they were found are in enrollment/domain/siasn.py; what cannot be made without
guessing (a mapping the operator has not set, no certificate) is listed with what is missing, never filled in.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from enrollment import enrollments, messages, replica, siasn_mappings
from enrollment.domain.siasn import FIELDS, Completion, History, history_of, row_of
from enrollment.models import Certificate, Cohort, Enrollment, Institution, Program
from enrollment.siasn_schemas import SiasnExport, Unmapped
from sinergi_shared.auth import Principal
from sinergi_shared.problems import Forbidden, NotFound

Provider = aliased(Institution)


async def export(
    session: AsyncSession, *, principal: Principal, institution_id: UUID, first: date, last: date, history: History
) -> SiasnExport:
    """The institution's passed completions whose cohort ended from `first` to `last`, in one SIASN history."""
    # Institutions are public reference data, so a foreign one is forbidden rather than hidden (as its reports).
    if not principal.may_reach(institution_id):
        raise Forbidden(messages.SIASN_OWN_INSTITUTION())
    if await replica.institution(session, institution_id) is None:
        raise NotFound(messages.INSTITUTION_NOT_FOUND(id=institution_id))
    refs = await siasn_mappings.references(session)
    rows, unmapped = [], []
    for completion in await completions(session, institution_id=institution_id, first=first, last=last):
        if history_of(completion, refs) != history:
            continue
        row, missing = row_of(completion, refs)
        if row is not None:
            rows.append(row)
            continue
        unmapped.append(
            Unmapped(
                enrollment_id=completion.enrollment_id,
                nip=completion.nip,
                program_id=completion.program_id,
                pattern=completion.pattern,
                missing=missing,
            )
        )
    return SiasnExport(
        institution_id=institution_id, history=history, fields=list(FIELDS[history]), rows=rows, unmapped=unmapped
    )


async def completions(session: AsyncSession, *, institution_id: UUID, first: date, last: date) -> list[Completion]:
    """Passed completions of the institution's civil servants in cohorts that ended in the window, oldest first."""
    result = await session.execute(
        select(
            Enrollment.id,
            Enrollment.nip,
            Enrollment.attended_jp,
            Program.id.label("program_id"),
            Program.title,
            Program.pattern,
            Program.provider_id,
            Provider.name.label("provider_name"),
            Cohort.starts_on,
            Cohort.ends_on,
            Certificate.number,
            Certificate.status,
        )
        .join(Program, Program.id == Enrollment.program_id)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .outerjoin(Provider, Provider.id == Program.provider_id)
        .outerjoin(Certificate, Certificate.enrollment_id == Enrollment.id)
        .where(
            enrollments.CREDITED,
            Enrollment.institution_id == institution_id,
            Cohort.ends_on >= first,
            Cohort.ends_on <= last,
        )
        .order_by(Cohort.ends_on, Enrollment.nip, Enrollment.id)
    )
    return [
        Completion(
            enrollment_id=r.id,
            nip=r.nip,
            institution_id=institution_id,
            program_id=r.program_id,
            title=r.title,
            pattern=r.pattern,
            provider_id=r.provider_id,
            provider_name=r.provider_name,
            jp=r.attended_jp or 0,
            starts_on=r.starts_on,
            ends_on=r.ends_on,
            certificate_number=r.number,
            certificate_revoked=r.status == "revoked",
        )
        for r in result
    ]


def as_csv(report: SiasnExport) -> str:
    """The rows as CSV (RFC 4180, comma, UTF-8): a header of SIASN field names, then one line per row."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=report.fields, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(report.rows)
    return out.getvalue()
