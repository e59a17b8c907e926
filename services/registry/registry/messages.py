"""The registry's texts for people, in Bahasa Indonesia (default) and English."""

from __future__ import annotations

from sinergi_shared.language import Text

# Institutions.
INSTITUTION_NOT_FOUND = Text(id="Instansi {id} tidak ditemukan.", en="institution {id} does not exist")
INSTITUTION_ID_UNKNOWN = Text(id="tidak ada instansi dengan id ini", en="no institution has this id")
INSTITUTION_CODE_UNKNOWN = Text(id="tidak ada instansi dengan kode {code}", en="no institution has code {code}")
INSTITUTION_CODE_AND_ID_DIFFER = Text(
    id="kode dan id menunjuk dua instansi yang berbeda", en="the code and the id name two institutions"
)
INSTITUTION_NAMED_BY_ID_OR_CODE = Text(
    id="sebutkan instansi dengan id atau kodenya", en="name the institution by id or by code"
)
INSTITUTION_INACTIVE = Text(id="instansi ini sudah dinonaktifkan", en="the institution is deactivated")
INSTITUTION_CODE_TAKEN = Text(
    id="Kode instansi {code} sudah terdaftar.", en="an institution with code {code} already exists"
)
INSTITUTION_INACTIVE_UNCHANGEABLE = Text(
    id="Instansi yang sudah dinonaktifkan tidak dapat diubah.", en="a deactivated institution cannot be changed"
)
INSTITUTION_NAME_REQUIRED = Text(id="nama instansi wajib diisi", en="an institution needs a name")
TRUE_OR_FALSE = Text(id="harus bernilai true atau false", en="must be true or false")
INSTITUTION_ALREADY_INACTIVE = Text(id="Instansi ini sudah dinonaktifkan.", en="the institution is already deactivated")
INSTITUTION_HAS_ACTIVE_CHILDREN = Text(
    id="Nonaktifkan dahulu instansi di bawahnya (mis. {child}).",
    en="deactivate the institutions under it first (e.g. {child})",
)
INSTITUTION_CODE_FORMAT = Text(
    id="gunakan 2 sampai 64 huruf kapital, angka, atau . _ / - (mis. BPSDM-KEMENDAGRI)",
    en="use 2 to 64 capital letters, digits or . _ / - (e.g. BPSDM-KEMENDAGRI)",
)

# Institution kinds as a clerk names them, for messages about the hierarchy.
KIND_NAMES: dict[str, Text] = {
    "ministry": Text(id="kementerian", en="ministry"),
    "agency": Text(id="lembaga", en="agency"),
    "training_unit": Text(id="unit pelatihan", en="training unit"),
    "province": Text(id="provinsi", en="province"),
    "regency": Text(id="kabupaten", en="regency"),
    "city": Text(id="kota", en="city"),
}
PARENT_TOP_LEVEL = Text(
    id="{kind} berada di puncak hierarki dan tidak memiliki induk",
    en="a {kind} stands at the top of the hierarchy and takes no parent",
)
PARENT_REQUIRED = Text(id="{kind} memerlukan induk berupa {wanted}", en="a {kind} needs {wanted} as its parent")
PARENT_WRONG_KIND = Text(
    id="induk {kind} harus {wanted}, bukan {parent}", en="the parent of a {kind} must be {wanted}, not a {parent}"
)
PARENTS_OF_TRAINING_UNIT = Text(
    id="kementerian atau lembaga (unit K/L), atau provinsi, kabupaten, atau kota (unit daerah)",
    en="a ministry or an agency (a K/L's unit), or a province, regency or city (a regional unit)",
)
PARENTS_OF_LOCAL_GOVERNMENT = Text(id="provinsi", en="a province")
PARENT_INACTIVE = Text(id="instansi induk sudah dinonaktifkan", en="the parent institution is deactivated")
SECTOR_MOVE = Text(
    id="{kind} sektor {sector} tidak dapat dipindahkan ke bawah {parent}; daftarkan instansi baru",
    en="a {sector} {kind} cannot move under a {parent}; register a new institution instead",
)
SECTOR_NAMES: dict[str, Text] = {
    "central": Text(id="pusat", en="central"),
    "regional": Text(id="daerah", en="regional"),
}
DOB_ONLY_REGIONAL = Text(
    id="hanya provinsi, kabupaten, atau kota yang dapat menjadi daerah otonom baru (DOB)",
    en="only a province, regency or city can be a new autonomous region",
)

