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

# Certificates.
CERTIFICATE_NOT_ISSUED = Text(
    id="Pendaftaran {id} tidak memiliki sertifikat: sertifikat terbit hanya untuk peserta yang lulus.",
    en="enrollment {id} has no certificate: one is issued only for a passed completion",
)
CERTIFICATE_NOT_FOUND = Text(id="Sertifikat {id} tidak ditemukan.", en="certificate {id} not found")
CERTIFICATE_CODE_UNKNOWN = Text(
    id="Kode verifikasi ini tidak dikenal: tidak ada sertifikat Sinergi dengan kode tersebut.",
    en="unknown verification code: no Sinergi certificate carries it",
)
CERTIFICATE_REVOKE_NOT_PROVIDER = Text(
    id="sertifikat hanya dapat dicabut oleh penyelenggara programnya, K/L atau Pemda induknya, atau koordinator",
    en="only the program's provider, its K/L or Pemda, or a coordinator may revoke a certificate",
)
CERTIFICATE_ALREADY_REVOKED = Text(
    id="Sertifikat {number} sudah dicabut pada {on}.", en="certificate {number} was already revoked on {on}"
)
CERTIFICATE_SETTINGS_NOT_YOURS = Text(
    id="pengaturan sertifikat hanya untuk penyelenggara itu sendiri, K/L atau Pemda induknya, atau koordinator",
    en="certificate settings belong to the provider itself, its K/L or Pemda, or a coordinator",
)
CERTIFICATE_PROVIDER_NOT_FOUND = Text(id="Penyelenggara {id} tidak ditemukan.", en="provider {id} not found")
CERTIFICATE_BLANK = Text(id="tidak boleh kosong", en="must not be blank")
PATTERN_BRACES = Text(
    id="pola nomor hanya memuat teks biasa dan kolom {code}, {year} dan {seq}",
    en="a number pattern holds plain text and the fields {code}, {year} and {seq} only",
)
PATTERN_UNKNOWN_FIELD = Text(
    id="kolom {{{field}}} tidak dikenal: gunakan {{code}}, {{year}} atau {{seq}}",
    en="unknown field {{{field}}}: use {{code}}, {{year}} or {{seq}}",
)
PATTERN_FORMAT = Text(
    id="{{{field}}} tidak menerima format; hanya {{seq}} dengan lebar nol di depan, misalnya {{seq:04}}",
    en="{{{field}}} takes no format; only {{seq}} takes a zero-padded width, e.g. {{seq:04}}",
)
PATTERN_NEEDS_SEQ_AND_YEAR = Text(
    id="pola nomor harus memuat {seq} dan {year}", en="a number pattern must contain {seq} and {year}"
)
VERIFY_RATE_LIMITED = Text(
    id="Terlalu banyak pemeriksaan sertifikat dari alamat ini; coba lagi dalam {seconds} detik.",
    en="too many certificate checks from this address; try again in {seconds} seconds",
)
VERIFY_VALID = Text(
    id="Sertifikat {number} sah: diterbitkan oleh {provider} untuk {holder} atas {program} ({jp} JP).",
    en="Certificate {number} is valid: issued by {provider} to {holder} for {program} ({jp} JP).",
)
VERIFY_REVOKED = Text(
    id="Sertifikat {number} TIDAK BERLAKU: dicabut oleh penerbitnya pada {on}.",
    en="Certificate {number} is NOT VALID: revoked by its issuer on {on}.",
)
# The printed certificate.
VERIFY_PAGE_TITLE = Text(id="Verifikasi Sertifikat", en="Certificate verification")
VERIFY_PAGE_VALID = Text(id="Sertifikat ini SAH.", en="This certificate is VALID.")
VERIFY_PAGE_REVOKED = Text(id="Sertifikat ini telah DICABUT.", en="This certificate has been REVOKED.")
VERIFY_PAGE_NUMBER = Text(id="Nomor", en="Number")
VERIFY_PAGE_HOLDER = Text(id="Pemegang (nama disamarkan)", en="Holder (name partly hidden)")
VERIFY_PAGE_PROGRAM = Text(id="Pelatihan", en="Training")
VERIFY_PAGE_JP = Text(id="Jam pelajaran (JP)", en="Learning hours (JP)")
VERIFY_PAGE_DATES = Text(id="Tanggal pelaksanaan", en="Dates")
VERIFY_PAGE_PROVIDER = Text(id="Penyelenggara", en="Provider")
VERIFY_PAGE_ISSUED = Text(id="Tanggal terbit", en="Issued on")
VERIFY_PAGE_REASON = Text(id="Alasan pencabutan", en="Reason for revocation")
CERTIFICATE_TITLE = Text(id="SERTIFIKAT", en="CERTIFICATE")
CERTIFICATE_NUMBER = Text(id="Nomor: {number}", en="No. {number}")
CERTIFICATE_GIVEN_TO = Text(id="Diberikan kepada", en="Awarded to")
CERTIFICATE_HOLDER_NUMBER: dict[str, Text] = {
    "PNS": Text(id="NIP. {nip}", en="NIP {nip}"),
    "PPPK": Text(id="NI PPPK. {nip}", en="NI PPPK {nip}"),
}
CERTIFICATE_PASSED = Text(id="telah mengikuti dan dinyatakan LULUS dalam", en="has attended and successfully completed")
CERTIFICATE_HELD = Text(
    id="yang diselenggarakan oleh {provider} pada tanggal {starts} sampai dengan {ends} "
    "sebanyak {jp} jam pelajaran (JP).",
    en="held by {provider} from {starts} to {ends}, {jp} lesson hours (JP).",
)
CERTIFICATE_HELD_ONE_DAY = Text(
    id="yang diselenggarakan oleh {provider} pada tanggal {day} sebanyak {jp} jam pelajaran (JP).",
    en="held by {provider} on {day}, {jp} lesson hours (JP).",
)
CERTIFICATE_SIGNER_UNSET = Text(id="(penandatangan belum ditetapkan)", en="(signer not set)")
CERTIFICATE_VERIFY_HINT = Text(
    id="Pindai kode QR untuk memeriksa keaslian sertifikat ini", en="Scan the QR code to check this certificate"
)
CERTIFICATE_VERIFY_CODE = Text(id="Kode verifikasi: {code}", en="Verification code: {code}")
CERTIFICATE_REVOKED_STAMP = Text(id="DICABUT", en="REVOKED")
CERTIFICATE_PDF_TITLE = Text(id="Sertifikat {number}", en="Certificate {number}")
CERTIFICATE_PATTERN_NAMES: dict[str, Text] = {
    "technical_training": Text(id="Pelatihan Teknis", en="Technical training"),
    "functional_training": Text(id="Pelatihan Fungsional", en="Functional training"),
    "apprenticeship": Text(id="Pemagangan", en="Apprenticeship"),
    "regional_facilitation": Text(id="Pelatihan Fasilitasi Daerah", en="Regional facilitation training"),
    "in_house_training": Text(id="Pelatihan Internal (In-House Training)", en="In-house training"),
    "coaching": Text(id="Pembimbingan (Coaching)", en="Coaching"),
    "mentoring": Text(id="Pendampingan (Mentoring)", en="Mentoring"),
    "on_the_job": Text(id="Pelatihan di Tempat Kerja (On the Job Training)", en="On-the-job training"),
}

