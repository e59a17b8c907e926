"""Funding routing and decision: who pays for a request, from which line, and what happens to it.

Pure rules, no I/O. The service looks up the budget line that `route_*` names and hands its
figures to `decide`; the atomic commitment itself happens in the database (see ledger.py).

Money on a line: `committed` is approved and not yet released or spent, `realized` was spent
(completion moves an amount from committed to realized), `available = ceiling − committed − realized`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal
from uuid import UUID

from funding import messages
from sinergi_shared.language import Text, rupiah

Source = Literal["APBN", "BLU", "PNBP", "APBD"]
Sector = Literal["central", "regional"]
Purpose = Literal["general", "dob_facilitation"]

SOURCES: tuple[Source, ...] = ("APBN", "BLU", "PNBP", "APBD")
CENTRAL_SOURCES: frozenset[str] = frozenset({"APBN", "BLU", "PNBP"})
REGIONAL_SOURCES: frozenset[str] = frozenset({"APBD"})
DOB_SOURCE: Source = "APBN"


class Reason(StrEnum):
    """Machine-readable reasons a request is refused."""

    NO_BUDGET_LINE = "no_budget_line"
    INSUFFICIENT_BUDGET = "insufficient_budget"
    SOURCE_NOT_ALLOWED = "source_not_allowed"
    APPROVAL_TIMEOUT = "approval_timeout"
    REJECTED_BY_APPROVER = "rejected_by_approver"


@dataclass(frozen=True)
class Route:
    """The line a request is charged to: payer × source × purpose, and whether a coordinator must approve."""

    payer_institution_id: UUID
    source: Source
    purpose: Purpose
    requires_coordinator: bool


@dataclass(frozen=True)
class Refusal:
    """A request that cannot be routed at all."""

    reason: Reason
    detail: str


def sources_allowed(sector: Sector) -> frozenset[str]:
    """APBD belongs to regional governments; APBN, BLU and PNBP to central K/L."""
    return REGIONAL_SOURCES if sector == "regional" else CENTRAL_SOURCES


def line_terms_problem(*, sector: Sector, source: Source, purpose: Purpose) -> str | None:
    """Why an institution of this sector may not hold such a budget line; None when it may."""
    if source not in sources_allowed(sector):
        owner = messages.SOURCE_OWNERS["APBD" if source == "APBD" else "central"]()
        return messages.SOURCE_NOT_OF_SECTOR(source=source, owner=owner, sector=messages.SECTOR_NAMES[sector]())
    if purpose == "dob_facilitation" and source != DOB_SOURCE:
        return messages.DOB_LINES_APBN()
    return None


def route_enrollment(
    *,
    requested_source: Source,
    participant_institution_id: UUID,
    participant_sector: Sector,
    is_dob: bool,
    provider_ministry_id: UUID,
    provider_sector: Sector,
) -> Route | Refusal:
    """Route a seat's cost: a regional provider's seat → APBD of the participant's own regional government;
    else DOB → provider K/L's dob_facilitation APBN line (coordinator approves); APBD → the participant's own
    regional government; APBN/BLU/PNBP → the provider's K/L."""
    if provider_sector == "regional":
        # A Pemda's BPSDM/BKPSDM has no K/L (hence no APBN, BLU, PNBP or DOB line): APBD pays, whatever was asked.
        return _apbd_of_participant(participant_institution_id, participant_sector, messages.REGIONAL_PROVIDER_APBD)
    if is_dob:
        # The special DOB mechanism overrides whatever the nominating region asked for.
        return Route(provider_ministry_id, DOB_SOURCE, "dob_facilitation", requires_coordinator=True)
    if requested_source == "APBD":
        return _apbd_of_participant(participant_institution_id, participant_sector)
    return Route(provider_ministry_id, requested_source, "general", requires_coordinator=False)


def _apbd_of_participant(
    participant_institution_id: UUID, participant_sector: Sector, refusal: Text = messages.APBD_ONLY_REGIONAL
) -> Route | Refusal:
    """The participant's own regional government pays from its APBD; a central participant has none."""
    if participant_sector != "regional":
        return Refusal(Reason.SOURCE_NOT_ALLOWED, refusal())
    return Route(participant_institution_id, "APBD", "general", requires_coordinator=False)


def route_activity(
    *, payer_institution_id: UUID, payer_sector: Sector, source: Source, purpose: Purpose
) -> Route | Refusal:
    """Route an activity-level cost to the payer's own line; DOB facilitation needs a coordinator."""
    problem = line_terms_problem(sector=payer_sector, source=source, purpose=purpose)
    if problem is not None:
        return Refusal(Reason.SOURCE_NOT_ALLOWED, problem)
    return Route(payer_institution_id, source, purpose, requires_coordinator=purpose == "dob_facilitation")


@dataclass(frozen=True)
class LineFigures:
    """What the decision needs to know about a budget line."""

    ceiling_idr: int
    committed_idr: int
    realized_idr: int
    auto_approve_limit_idr: int

    @property
    def available_idr(self) -> int:
        return self.ceiling_idr - self.committed_idr - self.realized_idr


Outcome = Literal["approve", "await_approval", "reject"]


@dataclass(frozen=True)
class Decision:
    """What to do with a freshly opened request; `approve` still has to win the atomic commit."""

    outcome: Outcome
    reason: Reason | None = None
    detail: str | None = None


def decide(*, route: Route, line: LineFigures | None, amount_idr: int) -> Decision:
    """No line or not enough left → reject; DOB or above the auto-approve limit → await; else approve."""
    if amount_idr == 0:
        # A free seat or activity commits nothing and needs no line; a DOB seat still needs its coordinator.
        return Decision("await_approval" if route.requires_coordinator else "approve")
    if line is None:
        return Decision(
            "reject",
            Reason.NO_BUDGET_LINE,
            messages.NO_BUDGET_LINE(purpose=route.purpose, source=route.source, institution=route.payer_institution_id),
        )
    if amount_idr > line.available_idr:
        return Decision(
            "reject",
            Reason.INSUFFICIENT_BUDGET,
            messages.INSUFFICIENT_BUDGET(requested=rupiah(amount_idr), available=rupiah(line.available_idr)),
        )
    if route.requires_coordinator or amount_idr > line.auto_approve_limit_idr:
        return Decision("await_approval")
    return Decision("approve")


def may_approve(
    *,
    requires_coordinator: bool,
    payer_institution_id: UUID | None,
    caller_institution_id: UUID,
    scopes: frozenset[str],
) -> bool:
    """DOB requests need a coordinator; others a funding:approve holder of the payer (or a coordinator)."""
    if "coordinator" in scopes:
        return True
    if requires_coordinator:
        return False
    return "funding:approve" in scopes and payer_institution_id == caller_institution_id
