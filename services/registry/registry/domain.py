"""Pure registry rules: NIP parsing, the institution hierarchy, scopes. No I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sinergi_shared.auth import SCOPES
from sinergi_shared.contracts import InstitutionKind, Sector

# --- NIP ---------------------------------------------------------------------------------

NIP_LENGTH = 18
ADULT_AGE = 18

NipErrorCode = Literal[
    "nip_length",
    "nip_not_digits",
    "birth_date_invalid",
    "appointment_month_invalid",
    "appointment_in_future",
    "appointment_before_18",
    "gender_invalid",
    "serial_zero",
]


@dataclass(frozen=True)
class NipProblem:
    """One reason a NIP is invalid: a machine code and a message a clerk can act on."""

    code: NipErrorCode
    message: str


@dataclass(frozen=True)
class ParsedNip:
    """The facts a valid NIP encodes."""

    nip: str
    birth_date: date
    appointment_month: date  # the first day of the TMT month
    gender: Literal[1, 2]
    serial: int


class InvalidNip(ValueError):
    """A NIP that breaks one or more rules of the glossary."""

    def __init__(self, nip: str, problems: list[NipProblem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.nip = nip
        self.problems = problems

    @property
    def codes(self) -> set[str]:
        return {p.code for p in self.problems}


def _real_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def nip_problems(nip: str, *, today: date) -> list[NipProblem]:
    """Every rule the NIP breaks (empty when valid).

    Layout: YYYYMMDD birth date, YYYYMM first appointment (TMT), gender digit 1/2, 3-digit serial.
    The appointment rule compares months: the TMT month must be on or after the month of the
    18th birthday (TMT is always the first of a month, so a person appointed in the month they
    turn 18 is accepted) and not after the current month.
    """
    if len(nip) != NIP_LENGTH:
        return [NipProblem("nip_length", f"a NIP has exactly {NIP_LENGTH} digits; this one has {len(nip)} characters")]
    if not (nip.isascii() and nip.isdigit()):
        return [NipProblem("nip_not_digits", "a NIP contains only the digits 0-9")]
    problems: list[NipProblem] = []
    birth = _real_date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    if birth is None:
        problems.append(NipProblem("birth_date_invalid", f"digits 1-8 ({nip[0:8]}) are not a real birth date YYYYMMDD"))
    tmt = _real_date(int(nip[8:12]), int(nip[12:14]), 1)
    if tmt is None:
        problems.append(
            NipProblem(
                "appointment_month_invalid", f"digits 9-14 ({nip[8:14]}) are not a real appointment month YYYYMM"
            )
        )
    if tmt is not None:
        if (tmt.year, tmt.month) > (today.year, today.month):
            problems.append(
                NipProblem("appointment_in_future", f"the appointment month {nip[8:12]}-{nip[12:14]} is in the future")
            )
        if birth is not None and (tmt.year, tmt.month) < (birth.year + ADULT_AGE, birth.month):
            problems.append(
                NipProblem(
                    "appointment_before_18",
                    f"the appointment month {nip[8:12]}-{nip[12:14]} is before the 18th birthday "
                    f"({birth.year + ADULT_AGE}-{birth.month:02d})",
                )
            )
    if nip[14] not in "12":
        problems.append(NipProblem("gender_invalid", f"digit 15 is the gender: 1 or 2, not {nip[14]}"))
    if nip[15:18] == "000":
        problems.append(NipProblem("serial_zero", "the last three digits (serial number) cannot be 000"))
    return problems


def parse_nip(nip: str, *, today: date) -> ParsedNip:
    """The facts of a valid NIP; InvalidNip listing every broken rule otherwise."""
    problems = nip_problems(nip, today=today)
    if problems:
        raise InvalidNip(nip, problems)
    return ParsedNip(
        nip=nip,
        birth_date=date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8])),
        appointment_month=date(int(nip[8:12]), int(nip[12:14]), 1),
        gender=1 if nip[14] == "1" else 2,
        serial=int(nip[15:18]),
    )


# --- institutions ------------------------------------------------------------------------

CENTRAL_KINDS: frozenset[str] = frozenset({"ministry", "agency", "training_unit"})
REGIONAL_KINDS: frozenset[str] = frozenset({"province", "regency", "city"})
# Which kinds of parent each kind accepts; an empty set means the kind stands at the top.
PARENT_KINDS: dict[str, frozenset[str]] = {
    "ministry": frozenset(),
    "agency": frozenset(),
    "training_unit": frozenset({"ministry", "agency"}),
    "province": frozenset(),
    "regency": frozenset({"province"}),
    "city": frozenset({"province"}),
}
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._/-]{1,63}$")
PROVINCE_REGION_CODE = re.compile(r"^\d{2}$")
LOCAL_REGION_CODE = re.compile(r"^\d{4}$")


def sector_of(kind: InstitutionKind) -> Sector:
    """K/L and their units are central; Pemda are regional."""
    return "central" if kind in CENTRAL_KINDS else "regional"


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
) -> list[tuple[str, str]]:
    """(field, message) for every hierarchy rule an institution would break; parent_given with parent None = unknown."""
    problems: list[tuple[str, str]] = []
    allowed = PARENT_KINDS[kind]
    if parent_given and parent is None:
        problems.append(("parent_id", "no institution has this id"))
    elif not allowed and parent is not None:
        problems.append(("parent_id", f"a {kind} stands at the top of the hierarchy and takes no parent"))
    elif allowed and parent is None:
        needed = "a central institution (ministry or agency)" if kind == "training_unit" else "a province"
        problems.append(("parent_id", f"a {kind} needs {needed} as its parent"))
    elif parent is not None and parent.kind not in allowed:
        needed = "a ministry or an agency" if kind == "training_unit" else "a province"
        problems.append(("parent_id", f"the parent of a {kind} must be {needed}, not a {parent.kind}"))
    elif parent is not None and parent.status != "active":
        problems.append(("parent_id", "the parent institution is deactivated"))
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


# --- clients and scopes ------------------------------------------------------------------


def unknown_scopes(scopes: list[str] | set[str] | frozenset[str]) -> list[str]:
    """The scopes that the system does not define, in order."""
    return [s for s in scopes if s not in SCOPES]


def narrowed_scopes(granted: frozenset[str], requested: str | None) -> frozenset[str] | None:
    """The scopes a token gets: all granted ones, or the requested subset; None when asking beyond the grant."""
    if requested is None or not requested.strip():
        return granted
    wanted = frozenset(requested.split())
    return wanted if wanted <= granted else None
