"""The development plan sheet clerks send for an import: its columns, the words clerks write in them, and how a
flat sheet row becomes the nested item the API takes.

Headers may be English (the item's field names, flattened) or Indonesian; values may be Indonesian words (teknis,
kesenjangan_kinerja, pelatihan_teknis, triwulan II, Rp1.500.000). Reading the file itself is `sinergi_shared.sheets`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from enrollment import messages
from sinergi_shared.sheets import Columns

# The words a clerk may write for each coded field, normalised (lower case, `_` between words), and the API's code
# each stands for; the first word of a code is the one a refusal names. A code is always accepted as itself.
VOCABULARY: dict[str, dict[str, str]] = {
    "target_position_kind": {
        "struktural": "structural",
        "fungsional": "functional",
        "pelaksana": "executor",
    },
    "competency_type": {
        "teknis": "technical",
        "manajerial": "managerial",
        "sosial_kultural": "socio_cultural",
        "sosiokultural": "socio_cultural",
    },
    "need": {
        "kesenjangan_kompetensi": "competency_gap",
        "kesenjangan_kinerja": "performance_gap",
        "karier": "career",
        "karir": "career",
    },
    "pattern": {
        "pelatihan_teknis": "technical_training",
        "pelatihan_fungsional": "functional_training",
        "magang": "apprenticeship",
        "pemagangan": "apprenticeship",
        "fasilitasi_daerah": "regional_facilitation",
        "in_house_training": "in_house_training",
        "coaching": "coaching",
        "mentoring": "mentoring",
        "on_the_job": "on_the_job",
    },
    "category": {
        "formal": "formal",
        "sosial": "social",
        "pengalaman": "experiential",
        "berbasis_pengalaman": "experiential",
    },
}
# Flat sheet columns that the item nests: (object, its field).
NESTED: dict[str, tuple[str, str]] = {
    "target_position_kind": ("target_group", "position_kind"),
    "target_count": ("target_group", "count"),
    "competency_type": ("competency", "type"),
    "competency_name": ("competency", "name"),
}
SHEET_FIELD: dict[tuple[str, ...], str] = {nested: flat for flat, nested in NESTED.items()}

QUARTERS = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
# "II", "TW II", "Triwulan 2", "Q2": the quarter's number or Roman numeral after an optional name.
QUARTER = re.compile(r"(?:triwulan|tw|q)?[\s.]*([1-4]|i{1,3}|iv)", re.IGNORECASE)
# Rupiah as clerks write it: "Rp1.500.000", "Rp 1.500.000,00", "1.500.000", "1500000". A comma is the decimal
# separator in Indonesian, so "1,500,000" is not read as thousands.
RUPIAH = re.compile(r"(?:rp\.?|idr)?\s*([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,0{1,2}|,-)?", re.IGNORECASE)


def _code(field: str) -> Callable[[str], str]:
    """A cell reader for a coded field: an Indonesian word as the API's code, the code itself in any case."""
    words = VOCABULARY[field]

    def read(text: str) -> str:
        normal = "_".join(text.lower().replace("-", " ").split())
        return words.get(normal, normal)

    return read


def words_of(field: str) -> str:
    """The words a coded column takes, one per code, as a refusal lists them."""
    first: dict[str, str] = {}
    for word, code in VOCABULARY[field].items():
        first.setdefault(code, word)
    return ", ".join(first.values())


def _quarter(text: str) -> str:
    match = QUARTER.fullmatch(text.strip())
    return text if match is None else QUARTERS.get(match[1].lower(), match[1])


def _rupiah(text: str) -> str:
    match = RUPIAH.fullmatch(text.strip())
    return text if match is None else match[1].replace(".", "")


PLAN_ITEMS = Columns(
    indonesian={
        "nip": "nip",
        "target_position_kind": "kelompok_jabatan",
        "target_count": "jumlah_orang",
        "competency_type": "jenis_kompetensi",
        "competency_name": "nama_kompetensi",
        "need": "kebutuhan",
        "pattern": "pola",
        "category": "kategori",
        "target_jp": "jp_sasaran",
        "target_year": "tahun_sasaran",
        "planned_program_id": "id_program",
        "planned_provider_id": "id_penyelenggara",
        "quarter": "triwulan",
        "estimated_cost_idr": "perkiraan_biaya",
        "funding_source": "sumber_dana",
    },
    required=(
        "competency_type",
        "competency_name",
        "need",
        "pattern",
        "target_jp",
        "target_year",
        "estimated_cost_idr",
        "funding_source",
    ),
    either=(("nip", "target_position_kind"),),
    values={
        "nip": lambda text: "".join(text.split()),  # NIPs are often printed in groups: 19850415 201001 1 001
        **{field: _code(field) for field in VOCABULARY},
        "quarter": _quarter,
        "estimated_cost_idr": _rupiah,
        "funding_source": str.upper,
    },
    subject=messages.PLAN_ITEM_ROWS,
    help=messages.PLAN_COLUMNS_HELP,
)


def item_fields(row: Mapping[str, str]) -> dict[str, Any]:
    """A sheet row's fields as the item's: the target group and the competency nested, present ones only."""
    item: dict[str, Any] = {"competency": {}}  # so that a missing cell is reported on its own column
    for field, value in row.items():
        if field in NESTED:
            parent, name = NESTED[field]
            item.setdefault(parent, {})[name] = value
        else:
            item[field] = value
    return item