# SIASN export.
SIASN_OWN_INSTITUTION = Text(
    id="ekspor SIASN hanya untuk instansi pemilik token, kecuali koordinator",
    en="a SIASN export is for the token's own institution unless it is a coordinator",
)
SIASN_WINDOW = Text(id="tidak boleh sebelum from", en="must not be before from")
SIASN_PATTERN_UNKNOWN = Text(
    id="untuk jenis {kind}, isi dengan pola pengembangan: {patterns}",
    en="for kind {kind}, give a development pattern: {patterns}",
)
SIASN_INSTITUTION_ID = Text(
    id="untuk jenis {kind}, isi dengan id instansi yang dikenal registri",
    en="for kind {kind}, give the id of an institution the registry knows",
)
SIASN_PROGRAM_OR_PATTERN = Text(
    id="untuk jenis structural_training, isi dengan id program yang ada atau pola pengembangan: {patterns}",
    en="for kind structural_training, give the id of an existing program or a development pattern: {patterns}",
)
SIASN_MAPPING_NOT_FOUND = Text(
    id="Pemetaan SIASN {kind}/{value} tidak ditemukan.", en="SIASN mapping {kind}/{value} not found"
)
SIASN_MAPPING_KIND = Text(id="jenis pemetaan harus salah satu dari: {kinds}", en="the kind must be one of: {kinds}")
SIASN_ID_FORMAT = Text(
    id="id SIASN berisi huruf, angka atau . _ : / - (paling banyak 64 karakter)",
    en="a SIASN id holds letters, digits or . _ : / - (at most 64 characters)",
)
SIASN_MAPPING_ROWS = Text(id="pemetaan SIASN", en="SIASN mappings")
SIASN_MAPPING_COLUMNS_HELP = Text(
    id="kolom: jenis (kind), nilai_sinergi (sinergi_value), id_siasn (siasn_id), dan bila perlu label",
    en="columns: kind, sinergi_value, siasn_id, and label if wanted",
)
SIASN_IMPORT_ROW = Text(id="baris {line}: {field}: {message}", en="line {line}: {field}: {message}")
SIASN_IMPORT_REFUSED = Text(
    id="{count} kesalahan ditemukan; tidak ada pemetaan yang disimpan",
    en="{count} problems found; no mapping was stored",
)
SIASN_IMPORT_STORED = Text(id="{count} pemetaan disimpan", en="{count} mappings stored")
SIASN_REQUIRED = Text(id="wajib diisi", en="required")
SIASN_LABEL = Text(
    id="label paling banyak {limit} karakter, tanpa karakter NUL", en="a label has at most {limit} characters, no NUL"
)

