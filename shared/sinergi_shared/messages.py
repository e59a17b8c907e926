"""The catalogue of texts for people that every service shares: problem titles, plumbing and validation."""

from __future__ import annotations

from sinergi_shared.language import Text

# Problem titles, by HTTP status.
BAD_REQUEST = Text(id="Permintaan tidak valid", en="Bad request")
UNAUTHORIZED = Text(id="Autentikasi diperlukan", en="Unauthorized")
FORBIDDEN = Text(id="Akses ditolak", en="Forbidden")
NOT_FOUND = Text(id="Data tidak ditemukan", en="Not found")
METHOD_NOT_ALLOWED = Text(id="Metode tidak diizinkan", en="Method not allowed")
CONFLICT = Text(id="Terjadi konflik data", en="Conflict")
PRECONDITION_FAILED = Text(id="Versi data sudah berubah", en="Precondition failed")
PAYLOAD_TOO_LARGE = Text(id="Ukuran data terlalu besar", en="Payload too large")
UNSUPPORTED_MEDIA_TYPE = Text(id="Format data tidak didukung", en="Unsupported media type")
VALIDATION_FAILED = Text(id="Data tidak valid", en="Validation failed")
PRECONDITION_REQUIRED = Text(id="Header prasyarat wajib dikirim", en="Precondition required")
TOO_MANY_REQUESTS = Text(id="Terlalu banyak permintaan", en="Too many requests")
INTERNAL_ERROR = Text(id="Kesalahan pada server", en="Internal server error")
SERVICE_UNAVAILABLE = Text(id="Layanan sedang tidak tersedia", en="Service unavailable")
ERROR = Text(id="Terjadi kesalahan", en="Error")

# What the framework itself answers (unknown path, wrong method) when no route raised a Problem.
ROUTE_NOT_FOUND = Text(id="Alamat ini tidak ada.", en="Not Found")
METHOD_NOT_ALLOWED_DETAIL = Text(id="Metode ini tidak berlaku untuk alamat ini.", en="Method Not Allowed")
REQUEST_INVALID = Text(id="Permintaan tidak valid.", en="the request is invalid")
DATABASE_UNAVAILABLE = Text(
    id="Basis data sedang tidak dapat dihubungi; ulangi permintaan sebentar lagi.",
    en="The database is briefly unavailable; retry the request shortly.",
)
INTERNAL_ERROR_DETAIL = Text(
    id="Layanan gagal memproses permintaan ini; kejadiannya sudah dicatat.",
    en="The service failed to handle this request; it has been logged.",
)
BODY_TOO_LARGE = Text(
    id="Ukuran isi permintaan melebihi {limit} bita.",
    en="the body exceeds {limit} bytes",
)

# Paging and optimistic locking.
CURSOR_INVALID = Text(id="bukan kursor yang diterbitkan API ini", en="not a cursor this API issued")
IF_MATCH_REQUIRED = Text(
    id="Kirim header If-Match berisi ETag data ini untuk mengubahnya.",
    en="send If-Match with the resource's ETag to update it",
)
STALE_ETAG = Text(
    id="Data sudah diubah pihak lain; ETag terbarunya {etag}. Baca ulang lalu kirim kembali.",
    en="the resource changed; its current ETag is {etag}",
)
IDEMPOTENCY_KEY_REUSED = Text(
    id="Idempotency-Key ini sudah dipakai untuk permintaan yang berbeda.",
    en="this Idempotency-Key was already used for a different request",
)

# Tokens.
BEARER_REQUIRED = Text(
    id="Sertakan token pada header Authorization: Bearer <token>.",
    en="an Authorization: Bearer token is required",
)
TOKEN_MALFORMED = Text(id="Format token tidak valid.", en="the bearer token is malformed")
TOKEN_ALGORITHM = Text(id="Algoritme tanda tangan token tidak diterima.", en="the token's algorithm is not accepted")
TOKEN_NO_KEY_ID = Text(id="Token tidak mencantumkan key id (kid).", en="the token has no key id")
TOKEN_UNKNOWN_KEY = Text(
    id="Token ditandatangani dengan kunci yang tidak dikenal.", en="the token was signed by an unknown key"
)
TOKEN_KEYS_UNAVAILABLE = Text(
    id="Kunci penanda tangan token belum dapat diambil; ulangi sebentar lagi.",
    en="the token's signing keys cannot be fetched right now",
)
TOKEN_EXPIRED = Text(id="Token sudah kedaluwarsa; minta token baru.", en="the token has expired")
TOKEN_INVALID = Text(id="Token tidak sah: {reason}", en="the token is not valid: {reason}")
TOKEN_NO_INSTITUTION = Text(id="Token tidak mencantumkan instansi.", en="the token lacks an institution")
TOKEN_CLIENT_REVOKED = Text(
    id="Klien API pemilik token ini sudah dicabut; token tidak berlaku lagi.",
    en="the API client of this token was revoked; the token is no longer valid",
)
SCOPE_REQUIRED = Text(
    id="Tindakan ini memerlukan salah satu cakupan (scope): {scopes}.",
    en="this action needs one of the scopes: {scopes}",
)

