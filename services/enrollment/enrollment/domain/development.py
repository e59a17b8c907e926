"""Pure enrollment rules besides the seats: patterns, categories, horizons, the regional share, life cycle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Literal

from enrollment import messages

Pattern = Literal[
    "technical_training",
    "functional_training",
    "apprenticeship",
    "regional_facilitation",
    "in_house_training",
    "coaching",
    "mentoring",
    "on_the_job",
]
Category = Literal["formal", "social", "experiential"]
Horizon = Literal["short", "medium", "long"]
Location = Literal["central", "regional"]
EnrollmentStatus = Literal["waitlisted", "reserved", "confirmed", "completed", "no_show", "rejected", "cancelled"]

# SPEC section 1 (Perlan LAN 6/2023 art. 18): the 10:20:70 category each development pattern fixes.
CATEGORY_OF_PATTERN: dict[str, Category] = {
    "technical_training": "formal",
    "functional_training": "formal",
    "regional_facilitation": "formal",
    "in_house_training": "formal",
    "coaching": "social",
    "mentoring": "social",
    "apprenticeship": "experiential",
    "on_the_job": "experiential",
}
TARGET_MIX_PCT: dict[Category, int] = {"formal": 10, "social": 20, "experiential": 70}

PROVIDER_KINDS = frozenset({"training_unit", "ministry", "agency"})
MINISTRY_KINDS = frozenset({"ministry", "agency"})

CENTRAL_SHARE_PCT = 30  # central BPSDM trainings hold 30% of seats for regional staff
# Jakarta time (WIB) is UTC+7 without daylight saving, so a fixed offset needs no time zone database.
WIB = timezone(timedelta(hours=7), "WIB")
# How many fiscal years after the current one a program of each horizon may be for (SPEC section 1).
HORIZON_YEARS_AHEAD: dict[str, int] = {"short": 1, "medium": 4, "long": 19}

OPEN_STATUSES: tuple[EnrollmentStatus, ...] = ("waitlisted", "reserved", "confirmed")
# Statuses that occupy a seat: the cohort counters count exactly these rows.
SEATED_STATUSES: tuple[EnrollmentStatus, ...] = ("reserved", "confirmed", "completed", "no_show")
# A NIP is "active in the cohort" unless its enrollment there ended without a seat.
INACTIVE_STATUSES: tuple[EnrollmentStatus, ...] = ("cancelled", "rejected")


def category_problem(*, pattern: str, category: str | None) -> str | None:
    """Why a program may not have this category; None when it is the pattern's own (or not given)."""
    fixed = CATEGORY_OF_PATTERN[pattern]
    if category is None or category == fixed:
        return None
    return messages.CATEGORY_FOLLOWS_PATTERN(pattern=pattern, fixed=fixed, category=category)


def current_fiscal_year(now: datetime) -> int:
    """The Indonesian fiscal year is the calendar year, as it stands in Jakarta."""
    return now.astimezone(WIB).year


def horizon_problem(*, horizon: str, fiscal_year: int, current_year: int) -> str | None:
    """Why a program of this horizon may not be for this fiscal year; None when it may."""
    last = current_year + HORIZON_YEARS_AHEAD[horizon]
    if current_year <= fiscal_year <= last:
        return None
    rule, name = messages.HORIZON_RULES[horizon](), messages.HORIZON_NAMES[horizon]()
    return messages.HORIZON_YEAR(horizon=name, rule=rule, first=current_year, last=last, fiscal_year=fiscal_year)


def cohort_dates_problem(*, starts_on: date, ends_on: date, fiscal_year: int) -> tuple[str, str] | None:
    """(field, message) when a cohort does not run inside its program's fiscal year (a calendar year)."""
    if ends_on < starts_on:
        return "ends_on", messages.ENDS_BEFORE_START()
    for field, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if day.year != fiscal_year:
            return field, messages.COHORT_OUTSIDE_FISCAL_YEAR(fiscal_year=fiscal_year)
    return None


def default_share_pct(*, location: str, provider_sector: str) -> int:
    """Central cohorts of central providers hold 30% for regional staff; others none (a regional unit
    trains its own region's staff)."""
    return CENTRAL_SHARE_PCT if location == "central" and provider_sector == "central" else 0


@dataclass(frozen=True)
class ShareRefusal:
    """Why a cohort may not have the regional share asked for."""

    field: str
    message: str
    forbidden: bool  # the caller may not do it (403), rather than the body being wrong (422)


def share_refusal(
    *, share_pct: int, default_pct: int, crosses_institutions: bool, reason: str | None
) -> ShareRefusal | None:
    """A provider may raise the default share; only a coordinator may lower it, and then says why."""
    if share_pct >= default_pct:
        if reason is not None:
            return ShareRefusal(
                "regional_share_reason", messages.SHARE_REASON_NOT_NEEDED(default_pct=default_pct), False
            )
        return None
    if not crosses_institutions:
        return ShareRefusal(
            "regional_share_pct",
            messages.SHARE_LOWERED_BY_COORDINATOR(default_pct=default_pct),
            True,
        )
    if reason is None or not reason.strip():
        return ShareRefusal("regional_share_reason", messages.SHARE_REASON_REQUIRED(default_pct=default_pct), False)
    return None


def completion_outcome(*, attended_jp: int, passed: bool) -> Literal["completed", "no_show"]:
    """Nobody attended and nobody passed: a no-show; anything else is a completion."""
    return "no_show" if attended_jp == 0 and not passed else "completed"


def provider_ministry(*, provider_id: object, kind: str, parent_id: object) -> object:
    """The K/L a provider belongs to: itself when it is a ministry/agency, else its parent."""
    # A regional BPSDM/BKPSDM belongs to its Pemda: the government that owns it, pays for it and speaks for it.
    return provider_id if kind in MINISTRY_KINDS else parent_id
