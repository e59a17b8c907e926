"""Certificate rules without I/O: the number pattern, numbers, the masked name, verification codes."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enrollment.domain import certificates as rules


@pytest.mark.parametrize(
    "pattern",
    ["{code}/{year}/{seq}", "{seq:04}/STTP/{code}/{year}", "800.{seq:06}-{year}", "{year}{seq:012}"],
)
def test_patterns_with_year_and_sequence_are_usable(pattern: str) -> None:
    assert rules.pattern_problem(pattern) is None


@pytest.mark.parametrize(
    ("pattern", "says"),
    [
        ("{code}/{seq}", "{seq} dan {year}"),
        ("{code}/{year}", "{seq} dan {year}"),
        ("{year}/{name}/{seq}", "kolom {name} tidak dikenal"),
        ("{year}/{}/{seq}", "kolom {} tidak dikenal"),
        ("{year}/{seq.real}", "kolom {seq.real} tidak dikenal"),
        ("{year:04}/{seq}", "{year} tidak menerima format"),
        ("{year}/{seq:>4}", "{seq} tidak menerima format"),
        ("{year}/{seq:013}", "{seq} tidak menerima format"),
        ("{year}/{seq!r}", "{seq} tidak menerima format"),
        ("{year}/{seq", "hanya memuat teks biasa"),
        ("{year}/{{seq}}/{seq}", "hanya memuat teks biasa"),
        ("{year}/\n{seq}", "hanya memuat teks biasa"),
    ],
)
def test_a_pattern_that_cannot_number_says_why(pattern: str, says: str) -> None:
    problem = rules.pattern_problem(pattern)
    assert problem is not None and says in problem, problem


def test_numbers_follow_the_pattern() -> None:
    assert rules.number(rules.DEFAULT_PATTERN, code="BPSDM-KEMENDAGRI", year=2026, seq=17) == "BPSDM-KEMENDAGRI/2026/17"
    assert rules.number("{seq:04}/STTP/{code}/{year}", code="PUSDIKLAT", year=2026, seq=7) == "0007/STTP/PUSDIKLAT/2026"


@given(seq=st.integers(min_value=1, max_value=10**9), other=st.integers(min_value=1, max_value=10**9))
def test_distinct_sequences_give_distinct_numbers(seq: int, other: int) -> None:
    numbers = {rules.number(p, code="X", year=2026, seq=s) for p in ("{code}/{year}/{seq}",) for s in (seq, other)}
    assert len(numbers) == len({seq, other})


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Siti Nurhayati", "Si** Nurh*****"),
        ("Dr. Andi Wijaya, M.Si.", "D*. An** Wij***, M.S*."),
        ("Ani", "An*"),
        ("O", "O"),
        ("Anak Agung Ngurah-Rai", "An** Agu** Ngur**-***"),
    ],
)
def test_the_public_sees_the_start_of_each_word_of_a_name(name: str, masked: str) -> None:
    assert rules.masked_name(name) == masked


@given(st.text(alphabet=st.characters(categories=("L", "Zs", "P")), max_size=60))
def test_a_masked_name_keeps_its_shape_and_at_most_half_of_each_word(name: str) -> None:
    masked = rules.masked_name(name)
    words, shown = name.split(), masked.split()
    assert len(shown) == len(words)
    for word, seen in zip(words, shown, strict=True):
        assert len(seen) == len(word)
        letters = [c for c in word if c.isalpha()]
        visible = [c for c in seen if c.isalpha()]
        assert len(visible) <= min(rules.VISIBLE_LETTERS, (len(letters) + 1) // 2)
        assert visible == letters[: len(visible)]


def test_verification_codes_are_url_safe_and_carry_128_random_bits() -> None:
    codes = {rules.verification_code() for _ in range(1000)}
    assert len(codes) == 1000
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", code) for code in codes)  # 22 base64 characters = 132 bits ≥ 128


def test_nips_are_printed_in_their_groups() -> None:
    assert rules.spaced_nip("198503012010032001") == "19850301 201003 2 001"
    assert rules.spaced_nip("199001012023211001", employment="PPPK") == "19900101 2023 21 1 001"
    assert rules.spaced_nip("12345") == "12345"
