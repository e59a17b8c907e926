"""The civil servant sheet clerks send for an import: its columns and the words clerks write in them.

Headers may be English (the API's field names) or Indonesian, and values Indonesian (struktural, fungsional,
pelaksana); reading the file itself is `sinergi_shared.sheets`.
"""

from __future__ import annotations

from registry import messages
from sinergi_shared.sheets import Columns, words

CIVIL_SERVANTS = Columns(
    indonesian={
        "nip": "nip",
        "name": "nama",
        "institution_id": "id_instansi",
        "institution_code": "kode_instansi",
        "employment": "status_kepegawaian",
        "position_kind": "jenis_jabatan",
        "position_title": "jabatan",
        "grade": "golongan",
        "position_level": "eselon",
    },
    required=("nip", "name", "employment", "position_kind"),
    either=(("institution_code", "institution_id"),),
    values={
        "nip": lambda text: "".join(text.split()),  # NIPs are often printed in groups: 19850415 201001 1 001
        "institution_code": str.upper,
        "employment": words({"pns": "PNS", "pppk": "PPPK", "p3k": "PPPK"}),
        "position_kind": words(
            {
                "struktural": "structural",
                "structural": "structural",
                "fungsional": "functional",
                "functional": "functional",
                "pelaksana": "executor",
                "executor": "executor",
            }
        ),
        "position_level": words(
            {
                "jpt utama": "jpt_utama",
                "jpt madya": "jpt_madya",
                "jpt pratama": "jpt_pratama",
                "administrator": "administrator",
                "pengawas": "pengawas",
            }
        ),
    },
    subject=messages.CIVIL_SERVANT_ROWS,
    help=messages.COLUMNS_HELP,
)