# Region codes: Kemendagri's kode wilayah and BPS's numbering.
KEMENDAGRI_FORMAT = Text(
    id="gunakan kode wilayah Kemendagri: NN untuk provinsi, NN.NN untuk kabupaten atau kota (mis. 93.01)",
    en="use the Kemendagri region code: NN for a province, NN.NN for a regency or city (e.g. 93.01)",
)
BPS_FORMAT = Text(
    id="gunakan kode BPS: 2 digit untuk provinsi, 4 digit untuk kabupaten atau kota, tanpa titik (mis. 9414)",
    en="use the BPS code: 2 digits for a province, 4 for a regency or city, without a dot (e.g. 9414)",
)
PROVINCE_CODE_TWO_DIGITS = Text(
    id="kode wilayah Kemendagri provinsi hanya 2 digit, mis. 93",
    en="a province's Kemendagri region code is its 2 digits alone, e.g. 93",
)
LOCAL_CODE_NEEDS_PROVINCE = Text(
    id="kode wilayah Kemendagri {kind} terdiri atas kode provinsi, titik, dan 2 digit, mis. 93.01",
    en="a {kind}'s Kemendagri region code is its province's code, a dot and 2 digits, e.g. 93.01",
)
REGENCY_NUMBER = Text(
    id="kode wilayah Kemendagri kabupaten berakhir 01 sampai 69 (kota 71 sampai 99), mis. 93.01",
    en="a regency's Kemendagri region code ends in 01 to 69 (a city's in 71 to 99), e.g. 93.01",
)
CITY_NUMBER = Text(
    id="kode wilayah Kemendagri kota berakhir 71 sampai 99 (kabupaten 01 sampai 69), mis. 96.71",
    en="a city's Kemendagri region code ends in 71 to 99 (a regency's in 01 to 69), e.g. 96.71",
)
LOCAL_CODE_PREFIX = Text(
    id="kode wilayah Kemendagri {kind} diawali kode provinsinya {parent}, bukan {province}",
    en="a {kind}'s Kemendagri region code begins with its province's code {parent}, not {province}",
)
PROVINCE_BPS_DIGITS = Text(
    id="kode BPS provinsi terdiri atas 2 digit, mis. 94", en="a province's BPS code has 2 digits, e.g. 94"
)
LOCAL_BPS_DIGITS = Text(
    id="kode BPS {kind} terdiri atas 4 digit, mis. 9414", en="a {kind}'s BPS code has 4 digits, e.g. 9414"
)
REGION_CODE_ONLY_REGIONAL = Text(
    id="hanya pemerintah daerah yang memiliki kode wilayah Kemendagri",
    en="only a regional government has a Kemendagri region code",
)
BPS_CODE_ONLY_REGIONAL = Text(
    id="hanya pemerintah daerah yang memiliki kode BPS", en="only a regional government has a BPS code"
)

# Succession of institutions (a ministry split or merged).
SUCCESSOR_TIERS: dict[str, Text] = {
    "k/l": Text(id="kementerian atau lembaga (K/L)", en="ministry or agency (K/L)"),
    "pemda": Text(id="pemerintah daerah (Pemda)", en="regional government (Pemda)"),
    "central_training_unit": Text(id="unit pelatihan pusat", en="central training unit"),
    "regional_training_unit": Text(id="unit pelatihan daerah", en="regional training unit"),
}
SUCCESSOR_UNKNOWN = Text(id="tidak ada instansi dengan id {id}", en="no institution has the id {id}")
SUCCESSOR_SELF = Text(id="instansi tidak dapat menggantikan dirinya sendiri", en="an institution cannot succeed itself")
SUCCESSION_LOOP = Text(
    id="{code} sudah digantikan oleh instansi ini sendiri; penggantian tidak boleh berputar",
    en="{code} was succeeded by this institution itself; a succession cannot loop",
)
SUCCESSOR_INACTIVE = Text(
    id="{code} sudah tidak aktif; instansi pengganti harus aktif", en="{code} is inactive; a successor must be active"
)
SUCCESSOR_TIER = Text(
    id="{code} adalah {tier}; {wanted} hanya dapat digantikan oleh {wanted} lain",
    en="{code} is a {tier}; a {wanted} is succeeded only by another {wanted}",
)
SUCCESSION_IN_FUTURE = Text(
    id="penggantian berlaku seketika, sehingga tanggalnya tidak boleh di masa depan",
    en="a succession takes effect at once, so its date cannot be in the future",
)
ALREADY_SUCCEEDED = Text(
    id="Instansi ini sudah digantikan pada {on} oleh {codes}; penggantian yang tercatat tidak dapat diubah.",
    en="the institution was already succeeded on {on} by {codes}; a recorded succession cannot be changed",
)
INACTIVE_NOT_SUCCEEDABLE = Text(
    id="Instansi yang sudah dinonaktifkan tidak dapat digantikan.", en="a deactivated institution cannot be succeeded"
)
SUCCESSOR_TWICE = Text(id="instansi pengganti yang sama disebut dua kali", en="names the same successor twice")
OWN_PARENT = Text(id="instansi tidak dapat menjadi induk dirinya sendiri", en="an institution cannot be its own parent")

