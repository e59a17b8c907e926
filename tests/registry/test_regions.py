"""Region codes (pure, no I/O): Kemendagri's kode wilayah as `region_code`, BPS's numbering as `bps_code`."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.domain.regions import bps_code_problem, is_bps_code, kemendagri_code, region_code_problem
from registry.seed import DOB_LOCAL_GOVERNMENTS, PROVINCES

provinces = st.integers(10, 99).map(str)
regency_numbers = st.integers(1, 69).map(lambda n: f"{n:02d}")
city_numbers = st.integers(71, 99).map(lambda n: f"{n:02d}")


@pytest.mark.parametrize(
    ("sent", "written"),
    [("93", "93"), ("93.01", "93.01"), ("9301", "93.01"), (" 96.71 ", "96.71"), ("9671", "96.71")],
)
def test_a_code_is_kept_as_kemendagri_writes_it_and_nnnn_is_read_as_nn_dot_nn(sent: str, written: str) -> None:
    assert kemendagri_code(sent) == written


@pytest.mark.parametrize("sent", ["", "9", "930", "93.1", "93-01", "93.01.01", "03", "03.01", "AB", "٩٣", "93.0１"])
def test_anything_else_is_not_a_kemendagri_code(sent: str) -> None:
    assert kemendagri_code(sent) is None


@given(provinces, st.integers(0, 99).map(lambda n: f"{n:02d}"))
def test_dotted_and_undotted_forms_name_the_same_region_and_reading_twice_changes_nothing(
    province: str, local: str
) -> None:
    written = kemendagri_code(f"{province}{local}")
    assert written == kemendagri_code(f"{province}.{local}") == f"{province}.{local}"
    assert kemendagri_code(written) == written


@given(provinces, regency_numbers)
def test_a_regency_numbered_01_to_69_under_its_own_province_is_accepted(province: str, local: str) -> None:
    assert region_code_problem("regency", f"{province}.{local}", province) is None


@given(provinces, city_numbers)
def test_a_city_numbered_71_to_99_under_its_own_province_is_accepted(province: str, local: str) -> None:
    assert region_code_problem("city", f"{province}{local}", province) is None


@given(provinces, provinces, regency_numbers)
def test_a_regency_code_under_another_province_is_refused(province: str, other: str, local: str) -> None:
    problem = region_code_problem("regency", f"{other}.{local}", province)
    assert (problem is None) is (other == province)


@pytest.mark.parametrize(
    ("kind", "code", "province"),
    [
        ("province", "93.01", None),  # a province has two digits only
        ("regency", "93", "93"),  # a regency has its own two digits after the dot
        ("city", "93", "93"),
        ("regency", "93.71", "93"),  # 71-99 are cities
        ("city", "96.05", "96"),  # 01-69 are regencies
        ("regency", "93.00", "93"),
        ("regency", "94.01", "93"),  # under Papua Selatan, not Papua Tengah
        ("regency", "nine", "93"),
    ],
)
def test_codes_breaking_kemendagri_numbering_are_refused(kind: str, code: str, province: str | None) -> None:
    assert region_code_problem(kind, code, province) is not None


def test_without_a_known_province_code_only_the_shape_is_checked() -> None:
    assert region_code_problem("regency", "93.01", None) is None
    assert region_code_problem("province", "96", None) is None


@pytest.mark.parametrize(("kind", "code"), [("province", "94"), ("regency", "9414"), ("city", "9171")])
def test_a_bps_code_has_two_digits_for_a_province_and_four_below(kind: str, code: str) -> None:
    assert is_bps_code(code) and bps_code_problem(kind, code) is None


@pytest.mark.parametrize(
    ("kind", "code"),
    [("province", "9414"), ("regency", "94"), ("city", "94.71"), ("regency", "941"), ("province", "9A")],
)
def test_a_bps_code_of_the_wrong_shape_or_length_for_its_kind_is_refused(kind: str, code: str) -> None:
    assert bps_code_problem(kind, code) is not None


def test_every_seeded_province_and_dob_regency_or_city_follows_kemendagri_numbering() -> None:
    province_codes = {code: region_code for code, _, region_code, _, _ in PROVINCES}
    for code, _, region_code, bps_code, _ in PROVINCES:
        assert region_code_problem("province", region_code, None) is None, code
        assert bps_code is None or bps_code_problem("province", bps_code) is None, code
    members = [(p, m) for p, ms in DOB_LOCAL_GOVERNMENTS.items() for m in ms]
    assert len(members) == 26
    for province, (code, _, kind, region_code) in members:
        assert kemendagri_code(region_code) == region_code, code  # seeded as Kemendagri writes it
        assert region_code_problem(kind, region_code, province_codes[province]) is None, code
    assert len({m[3] for _, m in members}) == 26  # no two share a code
