"""The institution hierarchy: which kind may stand under which, sectors, region codes. No I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass

from registry import messages
from registry.domain.regions import bps_code_problem, region_code_problem
from sinergi_shared.payloads import Sector

MINISTRY_KINDS: frozenset[str] = frozenset({"ministry", "agency"})
REGIONAL_KINDS: frozenset[str] = frozenset({"province", "regency", "city"})
# Which kinds of parent each kind accepts; an empty set means the kind stands at the top.
PARENT_KINDS: dict[str, frozenset[str]] = {
    "ministry": frozenset(),
    "agency": frozenset(),
    # A K/L's BPSDM or Pusdiklat, or a Pemda's own: a province's BPSDM, a regency's or city's BKPSDM.
    "training_unit": MINISTRY_KINDS | REGIONAL_KINDS,
    "province": frozenset(),
    "regency": frozenset({"province"}),
    "city": frozenset({"province"}),
}
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._/-]{1,63}$")


def sector_of(kind: str, parent_kind: str | None = None) -> Sector:
    """K/L and their units are central; Pemda and their units (a regional BPSDM or BKPSDM) are regional."""
    if kind in REGIONAL_KINDS or (kind == "training_unit" and parent_kind in REGIONAL_KINDS):
        return "regional"
    return "central"


def _parents_wanted(kind: str) -> str:
    """The parents a kind accepts, as a reader would name them."""
    if kind == "training_unit":
        return messages.PARENTS_OF_TRAINING_UNIT()
    return messages.PARENTS_OF_LOCAL_GOVERNMENT()


def _named(kind: str) -> str:
    """A kind as a clerk names it: kabupaten, not regency."""
    return messages.KIND_NAMES[kind]()


@dataclass(frozen=True)
class ParentView:
    """What the hierarchy rules need to know about a proposed parent."""

    kind: str
    status: str
    region_code: str | None


def hierarchy_problems(
    *,
    kind: str,
    parent: ParentView | None,
    parent_given: bool,
    is_new_autonomous_region: bool,
    region_code: str | None,
    sector: str | None = None,
    bps_code: str | None = None,
) -> list[tuple[str, str]]:
    """(field, message) for every hierarchy rule an institution would break; parent_given with parent None = unknown.

    `sector` is the one an existing institution has: a change of parent may not move it to the other sector.
    """
    problems: list[tuple[str, str]] = []
    allowed = PARENT_KINDS[kind]
    if parent_given and parent is None:
        problems.append(("parent_id", messages.INSTITUTION_ID_UNKNOWN()))
    elif not allowed and parent is not None:
        problems.append(("parent_id", messages.PARENT_TOP_LEVEL(kind=_named(kind))))
    elif allowed and parent is None:
        problems.append(("parent_id", messages.PARENT_REQUIRED(kind=_named(kind), wanted=_parents_wanted(kind))))
    elif parent is not None and parent.kind not in allowed:
        wrong = messages.PARENT_WRONG_KIND(kind=_named(kind), wanted=_parents_wanted(kind), parent=_named(parent.kind))
        problems.append(("parent_id", wrong))
    elif parent is not None and parent.status != "active":
        problems.append(("parent_id", messages.PARENT_INACTIVE()))
    elif parent is not None and sector is not None and sector_of(kind, parent.kind) != sector:
        # Programs, replicas and funding routes were built on the sector: a move across it is a new institution.
        problems.append(
            (
                "parent_id",
                messages.SECTOR_MOVE(
                    kind=_named(kind), sector=messages.SECTOR_NAMES[sector](), parent=_named(parent.kind)
                ),
            )
        )
    if is_new_autonomous_region and kind not in REGIONAL_KINDS:
        problems.append(("is_new_autonomous_region", messages.DOB_ONLY_REGIONAL()))
    if region_code is not None:
        if kind not in REGIONAL_KINDS:
            problems.append(("region_code", messages.REGION_CODE_ONLY_REGIONAL()))
        else:
            province_code = None if parent is None else parent.region_code
            if (problem := region_code_problem(kind, region_code, province_code)) is not None:
                problems.append(("region_code", problem))
    if bps_code is not None:
        if kind not in REGIONAL_KINDS:
            problems.append(("bps_code", messages.BPS_CODE_ONLY_REGIONAL()))
        elif (problem := bps_code_problem(kind, bps_code)) is not None:
            problems.append(("bps_code", problem))
    return problems
