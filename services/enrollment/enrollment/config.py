"""Sinergi Enrollment settings, read from ENROLLMENT_* environment variables."""

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from sinergi_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ENROLLMENT_", extra="ignore")

    service_name: str = "enrollment"
    database_url: str = "postgresql+asyncpg://sinergi:sinergi@127.0.0.1:55432/sinergi_enrollment"

    # How many rows one plan import may hold (ENROLLMENT_IMPORT_MAX_ROWS); more are refused whole with 413.
    import_max_rows: int = 10_000


@lru_cache
def get_settings() -> Settings:
    return Settings()
