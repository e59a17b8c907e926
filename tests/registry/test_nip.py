"""NIP (PNS) and NI PPPK (PPPK) rules of the glossary: unit tests and properties over generated numbers (pure)."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.domain.nip import InvalidNip, nip_problems, parse_nip
from sinergi_shared.payloads import Employment

TODAY = date(2025, 6, 15)


def codes(nip: str, today: date = TODAY, employment: Employment | None = "PNS") -> set[str]:
    return {p.code for p in nip_problems(nip, employment=employment, today=today)}


def pppk_codes(nip: str) -> set[str]:
    return codes(nip, employment="PPPK")


def add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


@st.composite
def valid_parts(draw: st.DrawFn) -> tuple[date, int, int, int, int]:
    """(birth, TMT year, TMT month, gender, serial) satisfying every rule relative to TODAY."""
    birth = draw(st.dates(min_value=date(1940, 1, 1), max_value=date(TODAY.year - 18, TODAY.month, 1)))
    first = (birth.year + 18) * 12 + birth.month - 1
    last = TODAY.year * 12 + TODAY.month - 1
    tmt = draw(st.integers(min_value=first, max_value=last))
    gender = draw(st.sampled_from([1, 2]))
    serial = draw(st.integers(min_value=1, max_value=999))
    return birth, tmt // 12, tmt % 12 + 1, gender, serial


def compose(birth: str, tmt: str, gender: str, serial: str) -> str:
    return birth + tmt + gender + serial


def parts_text(parts: tuple[date, int, int, int, int]) -> tuple[str, str, str, str]:
    birth, year, month, gender, serial = parts
    return f"{birth:%Y%m%d}", f"{year:04d}{month:02d}", str(gender), f"{serial:03d}"


# --- unit tests ------------------------------------------------------------------------------


def test_valid_nip_yields_its_birth_date_appointment_month_gender_and_serial() -> None:
    parsed = parse_nip("199003152015031002", employment="PNS", today=TODAY)
    assert parsed.birth_date == date(1990, 3, 15)
    assert parsed.appointment == date(2015, 3, 1)
    assert parsed.gender == 1
    assert parsed.serial == 2


def test_appointment_in_the_month_of_the_18th_birthday_is_accepted() -> None:
    assert codes("199012312008121001") == set()


def test_appointment_the_month_before_the_18th_birthday_is_rejected() -> None:
    assert codes("199012312008111001") == {"appointment_before_18"}


def test_appointment_in_the_current_month_is_accepted_and_next_month_is_future() -> None:
    assert codes("198001012025061001") == set()
    assert codes("198001012025071001") == {"appointment_in_future"}


def test_leap_day_birth_dates_are_real_only_in_leap_years() -> None:
    assert codes("199202292015011001") == set()
    assert codes("199302292015011001") == {"birth_date_invalid"}


def test_every_broken_rule_is_reported_with_a_code_and_a_message() -> None:
    with pytest.raises(InvalidNip) as caught:
        parse_nip("199013452015133000", employment="PNS", today=TODAY)
    assert caught.value.codes == {"birth_date_invalid", "appointment_month_invalid", "gender_invalid", "serial_zero"}
    assert all(p.message for p in caught.value.problems)


@pytest.mark.parametrize(
    ("nip", "code"),
    [
        ("19900315201503100", "nip_length"),
        ("1990031520150310021", "nip_length"),
        ("", "nip_length"),
        ("19900315201503100A", "nip_not_digits"),
        ("1990 315201503100 ", "nip_not_digits"),
        ("19900315201503100٢", "nip_not_digits"),
    ],
)
def test_wrong_length_or_non_digits_are_rejected_before_anything_else(nip: str, code: str) -> None:
    assert codes(nip) == {code}


# --- properties ------------------------------------------------------------------------------


@given(valid_parts())
def test_every_generated_valid_nip_parses_to_its_parts(parts: tuple[date, int, int, int, int]) -> None:
    birth, year, month, gender, serial = parts
    parsed = parse_nip(compose(*parts_text(parts)), employment="PNS", today=TODAY)
    assert (parsed.birth_date, parsed.appointment, parsed.gender, parsed.serial) == (
        birth,
        date(year, month, 1),
        gender,
        serial,
    )


@st.composite
def unreal_dates(draw: st.DrawFn) -> str:
    year = draw(st.integers(min_value=1940, max_value=2000))
    if draw(st.booleans()):
        month = draw(st.sampled_from([0, *range(13, 100)]))
        day = draw(st.integers(min_value=1, max_value=28))
    else:
        month = draw(st.integers(min_value=1, max_value=12))
        day = draw(st.sampled_from([0, *range(calendar.monthrange(year, month)[1] + 1, 100)]))
    return f"{year:04d}{month:02d}{day:02d}"


@given(valid_parts(), unreal_dates())
def test_an_unreal_birth_date_is_rejected_as_such(parts: tuple[date, int, int, int, int], bad: str) -> None:
    _, tmt, gender, serial = parts_text(parts)
    assert codes(compose(bad, tmt, gender, serial)) == {"birth_date_invalid"}


@given(valid_parts(), st.integers(min_value=1900, max_value=2025), st.sampled_from([0, *range(13, 100)]))
def test_an_unreal_appointment_month_is_rejected_as_such(
    parts: tuple[date, int, int, int, int], year: int, month: int
) -> None:
    birth, _, gender, serial = parts_text(parts)
    assert codes(compose(birth, f"{year:04d}{month:02d}", gender, serial)) == {"appointment_month_invalid"}


@given(valid_parts(), st.integers(min_value=1, max_value=18 * 12))
def test_an_appointment_before_the_18th_birthday_is_rejected(
    parts: tuple[date, int, int, int, int], months_early: int
) -> None:
    birth = parts[0]
    year, month = add_months(birth.year + 18, birth.month, -months_early)
    _, _, gender, serial = parts_text(parts)
    assert codes(compose(f"{birth:%Y%m%d}", f"{year:04d}{month:02d}", gender, serial)) == {"appointment_before_18"}


@given(valid_parts(), st.integers(min_value=1, max_value=12 * 50))
def test_an_appointment_after_the_current_month_is_rejected_as_future(
    parts: tuple[date, int, int, int, int], months_ahead: int
) -> None:
    year, month = add_months(TODAY.year, TODAY.month, months_ahead)
    birth, _, gender, serial = parts_text(parts)
    assert codes(compose(birth, f"{year:04d}{month:02d}", gender, serial)) == {"appointment_in_future"}


# --- NI PPPK --------------------------------------------------------------------------------


@st.composite
def valid_pppk_parts(draw: st.DrawFn) -> tuple[date, int, int, int, int]:
    """(birth, appointment year, code, gender, serial) satisfying the NI PPPK rule relative to TODAY."""
    birth = draw(st.dates(min_value=date(1940, 1, 1), max_value=date(TODAY.year - 18, 12, 31)))
    year = draw(st.integers(min_value=birth.year + 18, max_value=TODAY.year))
    code = draw(st.integers(min_value=0, max_value=99))
    gender = draw(st.sampled_from([1, 2]))
    serial = draw(st.integers(min_value=1, max_value=999))
    return birth, year, code, gender, serial


def pppk_text(parts: tuple[date, int, int, int, int]) -> tuple[str, str, str, str]:
    birth, year, code, gender, serial = parts
    return f"{birth:%Y%m%d}", f"{year:04d}{code:02d}", str(gender), f"{serial:03d}"


def test_a_pppk_number_with_a_code_that_is_no_month_is_valid_as_ni_pppk_and_not_as_nip() -> None:
    assert pppk_codes("199009132025242014") == set()
    assert codes("199009132025242014") == {"appointment_month_invalid"}
    parsed = parse_nip("199009132025242014", employment="PPPK", today=TODAY)
    assert (parsed.birth_date, parsed.appointment, parsed.gender, parsed.serial) == (
        date(1990, 9, 13),
        date(2025, 1, 1),
        2,
        14,
    )


def test_the_ni_pppk_year_is_compared_by_year_not_by_month() -> None:
    assert pppk_codes("199012312008991001") == set()  # the year of the 18th birthday, whatever the code
    assert pppk_codes("199012312007011001") == {"appointment_before_18"}
    assert pppk_codes("198001012025991001") == set()  # the current year, whatever the code
    assert pppk_codes("198001012026011001") == {"appointment_in_future"}


def test_year_0000_is_not_a_real_appointment_year() -> None:
    assert pppk_codes("199003150000211001") == {"appointment_year_invalid"}


def test_messages_name_the_number_the_rule_applies_to() -> None:
    [pppk] = nip_problems("1990", employment="PPPK", today=TODAY)
    [pns] = nip_problems("1990", employment="PNS", today=TODAY)
    assert "NI PPPK" in pppk.message and "NIP" in pns.message and "PPPK" not in pns.message
    [future] = nip_problems("198001012026241001", employment="PPPK", today=TODAY)
    assert future.message == "tahun pengangkatan 2026 belum terjadi"


def test_with_the_employment_unknown_only_the_shared_parts_are_checked() -> None:
    assert codes("199009132025242014", employment=None) == set()
    assert codes("199013452099133000", employment=None) == {"birth_date_invalid", "gender_invalid", "serial_zero"}


@given(valid_pppk_parts())
def test_every_generated_valid_ni_pppk_parses_to_its_parts(parts: tuple[date, int, int, int, int]) -> None:
    birth, year, _, gender, serial = parts
    parsed = parse_nip(compose(*pppk_text(parts)), employment="PPPK", today=TODAY)
    assert (parsed.employment, parsed.birth_date, parsed.appointment, parsed.gender, parsed.serial) == (
        "PPPK",
        birth,
        date(year, 1, 1),
        gender,
        serial,
    )


@given(valid_pppk_parts(), unreal_dates())
def test_an_ni_pppk_with_an_unreal_birth_date_is_rejected_as_such(
    parts: tuple[date, int, int, int, int], bad: str
) -> None:
    _, appointment, gender, serial = pppk_text(parts)
    assert pppk_codes(compose(bad, appointment, gender, serial)) == {"birth_date_invalid"}


@given(valid_pppk_parts(), st.integers(min_value=1, max_value=18))
def test_an_ni_pppk_year_before_the_18th_birthdays_year_is_rejected(
    parts: tuple[date, int, int, int, int], years_early: int
) -> None:
    birth, _, code, gender, serial = parts
    year = birth.year + 18 - years_early
    assert pppk_codes(compose(f"{birth:%Y%m%d}", f"{year:04d}{code:02d}", str(gender), f"{serial:03d}")) == {
        "appointment_before_18"
    }


@given(valid_pppk_parts(), st.integers(min_value=1, max_value=50))
def test_an_ni_pppk_year_after_the_current_year_is_rejected_as_future(
    parts: tuple[date, int, int, int, int], years_ahead: int
) -> None:
    birth, _, code, gender, serial = parts
    year = TODAY.year + years_ahead
    assert pppk_codes(compose(f"{birth:%Y%m%d}", f"{year:04d}{code:02d}", str(gender), f"{serial:03d}")) == {
        "appointment_in_future"
    }


# --- the parts both forms share ----------------------------------------------------------------


@st.composite
def valid_numbers(draw: st.DrawFn) -> tuple[Employment, str]:
    """A valid NIP of a PNS or a valid NI PPPK of a PPPK, with its employment."""
    if draw(st.booleans()):
        return "PNS", compose(*parts_text(draw(valid_parts())))
    return "PPPK", compose(*pppk_text(draw(valid_pppk_parts())))


@given(valid_numbers(), st.sampled_from("03456789"))
def test_a_gender_digit_other_than_1_or_2_is_rejected(number: tuple[Employment, str], digit: str) -> None:
    employment, nip = number
    assert codes(nip[:14] + digit + nip[15:], employment=employment) == {"gender_invalid"}


@given(valid_numbers())
def test_serial_000_is_rejected(number: tuple[Employment, str]) -> None:
    employment, nip = number
    assert codes(nip[:15] + "000", employment=employment) == {"serial_zero"}


@given(valid_numbers(), st.integers(min_value=0, max_value=17), st.booleans())
def test_a_digit_dropped_or_added_is_a_length_error(number: tuple[Employment, str], position: int, drop: bool) -> None:
    employment, nip = number
    changed = nip[:position] + nip[position + 1 :] if drop else nip[:position] + "1" + nip[position:]
    assert codes(changed, employment=employment) == {"nip_length"}


@given(
    valid_numbers(),
    st.integers(min_value=0, max_value=17),
    st.characters(blacklist_categories=["Cs"]).filter(lambda c: not ("0" <= c <= "9")),
)
def test_a_non_digit_character_is_rejected(number: tuple[Employment, str], position: int, char: str) -> None:
    employment, nip = number
    assert codes(nip[:position] + char + nip[position + 1 :], employment=employment) == {"nip_not_digits"}
