"""Sinergi Registry settings, read from REGISTRY_* environment variables."""

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from sinergi_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRY_", extra="ignore")

    service_name: str = "registry"
    database_url: str = "postgresql+asyncpg://sinergi:sinergi@127.0.0.1:55432/sinergi_registry"

    # Access tokens: lifetime in seconds. The signing key comes from REGISTRY_SIGNING_KEY_PEM (an RSA private
    # key in PEM) when set; otherwise one is generated once and kept in the signing_keys table.
    token_ttl_s: int = 900
    signing_key_pem: str | None = None
    # How long past a token's expiry a retired key stays published, for clocks that run slightly behind.
    jwks_grace_s: int = 60

    # The operator's bootstrap client, ensured at startup and bound to BPSDM Kemendagri.
    bootstrap_client_id: str | None = None
    bootstrap_client_secret: str | None = None
    bootstrap_scopes: str = "admin coordinator read registry:write"

    import_max_rows: int = 10_000


@lru_cache
def get_settings() -> Settings:
    return Settings()