# Request validation, by pydantic error type; types not listed keep pydantic's English message.
FIELD_ERRORS: dict[str, Text] = {
    "missing": Text(id="wajib diisi", en="Field required"),
    "string_type": Text(id="harus berupa teks", en="Input should be a valid string"),
    "string_too_short": Text(id="paling sedikit {min_length} karakter", en="at least {min_length} characters"),
    "string_too_long": Text(id="paling banyak {max_length} karakter", en="at most {max_length} characters"),
    "string_pattern_mismatch": Text(id="formatnya tidak sesuai ({pattern})", en="must match {pattern}"),
    "int_type": Text(id="harus berupa bilangan bulat", en="Input should be a valid integer"),
    "int_parsing": Text(id="harus berupa bilangan bulat", en="Input should be a valid integer"),
    "int_from_float": Text(id="harus bilangan bulat, tanpa pecahan", en="Input should be a valid integer"),
    "float_type": Text(id="harus berupa angka", en="Input should be a valid number"),
    "float_parsing": Text(id="harus berupa angka", en="Input should be a valid number"),
    "decimal_type": Text(id="harus berupa angka", en="Input should be a valid decimal"),
    "decimal_parsing": Text(id="harus berupa angka", en="Input should be a valid decimal"),
    "bool_type": Text(id="harus bernilai true atau false", en="Input should be a valid boolean"),
    "bool_parsing": Text(id="harus bernilai true atau false", en="Input should be a valid boolean"),
    "greater_than": Text(id="harus lebih dari {gt}", en="Input should be greater than {gt}"),
    "greater_than_equal": Text(id="paling kecil {ge}", en="Input should be greater than or equal to {ge}"),
    "less_than": Text(id="harus kurang dari {lt}", en="Input should be less than {lt}"),
    "less_than_equal": Text(id="paling besar {le}", en="Input should be less than or equal to {le}"),
    "literal_error": Text(id="harus salah satu dari: {expected}", en="Input should be {expected}"),
    "enum": Text(id="harus salah satu dari: {expected}", en="Input should be {expected}"),
    "uuid_type": Text(id="harus berupa UUID", en="Input should be a valid UUID"),
    "uuid_parsing": Text(id="harus berupa UUID", en="Input should be a valid UUID"),
    "date_type": Text(id="harus berupa tanggal YYYY-MM-DD", en="Input should be a valid date"),
    "date_parsing": Text(id="harus berupa tanggal YYYY-MM-DD", en="Input should be a valid date"),
    "date_from_datetime_parsing": Text(id="harus berupa tanggal YYYY-MM-DD", en="Input should be a valid date"),
    "date_from_datetime_inexact": Text(id="harus berupa tanggal tanpa jam", en="Input should be a valid date"),
    "datetime_type": Text(
        id="harus berupa waktu RFC 3339, mis. 2026-01-31T09:00:00+07:00", en="Input should be a valid datetime"
    ),
    "datetime_parsing": Text(
        id="harus berupa waktu RFC 3339, mis. 2026-01-31T09:00:00+07:00", en="Input should be a valid datetime"
    ),
    "datetime_from_date_parsing": Text(
        id="harus berupa waktu RFC 3339, mis. 2026-01-31T09:00:00+07:00", en="Input should be a valid datetime"
    ),
    "timezone_aware": Text(id="harus mencantumkan zona waktu", en="Input should have timezone info"),
    "list_type": Text(id="harus berupa daftar (array JSON)", en="Input should be a valid list"),
    "too_short": Text(id="paling sedikit {min_length} butir", en="at least {min_length} items"),
    "too_long": Text(id="paling banyak {max_length} butir", en="at most {max_length} items"),
    "dict_type": Text(id="harus berupa objek JSON", en="Input should be a valid dictionary"),
    "model_type": Text(id="harus berupa objek JSON", en="Input should be an object"),
    "model_attributes_type": Text(id="harus berupa objek JSON", en="Input should be an object"),
    "extra_forbidden": Text(id="kolom ini tidak dikenal", en="Extra inputs are not permitted"),
    "json_invalid": Text(id="bukan JSON yang sah ({error})", en="Invalid JSON: {error}"),
    "json_type": Text(id="harus berupa JSON", en="Input should be valid JSON"),
    "multiple_of": Text(id="harus kelipatan {multiple_of}", en="Input should be a multiple of {multiple_of}"),
    "finite_number": Text(id="harus berupa angka terhingga", en="Input should be a finite number"),
}

