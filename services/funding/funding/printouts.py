"""The funding report as printed (XLSX and PDF), described for `sinergi_shared.printing`: every figure printed is a
figure of the JSON report of the same request; the words come from the catalogue, in the request's language."""

from __future__ import annotations

from funding import messages
from funding.schemas import Figures, FundingReport
from sinergi_shared import messages as shared
from sinergi_shared.printing import Chart, Column, Fact, Report, Section, Value

MONEY = ("ceiling_idr", "committed_idr", "realized_idr", "available_idr")


def funding(report: FundingReport) -> Report:
    """Ceilings and their use in all, by source and by institution; the DOB money by DOB province."""
    whose = messages.PRINT_ALL() if report.scope == "all" else messages.PRINT_INSTITUTION(name=_name(report))
    summary = Section(
        messages.PRINT_SUMMARY(),
        facts=[
            Fact(title, getattr(report.totals, field), "rupiah") for title, field in zip(_titles(), MONEY, strict=True)
        ],
    )
    by_source = Section(
        messages.PRINT_BY_SOURCE(),
        columns=_money_columns(messages.PRINT_SOURCE(), 16),
        rows=[(line.source, *_money(line)) for line in report.by_source],
        total=(shared.TOTAL(), *_money(report.totals)),
        chart=Chart(messages.PRINT_SOURCE_CHART(), series=(2, 3, 4), stacked=True),
    )
    by_institution = Section(
        messages.PRINT_BY_INSTITUTION(),
        columns=_money_columns(messages.PRINT_INSTITUTION_COLUMN(), 34),
        rows=[(row.institution_name or str(row.institution_id), *_money(row)) for row in report.by_institution],
        total=(shared.TOTAL(), *_money(report.totals)),
    )
    dob = report.dob
    provinces = Section(
        messages.PRINT_DOB(),
        facts=[
            Fact(messages.PRINT_DOB_TOTAL(), dob.total_idr, "rupiah"),
            Fact(messages.PRINT_DOB_OF_TOTAL(), dob.of_total_idr, "rupiah"),
            Fact(messages.PRINT_DOB_SHARE(), dob.share_pct, "percent"),
            Fact(messages.PRINT_DOB_REQUESTS(), dob.requests),
        ],
        columns=[
            Column(messages.PRINT_PROVINCE(), width=32),
            Column(messages.PRINT_COMMITTED(), "rupiah", 16),
            Column(messages.PRINT_REALIZED(), "rupiah", 16),
            Column(shared.TOTAL(), "rupiah", 16),
            Column(messages.PRINT_REQUESTS(), "number", 11),
            Column(messages.PRINT_PARTICIPANTS(), "number", 9),
        ],
        rows=[
            (
                p.name or messages.PRINT_NO_PROVINCE(),
                p.committed_idr,
                p.realized_idr,
                p.total_idr,
                p.requests,
                p.participants,
            )
            for p in dob.provinces
        ],
        total=(shared.TOTAL(), dob.committed_idr, dob.realized_idr, dob.total_idr, dob.requests, None),
        chart=Chart(messages.PRINT_DOB_CHART(), series=(1, 2), stacked=True),
    )
    scope = messages.PRINT_FILE_ALL() if report.scope == "all" else _name(report)
    return Report(
        title=messages.PRINT_TITLE(),
        lines=[messages.PRINT_YEAR(year=report.fiscal_year), whose],
        sections=[summary, by_source, by_institution, provinces],
        filename=messages.PRINT_FILE(scope=scope, year=report.fiscal_year),
    )


def _name(report: FundingReport) -> str:
    return report.institution_name or str(report.institution_id)


def _titles() -> list[str]:
    return [messages.PRINT_CEILING(), messages.PRINT_COMMITTED(), messages.PRINT_REALIZED(), messages.PRINT_AVAILABLE()]


def _money_columns(first: str, width: int) -> list[Column]:
    return [Column(first, width=width), *(Column(title, "rupiah", 16) for title in _titles())]


def _money(figures: Figures) -> tuple[Value, ...]:
    return tuple(getattr(figures, field) for field in MONEY)
