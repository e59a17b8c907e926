"""NIP parsing: the 18 digits of a civil servant's number and the facts they encode. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Literal

NIP_LENGTH = 18
ADULT_AGE = 18
# Indonesia's easternmost time zone (WIT, UTC+9): a TMT month valid anywhere in the country is never "future".
INDONESIA_LATEST = timezone(timedelta(hours=9))

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


def field_errors(problems: list[NipProblem]) -> list[dict[str, str]]:
    """The problems as the API's field errors on `nip`, each with its machine code."""
    return [{"field": "nip", "code": p.code, "message": p.message} for p in problems]


def today_in_indonesia() -> date:
    """The calendar date in the easternmost Indonesian time zone, the "today" of the NIP rules."""
    return datetime.now(INDONESIA_LATEST).date()


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
