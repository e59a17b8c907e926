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
IDEMPOTENCY_KEY_REQUIRED = Text(
    id=(
        "Kirim header Idempotency-Key (nilai unik per permohonan, mis. UUID) untuk tindakan yang mengikat dana; "
        "pengiriman ulang dengan kunci yang sama tidak mengikat dana dua kali."
    ),
    en=(
        "send an Idempotency-Key header (unique per request, e.g. a UUID) with an action that commits money; "
        "a retry with the same key never commits twice"
    ),
)
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

# Printed reports (printouts.py): the funding report as XLSX and PDF.
PRINT_TITLE = Text(id="Laporan Pendanaan Pengembangan Kompetensi", en="Competency development funding report")
PRINT_YEAR = Text(id="Tahun anggaran {year}", en="Fiscal year {year}")
PRINT_INSTITUTION = Text(id="Instansi: {name}", en="Institution: {name}")
PRINT_ALL = Text(id="Cakupan: seluruh instansi", en="Scope: every institution")
PRINT_SUMMARY = Text(id="Ringkasan", en="Summary")
PRINT_CEILING = Text(id="Pagu", en="Ceiling")
PRINT_COMMITTED = Text(id="Terikat", en="Committed")
PRINT_REALIZED = Text(id="Terealisasi", en="Realized")
PRINT_AVAILABLE = Text(id="Tersedia", en="Available")
PRINT_BY_SOURCE = Text(id="Per sumber dana", en="By funding source")
PRINT_SOURCE = Text(id="Sumber dana", en="Funding source")
PRINT_SOURCE_CHART = Text(
    id="Pemakaian pagu per sumber dana (terikat, terealisasi, tersedia)",
    en="Use of the ceiling by source (committed, realized, available)",
)
PRINT_BY_INSTITUTION = Text(id="Per instansi", en="By institution")
PRINT_INSTITUTION_COLUMN = Text(id="Instansi", en="Institution")
PRINT_DOB = Text(id="Pendanaan peserta DOB per provinsi", en="Funding of DOB participants by province")
PRINT_DOB_TOTAL = Text(
    id="Dana untuk peserta DOB (terikat dan terealisasi)", en="Money for DOB participants (committed and realized)"
)
PRINT_DOB_OF_TOTAL = Text(id="Seluruh dana terikat dan terealisasi", en="All money committed and realized")
PRINT_DOB_SHARE = Text(id="Bagian DOB", en="DOB share")
PRINT_DOB_REQUESTS = Text(id="Permohonan pendanaan DOB", en="DOB funding requests")
PRINT_PROVINCE = Text(id="Provinsi DOB", en="DOB province")
PRINT_NO_PROVINCE = Text(id="Tanpa provinsi (kegiatan fasilitasi K/L)", en="No province (K/L facilitation activities)")
PRINT_REQUESTS = Text(id="Permohonan", en="Requests")
PRINT_PARTICIPANTS = Text(id="Peserta", en="Participants")
PRINT_DOB_CHART = Text(id="Dana peserta DOB per provinsi", en="Money for DOB participants by province")
PRINT_FILE = Text(id="laporan pendanaan {scope} {year}", en="funding report {scope} {year}")
PRINT_FILE_ALL = Text(id="seluruh instansi", en="all institutions")
