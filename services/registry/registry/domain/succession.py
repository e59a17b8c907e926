"""Succession rules: who may carry on an institution's work (a ministry split or merged). No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta, timezone
from uuid import UUID

from registry import messages
from registry.domain.hierarchy import MINISTRY_KINDS, REGIONAL_KINDS

# WIT (UTC+9), Indonesia's easternest time: a day that has begun anywhere in Indonesia is not in the future.
INDONESIA_EASTERNMOST = timezone(timedelta(hours=9), "WIT")


@dataclass(frozen=True)
class Party:
    """What the rules need to know about the succeeded institution or a successor."""

    id: UUID
    code: str
    kind: str
    sector: str
    status: str


def tier(kind: str, sector: str) -> str:
    """The kind of body a successor must be: a K/L by a K/L, a Pemda by a Pemda, a training unit by its like."""
    if kind in MINISTRY_KINDS:
        return "k/l"
    if kind in REGIONAL_KINDS:
        return "pemda"
    return f"{sector}_training_unit"


def succession_problems(
    *,
    institution: Party,
    successor_ids: list[UUID],
    successors: dict[UUID, Party],
    predecessor_ids: set[UUID],
    effective_on: date,
    today: date,
) -> list[tuple[str, str]]:
    """(field, message) for every rule the succession would break; `successors` holds the ones that exist.

    `predecessor_ids` are the institutions the succeeded one itself carries on from (transitively).
    """
    problems: list[tuple[str, str]] = []
    wanted = tier(institution.kind, institution.sector)
    for successor_id in successor_ids:
        successor = successors.get(successor_id)
        if successor is None:
            problems.append(("successor_ids", messages.SUCCESSOR_UNKNOWN(id=successor_id)))
        elif successor_id == institution.id:
            problems.append(("successor_ids", messages.SUCCESSOR_SELF()))
        elif successor_id in predecessor_ids:
            problems.append(("successor_ids", messages.SUCCESSION_LOOP(code=successor.code)))
        elif successor.status != "active":
            problems.append(("successor_ids", messages.SUCCESSOR_INACTIVE(code=successor.code)))
        elif tier(successor.kind, successor.sector) != wanted:
            names = messages.SUCCESSOR_TIERS
            refusal = messages.SUCCESSOR_TIER(
                code=successor.code, tier=names[tier(successor.kind, successor.sector)](), wanted=names[wanted]()
            )
            problems.append(("successor_ids", refusal))
    if effective_on > today:
        problems.append(("effective_on", messages.SUCCESSION_IN_FUTURE()))
    return problems
