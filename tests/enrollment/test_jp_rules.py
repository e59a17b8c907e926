"""The JP rules of SPEC section 1, without I/O."""

from __future__ import annotations

import pytest

from enrollment.domain import jp


@pytest.mark.parametrize(
    ("employment", "level", "applies"),
    [
        ("PPPK", None, True),
        ("PPPK", "administrator", True),
        ("PPPK", "pengawas", True),
        ("PPPK", "jpt_pratama", False),
        ("PPPK", "jpt_madya", False),
        ("PPPK", "jpt_utama", False),
        ("PNS", None, False),
        ("PNS", "jpt_pratama", False),
    ],
)
def test_the_pppk_maximum_binds_pppk_outside_jpt_posts(employment: str, level: str | None, applies: bool) -> None:
    assert jp.pppk_maximum_applies(employment=employment, position_level=level) is applies


@pytest.mark.parametrize(("held", "program", "over"), [(0, 24, False), (0, 25, True), (20, 4, False), (20, 5, True)])
def test_the_maximum_is_24_jp_including_the_new_program(held: int, program: int, over: bool) -> None:
    assert jp.over_pppk_maximum(held_jp=held, program_jp=program) is over