# Civil servants.
CIVIL_SERVANT_OWN_INSTITUTION = Text(
    id="Anda hanya dapat mendaftarkan ASN instansi Anda sendiri",
    en="you may only register civil servants of your own institution",
)
CIVIL_SERVANT_LIST_OWN_INSTITUTION = Text(
    id="Anda hanya dapat melihat daftar ASN instansi Anda sendiri",
    en="you may only list the civil servants of your own institution",
)
IMPORT_OWN_INSTITUTION = Text(
    id="Anda hanya dapat mengimpor ASN instansi Anda sendiri",
    en="you may only import civil servants of your own institution",
)
NIP_TAKEN = Text(
    id="NIP {nip} sudah terdaftar. ASN yang pindah dari instansi lain dimutasi oleh instansi asalnya, "
    "bukan didaftarkan ulang.",
    en="a civil servant with NIP {nip} is already registered; one who moves from another institution is "
    "transferred by that institution, not registered again",
)
NIP_NOT_VISIBLE = Text(
    id="ASN dengan NIP {nip} tidak ditemukan atau bukan kewenangan Anda.",
    en="no civil servant with NIP {nip} is visible to you",
)
RETIRED_NOT_TRANSFERABLE = Text(
    id="ASN yang sudah pensiun tidak dapat dimutasi.", en="a retired civil servant cannot be transferred"
)
ALREADY_AT_INSTITUTION = Text(
    id="ASN ini sudah bekerja di instansi tersebut.", en="the civil servant already works at this institution"
)
ALREADY_RETIRED = Text(id="ASN ini sudah pensiun.", en="the civil servant is already retired")
LEVEL_ONLY_STRUCTURAL = Text(
    id="hanya jabatan struktural yang memiliki eselon (JPT, administrator, pengawas)",
    en="only a structural post has a level (JPT, administrator, pengawas)",
)
NUL_CHARACTER = Text(id="mengandung karakter NUL (\\u0000)", en="contains a NUL (\\u0000) character")
TEXT_NOT_UTF8 = Text(
    id="teks harus UTF-8 yang sah tanpa karakter NUL (\\u0000)",
    en="text must be valid UTF-8 without NUL (\\u0000) characters",
)

# NIP and NI PPPK rules (SPEC §1): the number's name, then one text per rule broken.
NUMBER_NAMES: dict[str | None, Text] = {
    "PNS": Text(id="NIP", en="a NIP"),
    "PPPK": Text(id="NI PPPK", en="an NI PPPK"),
    None: Text(id="NIP/NI PPPK", en="a NIP or NI PPPK"),
}
NIP_LENGTH = Text(
    id="{number} terdiri atas tepat {length} digit; yang dikirim {given} karakter",
    en="{number} has exactly {length} digits; this one has {given} characters",
)
NIP_NOT_DIGITS = Text(id="{number} hanya berisi angka 0-9", en="{number} contains only the digits 0-9")
NIP_BIRTH_DATE = Text(
    id="digit 1-8 ({digits}) bukan tanggal lahir yang sah (TTTTBBHH)",
    en="digits 1-8 ({digits}) are not a real birth date YYYYMMDD",
)
NIP_GENDER = Text(
    id="digit 15 adalah kode jenis kelamin: 1 atau 2, bukan {digit}",
    en="digit 15 is the gender: 1 or 2, not {digit}",
)
NIP_SERIAL_ZERO = Text(
    id="tiga digit terakhir (nomor urut) tidak boleh 000", en="the last three digits (serial number) cannot be 000"
)
NIP_TMT_INVALID = Text(
    id="digit 9-14 ({digits}) bukan bulan TMT pengangkatan yang sah (TTTTBB)",
    en="digits 9-14 ({digits}) are not a real appointment month YYYYMM",
)
NIP_TMT_FUTURE = Text(
    id="bulan TMT pengangkatan {month} belum terjadi", en="the appointment month {month} is in the future"
)
NIP_TMT_BEFORE_18 = Text(
    id="bulan TMT pengangkatan {month} sebelum usia 18 tahun ({adult})",
    en="the appointment month {month} is before the 18th birthday ({adult})",
)
PPPK_YEAR_INVALID = Text(
    id="digit 9-12 ({digits}) bukan tahun pengangkatan yang sah",
    en="digits 9-12 ({digits}) are not a real appointment year",
)
PPPK_YEAR_FUTURE = Text(id="tahun pengangkatan {year} belum terjadi", en="the appointment year {year} is in the future")
PPPK_YEAR_BEFORE_18 = Text(
    id="tahun pengangkatan {year} sebelum tahun usia 18 tahun ({adult})",
    en="the appointment year {year} is before the year of the 18th birthday ({adult})",
)