# Imports and sheets (sheets.py): `{rows}` is what the caller's rows hold, e.g. "data ASN".
IMPORT_MEDIA_TYPE = Text(
    id="kirim application/json (array), text/csv, atau {xlsx} (dengan baris judul kolom), bukan {given}",
    en="send application/json (an array), text/csv or {xlsx} (with a header row), not {given}",
)
IMPORT_TOO_MANY_ROWS = Text(
    id="satu impor paling banyak {limit} baris; berkas ini berisi {count} baris. Bagi berkasnya.",
    en="an import takes at most {limit} rows; this one has {count}. Split the file.",
)
JSON_INVALID = Text(id="bukan JSON yang sah: {error}", en="not valid JSON: {error}")
JSON_NOT_ARRAY = Text(id="kirim array JSON berisi {rows}", en="send a JSON array of {rows}")
JSON_TOO_DEEP = Text(
    id="bukan JSON yang sah: array atau objek bersarang terlalu dalam",
    en="not valid JSON: arrays or objects nest too deep",
)
JSON_NUMBER_TOO_LONG = Text(
    id="bukan JSON yang sah: ada angka yang terlalu panjang untuk dibaca",
    en="not valid JSON: a number is too long to read",
)
ROW_TOO_WIDE = Text(
    id="baris ini berisi {cells} sel, lebih banyak daripada judul kolom",
    en="the row has {cells} cells, more than the header",
)
CSV_ENCODING = Text(
    id="berkas CSV harus berpengodean UTF-8 (atau Windows-1252, seperti CSV biasa dari Excel)",
    en="the CSV file must be UTF-8 (or Windows-1252, as Excel saves plain CSV)",
)
NOT_XLSX = Text(
    id="bukan buku kerja XLSX: simpan lembarnya sebagai .xlsx, atau kirim sebagai CSV",
    en="not an XLSX workbook: save the sheet as .xlsx, or send it as CSV",
)
XLSX_TOO_LARGE = Text(
    id="isi buku kerja melebihi {limit} MiB setelah dibuka: kirim lembar {rows} saja",
    en="the workbook unpacks to more than {limit} MiB: send the sheet of {rows} alone",
)
XLSX_UNREADABLE = Text(
    id="buku kerja XLSX tidak dapat dibaca ({error}): simpan ulang dari Excel",
    en="not a readable XLSX workbook ({error}): save it again from Excel",
)
FILE_EMPTY = Text(
    id="berkas kosong; baris pertama berisi judul kolom: {columns}",
    en="the file is empty; its first line names the columns: {columns}",
)
CSV_MALFORMED = Text(
    id="berkas CSV rusak di sekitar baris {line}: {error}", en="the CSV file is malformed near line {line}: {error}"
)
COLUMNS_UNKNOWN = Text(id="kolom tidak dikenal: {columns}", en="unknown columns {columns}")
COLUMNS_MISSING = Text(id="kolom belum ada: {columns}", en="missing columns {columns}")
COLUMNS_TWICE = Text(
    id="kolom tercantum dua kali (dalam bahasa Inggris dan Indonesia, atau dua kali): {columns}",
    en="columns given twice (in English and Indonesian, or twice): {columns}",
)
COLUMN_WITHOUT_NAME = Text(id="(kolom tanpa judul)", en="(a column without a name)")
COLUMN_EITHER = Text(id="{first} atau {second}", en="{first} or {second}")
HEADER_PROBLEMS = Text(id="{problems}; kolom yang dikenal: {columns}", en="{problems}; the columns are: {columns}")

# Printing (printing.py): the words every printed report shares.
PAGE_OF = Text(id="Halaman {page} dari {total}", en="Page {page} of {total}")
PRINTED_ON = Text(id="Dicetak {date}", en="Printed {date}")
TOTAL = Text(id="Jumlah", en="Total")
NOTHING_TO_PRINT = Text(id="Tidak ada data untuk bagian ini.", en="Nothing to show in this part.")
