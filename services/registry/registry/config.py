"""Sinergi Registry settings, read from REGISTRY_* environment variables."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from sinergi_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRY_", extra="ignore")

    service_name: str = "registry"
    database_url: str = "postgresql+asyncpg://sinergi:sinergi@127.0.0.1:55432/sinergi_registry"

    # Access tokens: lifetime in seconds. The signing key comes from REGISTRY_SIGNING_KEY_PEM (an RSA private
    # key in PEM, encrypted with REGISTRY_SIGNING_KEY_PASSPHRASE; production requires both) when set; otherwise
    # one is generated once and kept in the signing_keys table.
    token_ttl_s: int = 900
    signing_key_pem: str | None = None
    signing_key_passphrase: str | None = None
    # How long past a token's expiry a retired key stays published, for clocks that run slightly behind.
    jwks_grace_s: int = 60

    # The operator's bootstrap client, ensured at startup and bound to BPSDM Kemendagri.
    bootstrap_client_id: str | None = None
    bootstrap_client_secret: str | None = None
    bootstrap_scopes: str = "admin coordinator read registry:write"

    # POST /oauth/token: attempts allowed per window, counted before any secret is checked, in Postgres so that
    # they hold across API workers. An attempt that ends in a token gives its count back: only failures use the
    # allowance up. Per address (an IPv6 /64 counts as one), per client id from one address, and per client id
    # from every address together. 0 turns a limit off.
    token_rate_window_s: int = Field(default=60, ge=1)
    token_rate_per_address: int = Field(default=60, ge=0)
    token_rate_per_client: int = Field(default=10, ge=0)
    token_rate_per_client_total: int = Field(default=30, ge=0)

    import_max_rows: int = 10_000


@lru_cache
def get_settings() -> Settings:
    return Settings()
