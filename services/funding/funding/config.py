"""Sinergi Funding settings, read from FUNDING_* environment variables."""

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from sinergi_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FUNDING_", extra="ignore")

    service_name: str = "funding"
    database_url: str = "postgresql+asyncpg://sinergi:sinergi@127.0.0.1:55432/sinergi_funding"
    # A request left awaiting approval longer than this is rejected (approval_timeout), so no seat waits forever.
    approval_timeout_s: float = 72 * 3600.0
    # How often the approval-timeout job looks for overdue requests.
    approval_check_interval_s: float = 30.0


@lru_cache
def get_settings() -> Settings:
    """The settings of this process, read once from the environment."""
    return Settings()
