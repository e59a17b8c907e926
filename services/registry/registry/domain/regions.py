"""Region codes: Kemendagri's kode wilayah (`region_code`) and BPS's own numbering (`bps_code`). No I/O.

Kemendagri (Permendagri 58/2021, Kepmendagri 100.1.1-6117/2022) writes a province as NN and a regency or
city as NN.NN: the province's two digits, a dot, then 01-69 for a regency or 71-99 for a city. BPS numbers
the same regions differently (Papua is 91 at Kemendagri, 94 at BPS) and writes them without a dot.
"""

from __future__ import annotations

import re

from registry import messages

_KEMENDAGRI = re.compile(r"^([1-9][0-9])(?:\.?([0-9]{2}))?$")
_BPS = re.compile(r"^[0-9]{2}(?:[0-9]{2})?$")
REGENCY_NUMBERS = range(1, 70)
CITY_NUMBERS = range(71, 100)


def kemendagri_code(value: str) -> str | None:
    """The code as Kemendagri writes it (NN or NN.NN), NNNN read as NN.NN; None when it is neither."""
    match = _KEMENDAGRI.match(value.strip())
    if match is None:
        return None
    province, local = match.groups()
    return province if local is None else f"{province}.{local}"


def is_bps_code(value: str) -> bool:
    """Whether the value has a BPS code's shape: 2 digits (province) or 4 (regency or city)."""
    return _BPS.match(value) is not None


def region_code_problem(kind: str, region_code: str, province_code: str | None) -> str | None:
    """What breaks Kemendagri's rule in a province's, regency's or city's region code; None when nothing does."""
    code = kemendagri_code(region_code)
    if code is None:
        return messages.KEMENDAGRI_FORMAT()
    province, _, local = code.partition(".")
    kind_name = messages.KIND_NAMES[kind]()
    if kind == "province":
        return None if not local else messages.PROVINCE_CODE_TWO_DIGITS()
    if not local:
        return messages.LOCAL_CODE_NEEDS_PROVINCE(kind=kind_name)
    if kind == "regency" and int(local) not in REGENCY_NUMBERS:
        return messages.REGENCY_NUMBER()
    if kind == "city" and int(local) not in CITY_NUMBERS:
        return messages.CITY_NUMBER()
    parent = None if province_code is None else kemendagri_code(province_code)
    if parent is not None and province != parent:
        return messages.LOCAL_CODE_PREFIX(kind=kind_name, parent=parent, province=province)
    return None


def bps_code_problem(kind: str, bps_code: str) -> str | None:
    """What is wrong with a province's, regency's or city's BPS code for its kind; None when nothing is."""
    if not is_bps_code(bps_code):
        return messages.BPS_FORMAT()
    if kind == "province" and len(bps_code) != 2:
        return messages.PROVINCE_BPS_DIGITS()
    if kind != "province" and len(bps_code) != 4:
        return messages.LOCAL_BPS_DIGITS(kind=messages.KIND_NAMES[kind]())
    return None
