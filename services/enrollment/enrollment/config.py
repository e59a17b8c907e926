"""Sinergi Enrollment settings, read from ENROLLMENT_* environment variables."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from sinergi_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ENROLLMENT_", extra="ignore")

    service_name: str = "enrollment"
    database_url: str = "postgresql+asyncpg://sinergi:sinergi@127.0.0.1:55432/sinergi_enrollment"

    # How many rows one plan import may hold (ENROLLMENT_IMPORT_MAX_ROWS); more are refused whole with 413.
    import_max_rows: int = 10_000

    # Certificates: where the public verification page is reached (ENROLLMENT_PUBLIC_BASE_URL), printed in the QR
    # code; and how many checks one address may make per window on it (ENROLLMENT_VERIFY_RATE_PER_WINDOW).
    public_base_url: str = "http://127.0.0.1:8002"
    verify_rate_per_window: int = Field(default=60, ge=1)
    verify_rate_window_s: int = Field(default=60, ge=1)


@lru_cache
def get_settings() -> Settings:
    return Settings()
