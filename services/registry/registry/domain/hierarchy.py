"""The institution hierarchy: which kind may stand under which, sectors, region codes. No I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sinergi_shared.contracts import Sector

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
PROVINCE_REGION_CODE = re.compile(r"^\d{2}$")
LOCAL_REGION_CODE = re.compile(r"^\d{4}$")


def sector_of(kind: str, parent_kind: str | None = None) -> Sector:
    """K/L and their units are central; Pemda and their units (a regional BPSDM or BKPSDM) are regional."""
    if kind in REGIONAL_KINDS or (kind == "training_unit" and parent_kind in REGIONAL_KINDS):
        return "regional"
    return "central"


def _parents_wanted(kind: str) -> str:
    """The parents a kind accepts, as a reader would name them."""
    if kind == "training_unit":
        return "a ministry or an agency (a K/L's unit), or a province, regency or city (a regional unit)"
    return "a province"


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
) -> list[tuple[str, str]]:
    """(field, message) for every hierarchy rule an institution would break; parent_given with parent None = unknown.

    `sector` is the one an existing institution has: a change of parent may not move it to the other sector.
    """
    problems: list[tuple[str, str]] = []
    allowed = PARENT_KINDS[kind]
    if parent_given and parent is None:
        problems.append(("parent_id", "no institution has this id"))
    elif not allowed and parent is not None:
        problems.append(("parent_id", f"a {kind} stands at the top of the hierarchy and takes no parent"))
    elif allowed and parent is None:
        problems.append(("parent_id", f"a {kind} needs {_parents_wanted(kind)} as its parent"))
    elif parent is not None and parent.kind not in allowed:
        problems.append(("parent_id", f"the parent of a {kind} must be {_parents_wanted(kind)}, not a {parent.kind}"))
    elif parent is not None and parent.status != "active":
        problems.append(("parent_id", "the parent institution is deactivated"))
    elif parent is not None and sector is not None and sector_of(kind, parent.kind) != sector:
        # Programs, replicas and funding routes were built on the sector: a move across it is a new institution.
        problems.append(
            ("parent_id", f"a {sector} {kind} cannot move under a {parent.kind}; register a new institution instead")
        )
    if is_new_autonomous_region and kind not in REGIONAL_KINDS:
        problems.append(("is_new_autonomous_region", "only a province, regency or city can be a new autonomous region"))
    if region_code is not None:
        if kind not in REGIONAL_KINDS:
            problems.append(("region_code", "only a regional government has a region code"))
        elif kind == "province" and not PROVINCE_REGION_CODE.match(region_code):
            problems.append(("region_code", "a province's region code is its 2-digit BPS code, e.g. 93"))
        elif kind != "province" and not LOCAL_REGION_CODE.match(region_code):
            problems.append(("region_code", "a regency's or city's region code is its 4-digit BPS code, e.g. 9301"))
        elif (
            kind != "province"
            and parent is not None
            and parent.region_code
            and not region_code.startswith(parent.region_code)
        ):
            problems.append(
                ("region_code", f"the region code must start with the province's code {parent.region_code}")
            )
    return problems
