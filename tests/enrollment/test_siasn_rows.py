"""SIASN rows, pure: which history a completion goes to, its fields, what it lacks, the keys of mappings."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from enrollment.domain.development import CATEGORY_OF_PATTERN
from enrollment.domain.siasn import FIELDS, Completion, References, history_of, row_of, siasn_date
from enrollment.siasn_mappings import key_of

INSTITUTION, PROGRAM, PROVIDER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
COMPLETION = Completion(
    enrollment_id=uuid.uuid4(),
    nip="198503012010031001",
    institution_id=INSTITUTION,
    program_id=PROGRAM,
    title="Pelatihan Teknis Perencanaan",
    pattern="technical_training",
    provider_id=PROVIDER,
    provider_name="BPSDM Kemendagri",
    jp=20,
    starts_on=date(2027, 3, 2),
    ends_on=date(2027, 3, 12),
    certificate_number="BPSDM/2027/7",
    certificate_revoked=False,
)
MAPPED = References({"institution": {str(INSTITUTION): "A5EB"}, "course_type": {"technical_training": "3"}})


def test_siasn_dates_are_day_month_year() -> None:
    assert siasn_date(date(2027, 3, 2)) == "02-03-2027"


def test_a_mapped_completion_is_a_course_row_with_empty_optional_ids() -> None:
    row, missing = row_of(COMPLETION, MAPPED)
    assert missing == []
    assert row == {
        "instansiId": "A5EB",
        "institusiPenyelenggara": "BPSDM Kemendagri",
        "jenisDiklatId": "3",
        "jenisKursusSertipikat": "",
        "jumlahJam": 20,
        "lokasiId": "",
        "namaKursus": "Pelatihan Teknis Perencanaan",
        "nomorSertipikat": "BPSDM/2027/7",
        "nipBaru": "198503012010031001",
        "tahunKursus": 2027,
        "tanggalKursus": "02-03-2027",
        "tanggalSelesaiKursus": "12-03-2027",
    }


def test_what_is_missing_is_named_and_nothing_is_guessed() -> None:
    bare = replace(COMPLETION, certificate_number=None, provider_name=None)
    assert row_of(bare, References({})) == (None, ["institution", "course_type", "organizer", "certificate"])
    assert row_of(replace(COMPLETION, certificate_revoked=True), MAPPED) == (None, ["certificate_revoked"])


def test_a_program_mapped_to_a_structural_training_wins_over_its_pattern() -> None:
    by_pattern = References({**MAPPED.by_kind, "structural_training": {"technical_training": "8"}})
    by_both = References({**by_pattern.by_kind, "structural_training": {"technical_training": "8", str(PROGRAM): "3"}})
    assert history_of(COMPLETION, MAPPED) == "course"
    assert row_of(COMPLETION, by_pattern)[0]["latihanStrukturalId"] == "8"  # type: ignore[index]
    row, _ = row_of(COMPLETION, by_both)
    assert row is not None and row["latihanStrukturalId"] == "3" and row["nomor"] == "BPSDM/2027/7"
    # A structural history needs no course type.
    assert row_of(COMPLETION, References({**by_both.by_kind, "course_type": {}}))[1] == []


@given(
    jp=st.integers(min_value=1, max_value=10_000),
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 30)),
    days=st.integers(min_value=0, max_value=365),
    structural=st.booleans(),
)
def test_a_row_has_exactly_its_history_fields_and_the_year_it_ended(
    jp: int, start: date, days: int, structural: bool
) -> None:
    end = date.fromordinal(min(start.toordinal() + days, date(2100, 12, 31).toordinal()))
    refs = References({**MAPPED.by_kind, **({"structural_training": {str(PROGRAM): "3"}} if structural else {})})
    row, _ = row_of(replace(COMPLETION, jp=jp, starts_on=start, ends_on=end), refs)
    history = history_of(COMPLETION, refs)
    assert row is not None and list(row) == list(FIELDS[history])
    assert row["tahun" if structural else "tahunKursus"] == end.year and row["jumlahJam"] == jp


def test_mapping_keys_are_patterns_or_canonical_ids() -> None:
    some = uuid.uuid4()
    assert key_of("institution", str(some).upper()) == str(some)
    assert key_of("institution", "technical_training") is None
    assert key_of("course_type", "technical_training") == "technical_training"
    assert key_of("course_type", str(some)) is None
    assert key_of("structural_training", "coaching") == "coaching"
    assert key_of("structural_training", str(some)) == str(some)
    assert all(key_of("certificate_type", p) == p for p in CATEGORY_OF_PATTERN)
    assert key_of("location", "x\x00") is None
