"""The routing and decision rules (pure, no I/O)."""

from __future__ import annotations

import itertools
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from funding import messages
from funding.domain.routing import (
    SOURCES,
    Decision,
    LineFigures,
    Reason,
    Refusal,
    Route,
    decide,
    line_terms_problem,
    may_approve,
    route_activity,
    route_enrollment,
)

PARTICIPANT = uuid.UUID(int=1)
PROVIDER_KL = uuid.UUID(int=2)
PROVIDER_PEMDA = uuid.UUID(int=3)


def expected_route(source: str, sector: str, dob: bool, provider_sector: str = "central") -> Route | Reason:
    """The rule of SPEC section 6, written out once more for the table."""
    if provider_sector == "regional":
        if sector == "central":
            return Reason.SOURCE_NOT_ALLOWED
        return Route(PARTICIPANT, "APBD", "general", requires_coordinator=False)
    if dob:
        return Route(PROVIDER_KL, "APBN", "dob_facilitation", requires_coordinator=True)
    if source == "APBD":
        if sector == "central":
            return Reason.SOURCE_NOT_ALLOWED
        return Route(PARTICIPANT, "APBD", "general", requires_coordinator=False)
    return Route(PROVIDER_KL, source, "general", requires_coordinator=False)  # type: ignore[arg-type]


def route(source: str, sector: str, *, dob: bool = False, provider: str = "central") -> Route | Refusal:
    """Route the seat of a participant of `sector` at a provider of `provider` sector."""
    return route_enrollment(
        requested_source=source,  # type: ignore[arg-type]
        participant_institution_id=PARTICIPANT,
        participant_sector=sector,  # type: ignore[arg-type]
        is_dob=dob,
        provider_ministry_id=PROVIDER_KL if provider == "central" else PROVIDER_PEMDA,
        provider_sector=provider,  # type: ignore[arg-type]
    )


TABLE = [
    (source, sector, dob, provider, expected_route(source, sector, dob, provider))
    for source, sector, dob, provider in itertools.product(
        SOURCES, ("central", "regional"), (False, True), ("central", "regional")
    )
]


def test_table_covers_every_source_sector_dob_and_provider_combination() -> None:
    assert len(TABLE) == 4 * 2 * 2 * 2
    refused = [row[:4] for row in TABLE if row[4] == Reason.SOURCE_NOT_ALLOWED]
    # A central participant: asking APBD of a central provider, or anything of a regional one (APBD only).
    assert len(refused) == 1 + 4 * 2


@pytest.mark.parametrize(
    ("source", "sector", "dob", "provider", "expected"),
    TABLE,
    ids=[f"{s}-{c}-{'dob' if d else 'std'}-{p}-provider" for s, c, d, p, _ in TABLE],
)
def test_enrollment_routing(source: str, sector: str, dob: bool, provider: str, expected: Route | Reason) -> None:
    routed = route(source, sector, dob=dob, provider=provider)
    if isinstance(expected, Reason):
        assert isinstance(routed, Refusal)
        assert routed.reason == expected
    else:
        assert routed == expected


def test_central_participant_asking_apbd_is_refused_source_not_allowed() -> None:
    routed = route("APBD", "central")
    assert routed == Refusal(Reason.SOURCE_NOT_ALLOWED, messages.APBD_ONLY_REGIONAL())


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("dob", [False, True])
def test_a_regional_providers_seat_is_paid_from_the_participants_own_apbd_without_a_coordinator(
    source: str, dob: bool
) -> None:
    routed = route(source, "regional", dob=dob, provider="regional")
    assert routed == Route(PARTICIPANT, "APBD", "general", requires_coordinator=False)
    assert line_terms_problem(sector="regional", source=routed.source, purpose=routed.purpose) is None


def test_a_central_participant_of_a_regional_provider_is_refused_naming_the_regional_unit() -> None:
    routed = route("APBN", "central", provider="regional")
    assert isinstance(routed, Refusal) and routed.reason == Reason.SOURCE_NOT_ALLOWED
    assert routed.detail == messages.REGIONAL_PROVIDER_APBD()


