"""Pure enrollment rules besides the seats: patterns, categories, life cycle, completion outcome."""

from __future__ import annotations

from typing import Literal

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

# SPEC section 1: the default 10:20:70 category of each development pattern.
DEFAULT_CATEGORY: dict[str, Category] = {
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
MINIMUM_JP_PER_YEAR = 20  # PP 11/2017 art. 203, for PNS
PPPK_MAXIMUM_JP = 24

PROVIDER_KINDS = frozenset({"training_unit", "ministry", "agency"})
MINISTRY_KINDS = frozenset({"ministry", "agency"})

OPEN_STATUSES: tuple[EnrollmentStatus, ...] = ("waitlisted", "reserved", "confirmed")
# Statuses that occupy a seat: the cohort counters count exactly these rows.
SEATED_STATUSES: tuple[EnrollmentStatus, ...] = ("reserved", "confirmed", "completed", "no_show")
# A NIP is "active in the cohort" unless its enrollment there ended without a seat.
INACTIVE_STATUSES: tuple[EnrollmentStatus, ...] = ("cancelled", "rejected")


def default_share_pct(location: str) -> int:
    """Central BPSDM trainings reserve 30% of seats for regional staff; regional cohorts none."""
    return 30 if location == "central" else 0


def completion_outcome(*, attended_jp: int, passed: bool) -> Literal["completed", "no_show"]:
    """Nobody attended and nobody passed: a no-show; anything else is a completion."""
    return "no_show" if attended_jp == 0 and not passed else "completed"


def provider_ministry(*, provider_id: object, kind: str, parent_id: object) -> object:
    """The K/L a provider belongs to: itself when it is a ministry/agency, else its parent."""
    return provider_id if kind in MINISTRY_KINDS else parent_id
