"""Sinergi Enrollment settings, read from ENROLLMENT_* environment variables."""

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from sinergi_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ENROLLMENT_", extra="ignore")

    service_name: str = "enrollment"
    database_url: str = "postgresql+asyncpg://sinergi:sinergi@127.0.0.1:55432/sinergi_enrollment"


@lru_cache
def get_settings() -> Settings:
    return Settings()


# The settings of the running app. Event handlers and job ticks receive only a session, yet they
# write outbox rows whose topic carries the configured prefix; create_app() registers its settings
# here, and a process without an API (--consumers) falls back to the environment's settings.
_active: Settings | None = None


def configure(settings: Settings) -> None:
    """Make these settings the ones handlers and jobs of this process use."""
    global _active
    _active = settings


def active_settings() -> Settings:
    """The settings registered by create_app(), else those from the environment."""
    return _active or get_settings()
