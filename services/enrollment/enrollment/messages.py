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
NOMINEE_NOT_STAFF = Text(
    id="ASN dengan NIP ini bukan pegawai instansi pengusul menurut data registri; "
    "ASN yang baru didaftarkan tercatat beberapa detik kemudian",
    en="no civil servant with this NIP is on the nominating institution's staff in the registry's data; "
    "one registered just now appears a few seconds later",
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

# Plan reports.
DEMAND_OWN_PROVIDER = Text(
    id="kebutuhan pelatihan hanya dapat dilihat untuk penyelenggara pemilik token atau unit pelatihan K/L atau "
    "Pemda-nya, kecuali koordinator",
    en="demand can only be read for the token's own provider or a training unit of its K/L or Pemda, "
    "unless it is a coordinator",
)

# Plans.
PLAN_NOT_FOUND = Text(id="Rencana {id} tidak ditemukan.", en="plan {id} not found")
PLAN_NOT_YOURS = Text(
    id="rencana hanya dapat disusun untuk instansi pemilik token, kecuali koordinator",
    en="plans can only be drafted for the token's own institution unless it is a coordinator",
)
PLAN_LIST_OWN = Text(
    id="daftar rencana hanya untuk instansi pemilik token, kecuali koordinator",
    en="plans can only be listed for the token's own institution unless it is a coordinator",
)
PLAN_APPROVE_OWN = Text(
    id="rencana hanya dapat disetujui oleh PPK instansinya sendiri (cakupan plans:approve instansi itu)",
    en="a plan can only be approved by its own institution's PPK (plans:approve of that institution)",
)
PLAN_SHORT_EXISTS = Text(
    id="Instansi ini sudah memiliki rencana jangka pendek tahun {year}: rencana {plan}.",
    en="the institution already has a short plan for {year}: plan {plan}",
)
PLAN_LAST_BEFORE_FIRST = Text(id="tidak boleh sebelum first_year", en="must not be before first_year")
PLAN_SHORT_ONE_YEAR = Text(
    id="rencana jangka pendek mencakup satu tahun anggaran: last_year harus sama dengan first_year ({first})",
    en="a short plan covers one fiscal year: last_year must equal first_year ({first})",
)
PLAN_SPAN = Text(
    id="rencana {horizon} mencakup paling banyak {most} tahun anggaran; {first} sampai {last} adalah {years} tahun",
    en="a {horizon} plan covers at most {most} fiscal years; {first} to {last} is {years}",
)
PLAN_ACTIONS: dict[str, Text] = {
    "edit": Text(id="diubah", en="changed"),
    "submit": Text(id="diajukan", en="submitted"),
    "approve": Text(id="disetujui", en="approved"),
    "revise": Text(id="direvisi", en="revised"),
}
PLAN_STATUS = Text(
    id="Rencana berstatus {status} tidak dapat {action}; hanya rencana berstatus {required}.",
    en="a plan in status {status} cannot be {action}; only a {required} plan can",
)
PLAN_EMPTY = Text(id="Rencana tanpa butir tidak dapat diajukan.", en="a plan without items cannot be submitted")
PLAN_UNDECIDED_REVISION = Text(
    id="Rencana ini sudah memiliki revisi yang belum disetujui: rencana {plan} (revisi {revision}).",
    en="this plan already has a revision not yet approved: plan {plan} (revision {revision})",
)
PLAN_ITEM_NOT_FOUND = Text(
    id="Butir {item} tidak ditemukan pada rencana {plan}.", en="item {item} not found in plan {plan}"
)
PLAN_ITEM_WHOM = Text(id="isi tepat satu dari nip atau target_group", en="give exactly one of nip or target_group")
PLAN_YEAR_OUTSIDE = Text(
    id="tahun sasaran harus di antara {first} dan {last}", en="the target year must be between {first} and {last}"
)
PLAN_NOT_STAFF = Text(
    id="ASN ini bukan pegawai instansi pemilik rencana",
    en="this civil servant is not employed by the plan's institution",
)
PLAN_PROGRAM_UNKNOWN = Text(id="program ini tidak dikenal", en="no such program")
PLAN_PATTERN_OF_PROGRAM = Text(
    id="harus sama dengan pola program yang direncanakan ({pattern})",
    en="must be the planned program's pattern ({pattern})",
)
PLAN_YEAR_OF_PROGRAM = Text(
    id="program yang direncanakan untuk tahun anggaran {fiscal_year}, bukan {target_year}",
    en="the planned program is for fiscal year {fiscal_year}, not {target_year}",
)
PLAN_PROVIDER_OF_PROGRAM = Text(
    id="harus penyelenggara program yang direncanakan ({provider})",
    en="must be the planned program's provider ({provider})",
)
PLAN_PROVIDER_NOT_ACTIVE = Text(
    id="bukan unit pelatihan atau K/L yang aktif di registri",
    en="not an active training unit or ministry/agency in the registry",
)
PLAN_FINDINGS: dict[str, Text] = {
    "pns_below_minimum": Text(
        id="{year}: {count} PNS direncanakan kurang dari {minimum} JP",
        en="{year}: {count} PNS have fewer than {minimum} JP planned",
    ),
    "pppk_above_maximum": Text(
        id="{year}: {count} PPPK direncanakan lebih dari {maximum} JP",
        en="{year}: {count} PPPK have more than {maximum} JP planned",
    ),
    "people_not_on_staff": Text(
        id="{year}: {count} ASN dalam rencana bukan lagi pegawai aktif instansi ini",
        en="{year}: {count} people in the plan are no longer active staff of the institution",
    ),
    "mix_off_target": Text(
        id="{year}: komposisi 10:20:70 yang direncanakan menyimpang lebih dari {tolerance} poin persen dari sasaran",
        en="{year}: the planned 10:20:70 mix is more than {tolerance} percentage points off the target",
    ),
    "budget_lines_unknown": Text(
        id="Pagu anggaran instansi tidak diketahui layanan enrollment (layanan ini tidak menerima peristiwa "
        "anggaran): biaya rencana ditampilkan per sumber dana tanpa dibandingkan dengan pagu.",
        en="the institution's budget lines are not known to the enrollment service (it receives no budget events): "
        "planned cost is shown per funding source, not against the ceilings",
    ),
}

# Plan import.
PLAN_ITEM_ROWS = Text(id="butir rencana", en="plan items")
PLAN_COLUMNS_HELP = Text(
    id="nip, atau kelompok_jabatan (struktural, fungsional, atau pelaksana) dengan jumlah_orang; jenis_kompetensi "
    "(teknis, manajerial, atau sosial_kultural); nama_kompetensi; kebutuhan (kesenjangan_kompetensi, "
    "kesenjangan_kinerja, atau karier); pola (pelatihan_teknis, pelatihan_fungsional, magang, fasilitasi_daerah, "
    "in_house_training, coaching, mentoring, atau on_the_job); kategori (boleh kosong: mengikuti pola); jp_sasaran; "
    "tahun_sasaran; id_program; id_penyelenggara; triwulan (1-4 atau I-IV); perkiraan_biaya (rupiah, mis. "
    "Rp1.500.000); sumber_dana (APBN, BLU, PNBP, atau APBD); judul kolom dan isian bahasa Inggris juga diterima",
    en="nip, or kelompok_jabatan (target_position_kind: struktural, fungsional or pelaksana) with jumlah_orang "
    "(target_count); jenis_kompetensi (competency_type: teknis, manajerial or sosial_kultural); nama_kompetensi "
    "(competency_name); kebutuhan (need: kesenjangan_kompetensi, kesenjangan_kinerja or karier); pola (pattern: "
    "pelatihan_teknis, pelatihan_fungsional, magang, fasilitasi_daerah, in_house_training, coaching, mentoring or "
    "on_the_job); kategori (category, may be empty: the pattern's); jp_sasaran (target_jp); tahun_sasaran "
    "(target_year); id_program (planned_program_id); id_penyelenggara (planned_provider_id); triwulan (quarter: 1-4 "
    "or I-IV); perkiraan_biaya (estimated_cost_idr, in rupiah, e.g. Rp1.500.000); sumber_dana (funding_source: "
    "APBN, BLU, PNBP or APBD); English headers and values are accepted too",
)
PLAN_IMPORT_NIP_SCIENTIFIC = Text(
    id="NIP {nip} terbaca sebagai angka berformat ilmiah sehingga digit terakhirnya hilang. Format kolom NIP "
    "sebagai Teks, lalu ketik ulang ke-18 digitnya",
    en="the NIP {nip} reads as a number in scientific notation, its last digits lost. Format the NIP column as "
    "text and type its 18 digits again",
)
PLAN_IMPORT_TEXT_INVALID = Text(
    id="teks harus UTF-8 yang sah (tanpa surrogate tunggal)", en="text must be valid UTF-8 (no lone surrogates)"
)
PLAN_IMPORT_WHOM = Text(
    id="isi tepat satu dari nip atau kelompok_jabatan (dengan jumlah_orang)",
    en="give exactly one of nip or kelompok_jabatan (target_position_kind) with jumlah_orang (target_count)",
)
PLAN_IMPORT_WORDS = Text(
    id="isi salah satu dari: {words} (atau kode bahasa Inggrisnya)", en="write one of: {words} (or the English code)"
)
