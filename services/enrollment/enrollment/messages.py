"""The enrollment service's texts for people, in Bahasa Indonesia (default) and English."""

from __future__ import annotations

from sinergi_shared.language import Text

# Programs.
PROVIDER_NOT_ACTIVE = Text(id="bukan instansi aktif di registri", en="not an active institution in the registry")
PROVIDER_KIND = Text(
    id="penyelenggara harus unit pelatihan atau kementerian/lembaga",
    en="a provider must be a training unit or a ministry/agency",
)
PROVIDER_WITHOUT_PARENT = Text(
    id="unit pelatihan ini tidak memiliki induk K/L atau Pemda di registri",
    en="the training unit has no parent K/L or Pemda in the registry",
)
PROGRAM_NOT_YOURS = Text(
    id="program hanya dapat dibuat untuk unit pelatihan pemilik token atau K/L atau Pemda induknya",
    en="programs can only be created for the token's own training unit or its K/L or Pemda",
)
CATEGORY_FOLLOWS_PATTERN = Text(
    id="kategori mengikuti pola pengembangan (Perlan LAN 6/2023 pasal 18): {pattern} termasuk {fixed}, "
    "bukan {category}",
    en="the category follows the pattern (Perlan LAN 6/2023 art. 18): {pattern} is {fixed}, not {category}",
)
HORIZON_RULES: dict[str, Text] = {
    "short": Text(
        id="tahun anggaran berjalan atau berikutnya (rencana tahunan, PP 11/2017 pasal 205)",
        en="this fiscal year or the next (the annual plan, PP 11/2017 art. 205)",
    ),
    "medium": Text(
        id="5 tahun anggaran sejak tahun berjalan (Renstra)",
        en="within the 5 fiscal years from this one (the Renstra)",
    ),
    "long": Text(
        id="20 tahun anggaran sejak tahun berjalan (RPJPN)",
        en="within the 20 fiscal years from this one (the RPJPN)",
    ),
}
HORIZON_NAMES: dict[str, Text] = {
    "short": Text(id="jangka pendek", en="short"),
    "medium": Text(id="jangka menengah", en="medium"),
    "long": Text(id="jangka panjang", en="long"),
}
HORIZON_YEAR = Text(
    id="program {horizon} berlaku untuk {rule}: {first} sampai {last}, bukan {fiscal_year}",
    en="a {horizon} program is for {rule}: {first} to {last}, not {fiscal_year}",
)
PROGRAM_NOT_FOUND = Text(id="Program {id} tidak ditemukan.", en="program {id} not found")

PROVIDER_OWNER_INACTIVE = Text(
    id="K/L atau Pemda induk unit pelatihan ini sudah dinonaktifkan",
    en="the training unit's K/L or Pemda is deactivated",
)
PROVIDER_SUCCEEDED = Text(
    id="{code} telah digantikan pada {on} oleh {successors}: program baru menjadi milik instansi pengganti atau "
    "unit pelatihannya (operator dapat memindahkan unit ini ke bawah instansi pengganti)",
    en="{code} was succeeded on {on} by {successors}: a new program belongs to a successor or its training unit "
    "(an operator can move this unit under a successor)",
)

