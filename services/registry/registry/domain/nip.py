"""NIP and NI PPPK parsing: the 18 digits of a civil servant's number and the facts they encode. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Literal

from registry import messages
from sinergi_shared.payloads import Employment

NIP_LENGTH = 18
ADULT_AGE = 18
# Indonesia's easternmost time zone (WIT, UTC+9): a TMT month valid anywhere in the country is never "future".
INDONESIA_LATEST = timezone(timedelta(hours=9))

NipErrorCode = Literal[
    "nip_length",
    "nip_not_digits",
    "birth_date_invalid",
    "appointment_month_invalid",
    "appointment_year_invalid",
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
    """The facts a valid NIP (PNS) or NI PPPK (PPPK) encodes."""

    nip: str
    employment: Employment
    birth_date: date
    # The first day of the TMT month (PNS), or of the appointment year (PPPK: an NI PPPK carries no month).
    appointment: date
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


def nip_problems(nip: str, *, employment: Employment | None, today: date) -> list[NipProblem]:
    """Every rule the number breaks (empty when valid): the NIP rule for a PNS, the NI PPPK rule for a PPPK.

    Both forms: YYYYMMDD birth date, six digits of appointment, gender digit 1/2, 3-digit serial (not 000).
    With the employment unknown (None), only the parts both forms share are checked.
    """
    name = messages.NUMBER_NAMES[employment]()
    if len(nip) != NIP_LENGTH:
        return [NipProblem("nip_length", messages.NIP_LENGTH(number=name, length=NIP_LENGTH, given=len(nip)))]
    if not (nip.isascii() and nip.isdigit()):
        return [NipProblem("nip_not_digits", messages.NIP_NOT_DIGITS(number=name))]
    problems: list[NipProblem] = []
    birth = _real_date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    if birth is None:
        problems.append(NipProblem("birth_date_invalid", messages.NIP_BIRTH_DATE(digits=nip[0:8])))
    if employment == "PNS":
        problems += _tmt_problems(nip, birth, today)
    elif employment == "PPPK":
        problems += _pppk_year_problems(nip, birth, today)
    if nip[14] not in "12":
        problems.append(NipProblem("gender_invalid", messages.NIP_GENDER(digit=nip[14])))
    if nip[15:18] == "000":
        problems.append(NipProblem("serial_zero", messages.NIP_SERIAL_ZERO()))
    return problems


def _tmt_problems(nip: str, birth: date | None, today: date) -> list[NipProblem]:
    """The NIP's digits 9-14: a real TMT month YYYYMM, from the month of the 18th birthday to the current month.

    TMT is always the first of a month, so a person appointed in the month they turn 18 is accepted.
    """
    tmt = _real_date(int(nip[8:12]), int(nip[12:14]), 1)
    if tmt is None:
        return [NipProblem("appointment_month_invalid", messages.NIP_TMT_INVALID(digits=nip[8:14]))]
    problems: list[NipProblem] = []
    month = f"{nip[8:12]}-{nip[12:14]}"
    if (tmt.year, tmt.month) > (today.year, today.month):
        problems.append(NipProblem("appointment_in_future", messages.NIP_TMT_FUTURE(month=month)))
    if birth is not None and (tmt.year, tmt.month) < (birth.year + ADULT_AGE, birth.month):
        adult = f"{birth.year + ADULT_AGE}-{birth.month:02d}"
        problems.append(NipProblem("appointment_before_18", messages.NIP_TMT_BEFORE_18(month=month, adult=adult)))
    return problems


def _pppk_year_problems(nip: str, birth: date | None, today: date) -> list[NipProblem]:
    """The NI PPPK's digits 9-12: a real appointment year, from the 18th birthday's year to the current year.

    Digits 13-14 are a code, not a month (real numbers carry 21, 24 ...): any two digits are accepted.
    """
    year = int(nip[8:12])
    if _real_date(year, 1, 1) is None:
        return [NipProblem("appointment_year_invalid", messages.PPPK_YEAR_INVALID(digits=nip[8:12]))]
    problems: list[NipProblem] = []
    if year > today.year:
        problems.append(NipProblem("appointment_in_future", messages.PPPK_YEAR_FUTURE(year=nip[8:12])))
    if birth is not None and year < birth.year + ADULT_AGE:
        adult = birth.year + ADULT_AGE
        problems.append(NipProblem("appointment_before_18", messages.PPPK_YEAR_BEFORE_18(year=nip[8:12], adult=adult)))
    return problems


def parse_nip(nip: str, *, employment: Employment, today: date) -> ParsedNip:
    """The facts of a valid number under its employment's rule; InvalidNip listing every broken rule otherwise."""
    problems = nip_problems(nip, employment=employment, today=today)
    if problems:
        raise InvalidNip(nip, problems)
    return ParsedNip(
        nip=nip,
        employment=employment,
        birth_date=date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8])),
        appointment=date(int(nip[8:12]), int(nip[12:14]) if employment == "PNS" else 1, 1),
        gender=1 if nip[14] == "1" else 2,
        serial=int(nip[15:18]),
    )
