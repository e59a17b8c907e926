"""JP (jam pelajaran) rules of SPEC section 1: what counts, the PNS minimum, the PPPK maximum. No I/O."""

from __future__ import annotations

from typing import Literal

MINIMUM_JP_PER_YEAR = 20  # PP 11/2017 art. 203(4): every PNS, every year
PPPK_MAXIMUM_JP = 24  # PP 49/2018 art. 40(1): per contract year, counted per calendar year here

PositionLevel = Literal["jpt_utama", "jpt_madya", "jpt_pratama", "administrator", "pengawas"]
# Senior leadership posts (jabatan pimpinan tinggi): exempt from the PPPK maximum, PP 49/2018 art. 40(2).
JPT_LEVELS: frozenset[str] = frozenset({"jpt_utama", "jpt_madya", "jpt_pratama"})


def pppk_maximum_applies(*, employment: str, position_level: str | None) -> bool:
    """The 24 JP maximum binds a PPPK, unless they hold a JPT post."""
    return employment == "PPPK" and position_level not in JPT_LEVELS


def over_pppk_maximum(*, held_jp: int, program_jp: int) -> bool:
    """Would a program of program_jp hours take a PPPK holding held_jp this year above the maximum?"""
    return held_jp + program_jp > PPPK_MAXIMUM_JP