@pytest.mark.parametrize(
    ("source", "sector", "dob", "provider", "expected"),
    [row for row in TABLE if isinstance(row[4], Route)],
)
def test_every_route_names_a_line_its_payer_may_hold(
    source: str, sector: str, dob: bool, provider: str, expected: Route
) -> None:
    payer_sector = sector if expected.payer_institution_id == PARTICIPANT else provider
    assert line_terms_problem(sector=payer_sector, source=expected.source, purpose=expected.purpose) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("sector", "source", "purpose", "allowed"),
    [
        ("regional", "APBD", "general", True),
        ("regional", "APBN", "general", False),
        ("regional", "BLU", "general", False),
        ("regional", "PNBP", "general", False),
        ("central", "APBD", "general", False),
        ("central", "APBN", "general", True),
        ("central", "BLU", "general", True),
        ("central", "PNBP", "general", True),
        ("central", "APBN", "dob_facilitation", True),
        ("central", "BLU", "dob_facilitation", False),
        ("regional", "APBD", "dob_facilitation", False),
    ],
)
def test_budget_line_terms_follow_the_sector(sector: str, source: str, purpose: str, allowed: bool) -> None:
    problem = line_terms_problem(sector=sector, source=source, purpose=purpose)  # type: ignore[arg-type]
    assert (problem is None) is allowed
    routed = route_activity(payer_institution_id=PARTICIPANT, payer_sector=sector, source=source, purpose=purpose)  # type: ignore[arg-type]
    assert isinstance(routed, Route) is allowed


def test_dob_facilitation_activity_needs_a_coordinator() -> None:
    routed = route_activity(
        payer_institution_id=PROVIDER_KL, payer_sector="central", source="APBN", purpose="dob_facilitation"
    )
    assert isinstance(routed, Route) and routed.requires_coordinator


GENERAL = Route(PROVIDER_KL, "APBN", "general", requires_coordinator=False)
DOB = Route(PROVIDER_KL, "APBN", "dob_facilitation", requires_coordinator=True)


@pytest.mark.parametrize(
    ("route", "line", "amount", "outcome", "reason"),
    [
        (GENERAL, None, 100, "reject", Reason.NO_BUDGET_LINE),
        (GENERAL, LineFigures(1000, 500, 400, 1000), 101, "reject", Reason.INSUFFICIENT_BUDGET),
        (GENERAL, LineFigures(1000, 500, 400, 1000), 100, "approve", None),
        (GENERAL, LineFigures(1000, 0, 0, 50), 50, "approve", None),
        (GENERAL, LineFigures(1000, 0, 0, 50), 51, "await_approval", None),
        (GENERAL, LineFigures(1000, 0, 0, 0), 1, "await_approval", None),
        (DOB, LineFigures(1000, 0, 0, 1000), 1, "await_approval", None),
        (DOB, None, 1, "reject", Reason.NO_BUDGET_LINE),
        (DOB, LineFigures(10, 5, 5, 1000), 1, "reject", Reason.INSUFFICIENT_BUDGET),
        (GENERAL, None, 0, "approve", None),
        (DOB, None, 0, "await_approval", None),
    ],
)
def test_decision(route: Route, line: LineFigures | None, amount: int, outcome: str, reason: Reason | None) -> None:
    decision = decide(route=route, line=line, amount_idr=amount)
    assert (decision.outcome, decision.reason) == (outcome, reason)


money = st.integers(min_value=0, max_value=10**13)


@given(ceiling=money, committed=money, realized=money, limit=money, amount=money, dob=st.booleans())
def test_decision_never_approves_more_than_available_nor_dob_without_coordinator(
    ceiling: int, committed: int, realized: int, limit: int, amount: int, dob: bool
) -> None:
    line = LineFigures(ceiling, committed, realized, limit)
    decision: Decision = decide(route=DOB if dob else GENERAL, line=line, amount_idr=amount)
    if decision.outcome == "approve":
        assert amount == 0 or (amount <= line.available_idr and amount <= limit and not dob)
    if decision.outcome == "reject":
        assert decision.reason == Reason.INSUFFICIENT_BUDGET and amount > line.available_idr


@pytest.mark.parametrize(
    ("requires_coordinator", "payer", "scopes", "allowed"),
    [
        (False, PROVIDER_KL, {"funding:approve"}, True),
        (False, PARTICIPANT, {"funding:approve"}, False),
        (False, PROVIDER_KL, {"funding:write"}, False),
        (False, PARTICIPANT, {"coordinator"}, True),
        (True, PROVIDER_KL, {"funding:approve"}, False),
        (True, PROVIDER_KL, {"coordinator"}, True),
        (True, PROVIDER_KL, {"admin"}, False),
    ],
)
def test_who_may_approve(requires_coordinator: bool, payer: uuid.UUID, scopes: set[str], allowed: bool) -> None:
    assert (
        may_approve(
            requires_coordinator=requires_coordinator,
            payer_institution_id=payer,
            caller_institution_id=PROVIDER_KL,
            scopes=frozenset(scopes),
        )
        is allowed
    )
