"""The funding service's texts for people, in Bahasa Indonesia (default) and English.

A decision's `detail` is written once, when the request is decided (often by a consumer, outside any
request): it is kept in Indonesian, the default, and shown as it was written.
"""

from __future__ import annotations

from sinergi_shared.language import Text

INSTITUTION_NOT_ANNOUNCED = Text(
    id="registri belum mengumumkan instansi ini", en="the registry has not announced this institution"
)
INSTITUTION_INACTIVE = Text(id="instansi ini sudah tidak aktif", en="the institution is inactive")
BUDGET_LINE_NOT_FOUND = Text(id="Pos anggaran tidak ditemukan.", en="no such budget line")
FUNDING_REQUEST_NOT_FOUND = Text(id="Permohonan pendanaan tidak ditemukan.", en="no such funding request")
NOTHING_TO_REVISE = Text(id="tidak ada yang diubah", en="nothing to revise")
SEND_CEILING_OR_LIMIT = Text(
    id="kirim ceiling_idr dan/atau auto_approve_limit_idr", en="send ceiling_idr and/or auto_approve_limit_idr"
)
CEILING_BELOW_SPENT = Text(
    id="Pagu tidak dapat diturunkan di bawah jumlah yang sudah terikat dan terealisasi ({spent}).",
    en="the ceiling cannot go below what is committed and realized ({spent})",
)
OUT_OF_REACH: dict[str, Text] = {
    "budget": Text(
        id="anggaran instansi lain di luar kewenangan token ini",
        en="the budget of another institution is out of this token's reach",
    ),
    "budget_line": Text(
        id="pos anggaran instansi lain di luar kewenangan token ini",
        en="a budget line of another institution is out of this token's reach",
    ),
    "funding_request": Text(
        id="permohonan pendanaan instansi lain di luar kewenangan token ini",
        en="a funding request of another institution is out of this token's reach",
    ),
    "data": Text(
        id="data instansi lain di luar kewenangan token ini",
        en="the data of another institution is out of this token's reach",
    ),
}
DECIDED_BY_COORDINATOR = Text(
    id="permohonan ini harus diputuskan oleh koordinator", en="this request must be decided by a coordinator"
)
DECIDED_BY_PAYER = Text(
    id="permohonan ini harus diputuskan oleh pemegang funding:approve di instansi pembayar",
    en="this request must be decided by a funding:approve holder of the payer institution",
)
DECIDE_STATUS = Text(
    id="Hanya permohonan yang menunggu persetujuan yang dapat diputuskan; permohonan ini berstatus {status}.",
    en="only a request awaiting approval can be decided; this one is {status}",
)
REFUSED_SOURCE = Text(id="{reason}: {detail}", en="{reason}: {detail}")

# Routing and decisions.
SOURCE_OWNERS: dict[str, Text] = {
    "APBD": Text(id="pemerintah daerah", en="regional governments"),
    "central": Text(id="kementerian dan lembaga pusat", en="central ministries and agencies"),
}
SECTOR_NAMES: dict[str, Text] = {
    "central": Text(id="pusat", en="central"),
    "regional": Text(id="daerah", en="regional"),
}
SOURCE_NOT_OF_SECTOR = Text(
    id="pos {source} milik {owner}; instansi ini termasuk sektor {sector}",
    en="{source} lines belong to {owner}; this institution is {sector}",
)
DOB_LINES_APBN = Text(id="pos dob_facilitation dibiayai dari APBN", en="dob_facilitation lines are funded from APBN")
APBD_ONLY_REGIONAL = Text(
    id="APBD hanya membiayai peserta dari pemerintah daerah",
    en="APBD pays only for participants of a regional government",
)
REGIONAL_PROVIDER_APBD = Text(
    id="kursi unit pelatihan daerah dibiayai dari APBD; APBD hanya membiayai peserta dari pemerintah daerah",
    en="a regional training unit's seats are paid from APBD; APBD pays only for participants of a regional government",
)
NO_BUDGET_LINE = Text(
    id="tidak ada pos {purpose} {source} untuk instansi {institution}",
    en="no {purpose} {source} line for institution {institution}",
)
INSUFFICIENT_BUDGET = Text(
    id="diminta {requested}, tersedia {available}", en="{requested} requested, {available} available"
)
NO_LONGER_FITS = Text(id="{amount} tidak lagi cukup pada pos ini", en="{amount} no longer fits the line")
APPROVAL_TIMEOUT = Text(id="tidak ada keputusan sebelum {deadline}", en="no decision before {deadline}")