# Cohorts.
COHORT_NOT_YOURS = Text(
    id="angkatan hanya dapat ditambahkan pada program milik token ini",
    en="cohorts can only be added to the token's own programs",
)
ENDS_BEFORE_START = Text(id="tidak boleh sebelum starts_on", en="must not be before starts_on")
COHORT_OUTSIDE_FISCAL_YEAR = Text(
    id="angkatan berlangsung dalam tahun anggaran programnya, {fiscal_year} (1 Januari sampai 31 Desember)",
    en="a cohort runs within its program's fiscal year {fiscal_year} (1 January to 31 December)",
)
SHARE_REASON_NOT_NEEDED = Text(
    id="alasan hanya diisi bila kuota daerah di bawah bawaan {default_pct}%",
    en="only a share below the default {default_pct}% takes a reason",
)
SHARE_LOWERED_BY_COORDINATOR = Text(
    id="hanya koordinator yang dapat menetapkan kuota daerah di bawah bawaan {default_pct}%; "
    "penyelenggara hanya dapat menaikkannya",
    en="only a coordinator may set the regional share below the default {default_pct}%; a provider may raise it",
)
SHARE_REASON_REQUIRED = Text(
    id="kuota daerah di bawah bawaan {default_pct}% wajib disertai alasan, yang akan disimpan",
    en="a share below the default {default_pct}% needs the reason, which is kept",
)
DOB_SEATS_ABOVE_RESERVED = Text(
    id="tidak boleh melebihi {reserved} kursi kuota daerah", en="must not exceed the {reserved} reserved regional seats"
)
TIME_ZONE_REQUIRED = Text(
    id="harus mencantumkan zona waktu (RFC 3339, mis. +07:00)", en="must carry a time zone (RFC 3339)"
)
RELEASE_AFTER_CLOSE = Text(id="tidak boleh setelah enrollment_closes_at", en="must not be after enrollment_closes_at")
CLOSE_AFTER_END = Text(id="tidak boleh setelah angkatan berakhir", en="must not be after the cohort ends")
COHORT_NOT_FOUND = Text(id="Angkatan {id} tidak ditemukan.", en="cohort {id} not found")
WAITLIST_FULL = Text(
    id="Kursi angkatan ini sudah penuh dan daftar tunggunya juga penuh.",
    en="the cohort is full and its waitlist is full",
)
NIP_ALREADY_IN_COHORT = Text(
    id="NIP ini sudah terdaftar aktif di angkatan ini (pendaftaran {enrollment}).",
    en="this NIP is already active in the cohort (enrollment {enrollment})",
)

# Nominations and enrollments.
NIP_UNKNOWN = Text(id="NIP ini tidak dikenal registri", en="the registry does not know this NIP")
CIVIL_SERVANT_RETIRED = Text(id="ASN ini sudah pensiun", en="this civil servant is retired")
NOT_NOMINATOR_STAFF = Text(
    id="ASN ini bukan pegawai instansi pengusul", en="this civil servant is not employed by the nominating institution"
)
EMPLOYER_UNKNOWN = Text(
    id="instansi ASN ini belum dikenal replika registri",
    en="the civil servant's institution is not known to the registry replica",
)
COHORT_CLOSED = Text(id="Pendaftaran angkatan ini sudah ditutup.", en="the cohort is closed for nominations")
PPPK_JP_LIMIT = Text(
    id="PPPK paling banyak mengikuti {maximum} JP per tahun; pada {year} sudah {held} JP tercatat atau dipesan "
    "dan program ini {program} JP",
    en="a PPPK may take at most {maximum} JP a year; {held} JP are already held or credited in {year} and this "
    "program has {program}",
)
ENROLLMENT_NOT_FOUND = Text(id="Pendaftaran {id} tidak ditemukan.", en="enrollment {id} not found")
CANCEL_NOT_YOURS = Text(
    id="hanya instansi peserta atau instansi pengusul yang dapat membatalkan pendaftaran",
    en="only the participant's or nominating institution may cancel an enrollment",
)
CANCEL_STATUS = Text(
    id="Pendaftaran berstatus {status} tidak dapat dibatalkan.",
    en="an enrollment in status {status} cannot be cancelled",
)
COMPLETE_NOT_PROVIDER = Text(
    id="hanya penyelenggara program yang dapat mencatat kelulusan",
    en="only the program's provider may record completion",
)
COMPLETE_STATUS = Text(
    id="Hanya pendaftaran berstatus confirmed yang dapat diselesaikan; pendaftaran ini berstatus {status}.",
    en="only a confirmed enrollment can be completed; this one is {status}",
)
ATTENDED_ABOVE_PROGRAM = Text(
    id="tidak boleh melebihi {hours} JP program ini", en="must not exceed the program's {hours} JP"
)
NUL_CHARACTER = Text(id="tidak boleh mengandung karakter NUL", en="must not contain NUL characters")

# Reports.
CIVIL_SERVANT_NOT_FOUND = Text(id="ASN dengan NIP {nip} tidak ditemukan.", en="civil servant {nip} not found")
REPORT_OWN_INSTITUTION = Text(
    id="laporan instansi hanya untuk instansi pemilik token, kecuali koordinator",
    en="institution reports are for the token's own institution unless it is a coordinator",
)
INSTITUTION_NOT_FOUND = Text(id="Instansi {id} tidak ditemukan.", en="institution {id} not found")