# Imports (the sheet reading itself speaks from sinergi_shared.messages).
CIVIL_SERVANT_ROWS = Text(id="data ASN", en="civil servants")
ROW_NOT_OBJECT = Text(
    id="setiap baris berupa objek berisi data ASN", en="each row is an object with the civil servant's fields"
)
NIP_TWICE_IN_FILE = Text(id="NIP {nip} juga ada di baris {lines}", en="NIP {nip} also appears on line {lines}")
NIP_ALREADY_REGISTERED = Text(id="NIP {nip} sudah terdaftar", en="NIP {nip} is already registered")
NIP_SCIENTIFIC = Text(
    id="NIP {nip} tersimpan sebagai angka berformat ilmiah sehingga digit terakhirnya hilang. "
    "Ubah format kolom NIP menjadi Teks, lalu ketik ulang 18 digitnya",
    en="the NIP {nip} is a number in scientific notation: the spreadsheet has lost its last digits. "
    "Format the NIP column as text and type the 18 digits again",
)
COLUMNS_HELP = Text(
    id="nip, nama, kode_instansi atau id_instansi, status_kepegawaian (PNS atau PPPK), jenis_jabatan "
    "(struktural, fungsional, atau pelaksana), jabatan, golongan, eselon (JPT Utama, JPT Madya, JPT Pratama, "
    "Administrator, atau Pengawas); judul kolom bahasa Inggris juga diterima",
    en="nip, nama (name), kode_instansi (institution_code) or id_instansi (institution_id), "
    "status_kepegawaian (employment: PNS or PPPK), jenis_jabatan (position_kind: struktural, fungsional or "
    "pelaksana), jabatan (position_title), golongan (grade), eselon (position_level: JPT Utama, JPT Madya, JPT "
    "Pratama, Administrator or Pengawas)",
)

# Clients and tokens (RFC 6749 errors keep their `error` code; the description is for people).
OAUTH_TITLES: dict[str, Text] = {
    "invalid_client": Text(id="Klien tidak dikenali", en="Invalid client"),
    "invalid_request": Text(id="Permintaan token tidak valid", en="Invalid request"),
    "invalid_scope": Text(id="Cakupan (scope) tidak diizinkan", en="Invalid scope"),
    "unsupported_grant_type": Text(id="Jenis grant tidak didukung", en="Unsupported grant type"),
    "temporarily_unavailable": Text(id="Terlalu banyak percobaan", en="Too many attempts"),
}
TOKEN_ATTEMPTS_LIMITED = Text(
    id="terlalu banyak percobaan meminta token dari alamat ini atau untuk klien ini; coba lagi dalam {seconds} detik",
    en="too many token attempts from this address or for this client; try again in {seconds} s",
)
CLIENT_UNKNOWN = Text(id="klien tidak dikenal atau rahasianya salah", en="unknown client or wrong secret")
CLIENT_INSTITUTION_INACTIVE = Text(
    id="instansi pemilik klien ini sudah dinonaktifkan", en="the client's institution is deactivated"
)
CLIENT_NOT_FOUND = Text(id="klien API {client_id} tidak ditemukan", en="API client {client_id} not found")
CLIENT_ALREADY_REVOKED = Text(id="klien API {client_id} sudah dicabut", en="API client {client_id} is already revoked")
CLIENT_REVOKED_NOT_ROTATED = Text(
    id="rahasia klien API {client_id} tidak dapat diganti karena klien sudah dicabut",
    en="API client {client_id} is revoked; its secret cannot be rotated",
)
SCOPES_UNKNOWN = Text(id="cakupan (scope) tidak dikenal: {scopes}", en="unknown scopes: {scopes}")
SCOPES_ALLOWED = Text(id="klien ini hanya boleh meminta cakupan: {scopes}", en="this client may only ask for: {scopes}")
BASIC_MALFORMED = Text(id="kredensial Basic tidak terbaca", en="the Basic credentials are malformed")
TOKEN_FORM_REQUIRED = Text(
    id="kirim permintaan token sebagai application/x-www-form-urlencoded",
    en="send the token request as application/x-www-form-urlencoded",
)
GRANT_TYPE_REQUIRED = Text(id="grant_type wajib diisi", en="grant_type is required")
GRANT_TYPE_UNSUPPORTED = Text(
    id="hanya grant_type=client_credentials yang didukung", en="only grant_type=client_credentials is supported"
)
CLIENT_CREDENTIALS_REQUIRED = Text(
    id="client_id dan client_secret wajib diisi", en="client_id and client_secret are required"
)
