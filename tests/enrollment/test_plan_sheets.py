"""How a plan sheet's cells read as the item's values: Indonesian words, quarters and rupiah as clerks write them."""

from __future__ import annotations

import pytest

from enrollment.plan_sheets import PLAN_ITEMS, item_fields, words_of


def read(field: str, cell: str) -> str:
    return PLAN_ITEMS.values[field](cell.strip())


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("Rp1.500.000", "1500000"),
        ("Rp 1.500.000,00", "1500000"),
        ("rp. 250.000,-", "250000"),
        ("IDR 2.000", "2000"),
        ("1.500.000", "1500000"),
        ("1500000", "1500000"),
        ("0", "0"),
        ("1,5", "1,5"),  # a decimal comma: left for validation to refuse, never read as thousands
        ("1,500,000", "1,500,000"),
        ("Rp1.50.000", "Rp1.50.000"),
        ("satu juta", "satu juta"),
    ],
)
def test_a_cost_reads_as_whole_rupiah(cell: str, value: str) -> None:
    assert read("estimated_cost_idr", cell) == value


@pytest.mark.parametrize(
    ("cell", "value"),
    [("1", "1"), ("4", "4"), ("I", "1"), ("iv", "4"), ("III", "3"), ("TW II", "2"), ("Triwulan 3", "3"),
     ("Q4", "4"), ("V", "V"), ("5", "5")],
)  # fmt: skip
def test_a_quarter_reads_from_its_number_or_roman_numeral(cell: str, value: str) -> None:
    assert read("quarter", cell) == value


@pytest.mark.parametrize(
    ("field", "cell", "value"),
    [
        ("competency_type", "Sosial Kultural", "socio_cultural"),
        ("competency_type", "sosial-kultural", "socio_cultural"),
        ("competency_type", "Technical", "technical"),
        ("need", "Kesenjangan Kinerja", "performance_gap"),
        ("need", "karir", "career"),
        ("pattern", "Pemagangan", "apprenticeship"),
        ("pattern", "Fasilitasi Daerah", "regional_facilitation"),
        ("pattern", "In-House Training", "in_house_training"),
        ("pattern", "On the job", "on_the_job"),
        ("pattern", "pelatihan jarak jauh", "pelatihan_jarak_jauh"),  # unknown: refused by validation
        ("target_position_kind", "Pelaksana", "executor"),
        ("category", "Sosial", "social"),
        ("funding_source", "apbd", "APBD"),
        ("nip", "19850415 201001 1 001", "198504152010011001"),
    ],
)
def test_coded_cells_take_indonesian_words_or_the_codes_in_any_case(field: str, cell: str, value: str) -> None:
    assert read(field, cell) == value


def test_a_flat_row_nests_the_competency_and_the_target_group() -> None:
    row = {"target_position_kind": "executor", "target_count": "3", "competency_type": "technical", "need": "career"}
    assert item_fields(row) == {
        "target_group": {"position_kind": "executor", "count": "3"},
        "competency": {"type": "technical"},
        "need": "career",
    }


def test_a_refusal_names_one_word_per_code_in_order() -> None:
    assert words_of("pattern") == (
        "pelatihan_teknis, pelatihan_fungsional, magang, fasilitasi_daerah, in_house_training, coaching, mentoring, "
        "on_the_job"
    )
    assert words_of("need") == "kesenjangan_kompetensi, kesenjangan_kinerja, karier"