# Printed reports (printouts.py): titles, headings and words of the XLSX and PDF reports.
PRINT_INSTITUTION = Text(id="Instansi: {name}", en="Institution: {name}")
PRINT_YEAR = Text(id="Tahun {year}", en="Year {year}")
PRINT_SUCCEEDED = Text(
    id="Termasuk riwayat instansi yang digantikannya: {names}",
    en="Including the history of the institutions it succeeded: {names}",
)
PRINT_SUMMARY = Text(id="Ringkasan", en="Summary")
PRINT_YES = Text(id="Ya", en="Yes")
PRINT_NO = Text(id="Tidak", en="No")
PRINT_CATEGORIES: dict[str, Text] = {
    "formal": Text(id="Pembelajaran formal", en="Formal learning"),
    "social": Text(id="Pembelajaran sosial", en="Social learning"),
    "experiential": Text(id="Pembelajaran berbasis pengalaman", en="Experiential learning"),
}
PRINT_CATEGORY = Text(id="Kategori", en="Category")
PRINT_ACTIVE_STAFF = Text(id="ASN aktif (PNS dan PPPK)", en="Active civil servants (PNS and PPPK)")
PRINT_ACTIVE_PNS = Text(id="PNS aktif", en="Active PNS")
PRINT_PEOPLE_TRAINED = Text(id="ASN yang dilatih", en="People trained")
PRINT_JP = Text(id="JP", en="Lesson hours (JP)")
PRINT_JP_CREDITED = Text(id="JP yang diakui", en="Lesson hours (JP) credited")
PRINT_MEETING_MINIMUM = Text(id="PNS dengan ≥ 20 JP", en="PNS with ≥ 20 JP")
PRINT_MEETING_MINIMUM_PCT = Text(id="PNS dengan ≥ 20 JP (%)", en="PNS with ≥ 20 JP (%)")
# 20 JP compliance and the 10:20:70 mix of an institution.
PRINT_COMPLIANCE_TITLE = Text(
    id="Kepatuhan 20 JP dan Komposisi 10:20:70", en="20 JP compliance and the 10:20:70 learning mix"
)
PRINT_MIX = Text(id="Komposisi 10:20:70", en="The 10:20:70 mix")
PRINT_MIX_ACTUAL = Text(id="Realisasi (%)", en="Actual (%)")
PRINT_MIX_TARGET = Text(id="Sasaran (%)", en="Target (%)")
PRINT_MIX_CHART = Text(id="Komposisi realisasi terhadap sasaran", en="Actual mix against the target")
PRINT_UNITS = Text(id="Kepatuhan 20 JP per unit", en="20 JP compliance by unit")
PRINT_UNIT = Text(id="Instansi / unit", en="Institution / unit")
PRINT_UNITS_CHART = Text(id="PNS yang mencapai 20 JP (%)", en="PNS reaching 20 JP (%)")
PRINT_COMPLIANCE_FILE = Text(id="kepatuhan 20 JP {name} {year}", en="20 JP compliance {name} {year}")
# The participant list of a cohort.
PRINT_PARTICIPANTS_TITLE = Text(id="Daftar Peserta", en="Participant list")
PRINT_PROGRAM = Text(id="Program: {title} ({jp} JP)", en="Training program: {title} ({jp} JP)")
PRINT_COHORT = Text(id="Angkatan: {name}", en="Cohort: {name}")
PRINT_PROVIDER = Text(id="Penyelenggara: {name}", en="Provider: {name}")
PRINT_DATES = Text(id="Tanggal: {starts} s.d. {ends}", en="Dates: {starts} to {ends}")
PRINT_PARTICIPANTS = Text(id="Peserta", en="Participants")
PRINT_NUMBER = Text(id="No.", en="#")
PRINT_NIP = Text(id="NIP", en="NIP (civil service number)")
PRINT_NAME = Text(id="Nama", en="Name")
PRINT_INSTITUTION_COLUMN = Text(id="Instansi", en="Institution")
PRINT_SEAT_CLASS = Text(id="Kelas kursi", en="Seat class")
PRINT_STATUS = Text(id="Status peserta", en="Status")
PRINT_SEAT_CLASSES: dict[str, Text] = {
    "central": Text(id="Pusat", en="Central"),
    "regional": Text(id="Daerah", en="Regional"),
    "dob": Text(id="DOB", en="DOB (new autonomous region)"),
}
PRINT_PARTICIPANT_STATUS: dict[str, Text] = {
    "reserved": Text(id="Menunggu pendanaan", en="Awaiting funding"),
    "confirmed": Text(id="Terdaftar", en="Confirmed"),
    "passed": Text(id="Lulus", en="Passed"),
    "failed": Text(id="Tidak lulus", en="Did not pass"),
    "no_show": Text(id="Tidak hadir", en="Did not attend"),
}
PRINT_SEATS = Text(id="Kursi untuk ASN daerah dan DOB", en="Seats for regional and DOB staff")
PRINT_CAPACITY = Text(id="Kapasitas", en="Capacity")
PRINT_TAKEN_CLASS = Text(id="Kursi terisi, kelas {seat_class}", en="Seats taken, {seat_class} class")
PRINT_SHARE_OF = Text(id="Bagian", en="Share")
PRINT_SHARE_SECTION = Text(id="Per K/L", en="By ministry or agency")
PRINT_REQUIRED_SEATS = Text(id="Kursi dicadangkan", en="Seats reserved")
PRINT_REQUIRED_PCT = Text(id="Dicadangkan (%)", en="Reserved (%)")
PRINT_TAKEN_SEATS = Text(id="Kursi terisi", en="Seats taken")
PRINT_ACHIEVED_PCT = Text(id="Terisi (%)", en="Taken (%)")
PRINT_MET = Text(id="Terpenuhi", en="Met")
PRINT_SHARES: dict[str, Text] = {
    "regional": Text(id="ASN daerah (termasuk DOB)", en="Regional staff (DOB included)"),
    "dob": Text(id="ASN DOB", en="DOB staff"),
}
PRINT_SEATS_CHART = Text(id="Kursi dicadangkan dan terisi (% kapasitas)", en="Seats reserved and taken (% of capacity)")
PRINT_PARTICIPANTS_FILE = Text(id="daftar peserta {program} {cohort}", en="participants {program} {cohort}")
# The regional share realized per K/L.
PRINT_SHARE_TITLE = Text(id="Realisasi Kursi ASN Daerah per K/L", en="Regional share realized per ministry/agency")
PRINT_SHARE_SCOPES: dict[str, Text] = {
    "all": Text(id="Cakupan: seluruh K/L", en="Scope: every ministry and agency"),
    "own": Text(
        id="Cakupan: angkatan yang diselenggarakan instansi ini", en="Scope: the cohorts this institution provides"
    ),
}
PRINT_MINISTRY = Text(id="K/L", en="Ministry / agency")
PRINT_COHORTS = Text(id="Angkatan", en="Cohorts")
PRINT_REGIONAL_TAKEN = Text(id="Kursi terisi ASN daerah", en="Seats taken by regional staff")
PRINT_DOB_TAKEN = Text(id="di antaranya ASN DOB", en="of which DOB staff")
PRINT_COHORTS_MET = Text(id="Angkatan memenuhi", en="Cohorts meeting it")
PRINT_SHARE_CHART = Text(
    id="Kursi ASN daerah: dicadangkan dan terisi (% kapasitas)", en="Regional seats: reserved and taken (% of capacity)"
)
PRINT_SHARE_FILE = Text(id="realisasi kursi ASN daerah per KL {year}", en="regional share per ministry {year}")
# DOB coverage.
PRINT_DOB_TITLE = Text(id="Cakupan Pengembangan Kompetensi ASN DOB", en="Competency development coverage in the DOB")
PRINT_DOB_PROVINCES = Text(id="Per provinsi DOB", en="By DOB province")
PRINT_DOB_UNITS = Text(
    id="{province}: provinsi dan kabupaten/kota", en="{province}: the province and its regencies/cities"
)
PRINT_DOB_REGION = Text(id="Wilayah", en="Region")
PRINT_COVERAGE = Text(id="Cakupan (%)", en="Coverage (%)")
PRINT_SEATS_TAKEN = Text(id="Kursi terisi", en="Seats taken")
PRINT_FUNDING_STATES: dict[str, Text] = {
    "reserved": Text(id="Pendanaan menunggu", en="Funding pending"),
    "confirmed": Text(id="Pendanaan disetujui", en="Funding approved"),
    "rejected": Text(id="Pendanaan ditolak", en="Funding refused"),
}
PRINT_DOB_CHART = Text(id="ASN aktif yang dilatih (%)", en="Active staff trained (%)")
PRINT_DOB_FILE = Text(id="cakupan ASN DOB {year}", en="DOB coverage {year}")
# A plan against its realization.
PRINT_PLAN_TITLE = Text(
    id="Realisasi Rencana Pengembangan Kompetensi", en="Competency development plan: planned against realized"
)
PRINT_PLAN = Text(
    id="Rencana {horizon} {first}–{last}, revisi {revision}, {status}",
    en="{horizon} plan {first}–{last}, revision {revision}, {status}",
)
PRINT_PLAN_STATUS: dict[str, Text] = {
    "draft": Text(id="konsep", en="draft"),
    "submitted": Text(id="diajukan", en="submitted"),
    "approved": Text(id="disetujui", en="approved"),
    "superseded": Text(id="sudah digantikan revisi lain", en="superseded by another revision"),
}
PRINT_IN_FORCE = Text(id="Rencana yang berlaku", en="The plan in force")
PRINT_PEOPLE_PLANNED = Text(id="ASN yang direncanakan", en="People planned")
PRINT_COMPLETIONS = Text(id="Penyelesaian pelatihan yang dihitung", en="Completions counted")
PRINT_ITEMS_NOT_STARTED = Text(id="Butir yang belum dimulai", en="Items not started")
PRINT_PLANNED_JP = Text(id="JP direncanakan", en="JP planned")
PRINT_REALIZED_JP = Text(id="JP terealisasi", en="JP realized")
PRINT_PLANNED_COST = Text(id="Biaya direncanakan", en="Cost planned")
PRINT_REALIZED_COST = Text(id="Biaya terealisasi", en="Cost realized")
PRINT_PLANNED_MIX = Text(id="Komposisi rencana (%)", en="Planned mix (%)")
PRINT_REALIZED_MIX = Text(id="Komposisi realisasi (%)", en="Realized mix (%)")
PRINT_PLAN_CATEGORIES = Text(id="Per kategori 10:20:70", en="By 10:20:70 category")
PRINT_PLAN_CHART = Text(id="JP direncanakan dan terealisasi", en="JP planned and realized")
PRINT_PLAN_ITEMS = Text(id="Per butir rencana", en="By plan item")
PRINT_WHO = Text(id="NIP / kelompok jabatan", en="NIP / position group")
PRINT_GROUP = Text(id="{kind} × {count} orang", en="{kind} × {count} people")
PRINT_POSITION_KINDS: dict[str, Text] = {
    "structural": Text(id="Struktural", en="Structural"),
    "functional": Text(id="Fungsional", en="Functional"),
    "executor": Text(id="Pelaksana", en="Executor"),
}
PRINT_COMPETENCY = Text(id="Kompetensi", en="Competency")
PRINT_PATTERN = Text(id="Pola", en="Pattern")
PRINT_TARGET_YEAR = Text(id="Tahun", en="Year")
PRINT_PROGRESS = Text(id="Capaian", en="Progress")
PRINT_ITEM_STATUS: dict[str, Text] = {
    "not_started": Text(id="Belum dimulai", en="Not started"),
    "partial": Text(id="Sebagian", en="Partly"),
    "done": Text(id="Tercapai", en="Done"),
}
PRINT_PLAN_FILE = Text(
    id="realisasi rencana {name} {first}-{last} revisi {revision}",
    en="plan realization {name} {first}-{last} revision {revision}",
)
