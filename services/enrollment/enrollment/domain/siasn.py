"""SIASN training-history rows: which SIASN fields a passed completion fills, and what it still lacks.

SIASN is BKN's civil-service information system. Its web service (`apisiasn/1.0`) takes a course history
(riwayat kursus, `POST /kursus/save`) and a structural training history (riwayat diklat struktural,
`POST /diklat/save`). BKN publishes no open specification; the field names are those public integration code
sends, read on 2026-12-03:

- black-coffee04/ws-siasn-php (a PHP SDK): examples/kursus.php and examples/diklat.php (the payloads),
  src/Services/KursusService.php and src/Services/DiklatService.php (the endpoints; dates sent as `d-m-Y`).
- kanekescom/laravel-siasn-simpeg: src/Services/PostKursusSaveService.php and PostDiklatSaveService.php (the
  fields each save accepts, with instansiId added to both); kanekescom/laravel-siasn-simpeg-api:
  src/Commands/PostKursusSaveCommand.php and PostDiklatSaveCommand.php (the request skeletons).
- kanekescom/laravel-siasn-referensi: database/migrations (reference tables: jenis diklat ids are small
  integers, latihan struktural and lokasi ids are strings).

Not confirmed, so not filled: `pnsOrangId` (SIASN's own person id: an uploader looks it up by the NIP, as
integrations do with `GET /pns/data-utama/{nip}`; the rows carry the NIP as `nipBaru`, SIASN's name for it in read
responses, which is no field of either save), `jenisKursus` (sent empty in every example), `bobot` and
`jenisKompetensi` of the structural history, `path` (uploaded documents). SIASN's saves have no certificate
date field that any of them sends; `tanggal` of the structural history is read as the start date, as the SDK
pairs it with `tanggalSelesai`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal
from uuid import UUID

# Which SIASN history an export fills.
History = Literal["course", "structural"]

# Reference ids SIASN needs that Sinergi does not hold, by what they are kept for in Sinergi:
# institution: a Sinergi institution id → SIASN instansiId; course_type: a pattern → jenisDiklatId;
# certificate_type: a pattern → jenisKursusSertipikat; location: a provider's institution id → lokasiId;
# structural_training: a program id or a pattern → latihanStrukturalId (its completions are structural history).
MappingKind = Literal["institution", "course_type", "certificate_type", "location", "structural_training"]
MAPPING_KINDS: tuple[MappingKind, ...] = (
    "institution",
    "course_type",
    "certificate_type",
    "location",
    "structural_training",
)
# Kinds whose Sinergi value is an institution id, a pattern, or either a program id or a pattern.
INSTITUTION_KEYED: frozenset[MappingKind] = frozenset({"institution", "location"})
PATTERN_KEYED: frozenset[MappingKind] = frozenset({"course_type", "certificate_type"})

COURSE_FIELDS = (
    "instansiId",
    "institusiPenyelenggara",
    "jenisDiklatId",
    "jenisKursusSertipikat",
    "jumlahJam",
    "lokasiId",
    "namaKursus",
    "nomorSertipikat",
    "nipBaru",
    "tahunKursus",
    "tanggalKursus",
    "tanggalSelesaiKursus",
)
STRUCTURAL_FIELDS = (
    "instansiId",
    "institusiPenyelenggara",
    "jumlahJam",
    "latihanStrukturalId",
    "nomor",
    "nipBaru",
    "tahun",
    "tanggal",
    "tanggalSelesai",
)
FIELDS: dict[History, tuple[str, ...]] = {"course": COURSE_FIELDS, "structural": STRUCTURAL_FIELDS}

Row = dict[str, str | int]


@dataclass(frozen=True, slots=True)
class Completion:
    """A passed completion as the export reads it, with its certificate when one was issued."""

    enrollment_id: UUID
    nip: str
    institution_id: UUID
    program_id: UUID
    title: str
    pattern: str
    provider_id: UUID
    provider_name: str | None
    jp: int
    starts_on: date
    ends_on: date
    certificate_number: str | None
    certificate_revoked: bool


@dataclass(frozen=True, slots=True)
class References:
    """The operator's mappings, one dict of Sinergi value → SIASN id per kind."""

    by_kind: dict[str, dict[str, str]]

    def of(self, kind: MappingKind, value: object) -> str | None:
        return self.by_kind.get(kind, {}).get(str(value))


def siasn_date(day: date) -> str:
    """A date as SIASN's saves take it: dd-mm-yyyy."""
    return f"{day:%d-%m-%Y}"


def history_of(completion: Completion, refs: References) -> History:
    """Structural history when the operator mapped the program (or else its pattern) to a structural training."""
    return "structural" if _structural_id(completion, refs) is not None else "course"


def _structural_id(completion: Completion, refs: References) -> str | None:
    by_program = refs.of("structural_training", completion.program_id)
    return by_program if by_program is not None else refs.of("structural_training", completion.pattern)


def row_of(completion: Completion, refs: References) -> tuple[Row | None, list[str]]:
    """The completion's SIASN row in its history, or None and what is missing (never a guessed value)."""
    history = history_of(completion, refs)
    institution = refs.of("institution", completion.institution_id)
    course_type = refs.of("course_type", completion.pattern)
    missing = [
        name
        for name, absent in (
            ("institution", institution is None),
            ("course_type", history == "course" and course_type is None),
            ("organizer", completion.provider_name is None),
            ("certificate", completion.certificate_number is None),
            ("certificate_revoked", completion.certificate_revoked),
        )
        if absent
    ]
    if missing:
        return None, missing
    assert institution is not None and completion.provider_name is not None and completion.certificate_number
    shared: Row = {
        "instansiId": institution,
        "institusiPenyelenggara": completion.provider_name,
        "jumlahJam": completion.jp,
        "nipBaru": completion.nip,
    }
    if history == "structural":
        row: Row = {
            **shared,
            "latihanStrukturalId": _structural_id(completion, refs) or "",
            "nomor": completion.certificate_number,
            "tahun": completion.ends_on.year,
            "tanggal": siasn_date(completion.starts_on),
            "tanggalSelesai": siasn_date(completion.ends_on),
        }
    else:
        row = {
            **shared,
            "jenisDiklatId": course_type or "",
            # Optional in every example seen: left empty until the operator maps them, never guessed.
            "jenisKursusSertipikat": refs.of("certificate_type", completion.pattern) or "",
            "lokasiId": refs.of("location", completion.provider_id) or "",
            "namaKursus": completion.title,
            "nomorSertipikat": completion.certificate_number,
            "tahunKursus": completion.ends_on.year,
            "tanggalKursus": siasn_date(completion.starts_on),
            "tanggalSelesaiKursus": siasn_date(completion.ends_on),
        }
    return {name: row[name] for name in FIELDS[history]}, []
