"""Settings every service shares; each service subclasses with its own env prefix."""

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from sinergi_shared.kafka import KafkaAccess, SecurityProtocol, local_password


class FromFiles(PydanticBaseSettingsSource):
    """Any setting NAME may come from the file NAME_FILE names (Docker secrets): its content, less a final newline."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        for name in self._env_names(field, field_name):
            path = os.environ.get(f"{name}_FILE")
            if path:
                return Path(path).read_text().removesuffix("\n"), field_name, False
        return None, field_name, False

    def _env_names(self, field: FieldInfo, field_name: str) -> list[str]:
        if isinstance(field.validation_alias, AliasChoices):
            return [str(choice).upper() for choice in field.validation_alias.choices]
        return [(self.config.get("env_prefix", "") + field_name).upper()]

    def __call__(self) -> dict[str, Any]:
        values = {}
        for field_name, field in self.settings_cls.model_fields.items():
            value, key, _ = self.get_field_value(field, field_name)
            if value is not None:
                values[key] = value
        return values


class SinergiSettings(BaseSettings):
    """Settings read from the environment, or from the file a <NAME>_FILE variable names."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then the environment, then NAME_FILE files (an explicit value wins over a file)."""
        return init_settings, env_settings, FromFiles(settings_cls), dotenv_settings, file_secret_settings


class ServiceSettings(SinergiSettings):
    """Database, Kafka and token settings common to all services."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    service_name: str = "sinergi"
    # local: the demo stack's fixed secrets are accepted; production: start-up refuses default or weak secrets.
    mode: Literal["local", "production"] = Field(default="local", validation_alias=AliasChoices("SINERGI_MODE"))
    database_url: str = "postgresql+asyncpg://sinergi:sinergi@127.0.0.1:55432/sinergi"
    # Database connections of one API process, and no more under load: Postgres does the most work with few
    # statements running at once; requests past the pool wait for a connection. Raise it for a bigger database.
    db_pool_size: int = 8
    db_max_overflow: int = 0
    # API worker processes serving one port; a process uses one core at most, so give one per core.
    api_workers: int = Field(default=1, ge=1)
    kafka_bootstrap: str = Field(
        default="127.0.0.1:9092",
        validation_alias=AliasChoices("SINERGI_KAFKA_BOOTSTRAP", "KAFKA_BOOTSTRAP"),
    )
    # Who the service is on Kafka (<SERVICE>_KAFKA_USERNAME/_PASSWORD): by default the service's name and the
    # local stack's demo password; `sinergi kafka setup` gives each service principal only the ACLs it needs.
    kafka_security_protocol: SecurityProtocol = Field(
        default="SASL_PLAINTEXT", validation_alias=AliasChoices("SINERGI_KAFKA_SECURITY_PROTOCOL")
    )
    kafka_username: str | None = None
    kafka_password: str | None = None
    # The CA bundle (PEM) that signed the brokers' and the registry's certificates; the system's when unset.
    ca_file: str | None = Field(default=None, validation_alias=AliasChoices("SINERGI_CA_FILE"))
    # The API over https: the certificate (chain) and its key, PEM files; plain http when unset.
    tls_cert_file: str | None = Field(default=None, validation_alias=AliasChoices("SINERGI_TLS_CERT_FILE"))
    tls_key_file: str | None = Field(default=None, validation_alias=AliasChoices("SINERGI_TLS_KEY_FILE"))
    topic_prefix: str = Field(default="", validation_alias=AliasChoices("SINERGI_TOPIC_PREFIX"))
    # How `sinergi kafka setup` creates topics: partitions (the unit of consumer parallelism) and copies of each
    # (3 on a cluster, with the brokers' min.insync.replicas=2, so one broker may fail without losing an event).
    kafka_partitions: int = Field(default=3, ge=1, validation_alias=AliasChoices("SINERGI_KAFKA_PARTITIONS"))
    kafka_replication_factor: int = Field(
        default=1, ge=1, validation_alias=AliasChoices("SINERGI_KAFKA_REPLICATION_FACTOR")
    )
    jwks_url: str = Field(
        default="http://127.0.0.1:8001/.well-known/jwks.json",
        validation_alias=AliasChoices("SINERGI_JWKS_URL"),
    )
    token_issuer: str = Field(default="sinergi-registry", validation_alias=AliasChoices("SINERGI_TOKEN_ISSUER"))
    token_audience: str = Field(default="sinergi", validation_alias=AliasChoices("SINERGI_TOKEN_AUDIENCE"))
    # The verifiers fetch the registry's JWKS again this often, so a retired key stops being trusted; and on an
    # unknown key id (a rotation) at most once per the second interval, so forged key ids cannot hammer the registry.
    jwks_refresh_interval_s: float = Field(
        default=300.0, gt=0, validation_alias=AliasChoices("SINERGI_JWKS_REFRESH_INTERVAL_S")
    )
    jwks_unknown_key_interval_s: float = Field(
        default=30.0, ge=0, validation_alias=AliasChoices("SINERGI_JWKS_UNKNOWN_KEY_INTERVAL_S")
    )
    # Clock skew allowed between the registry and a verifier on a token's exp, nbf and iat.
    token_leeway_s: float = Field(default=30.0, ge=0, le=300, validation_alias=AliasChoices("SINERGI_TOKEN_LEEWAY_S"))
    log_level: str = Field(default="INFO", validation_alias=AliasChoices("SINERGI_LOG_LEVEL"))
    relay_batch_size: int = 2000
    relay_poll_interval_s: float = 1.0
    consumer_max_attempts: int = 5
    consumer_retry_backoff_s: float = 0.2
    # How long the broker may hold a consumer's fetch when it has nothing new: a new event waits for a held
    # fetch to return, so Kafka's 500 ms default would dominate a saga; much lower costs CPU at idle.
    consumer_fetch_max_wait_ms: int = 50
    # At most one offset commit per interval per consumer (applied offsets pile up meanwhile): a crash
    # redelivers at most this much, which the inbox skips; a rebalance commits first.
    consumer_commit_interval_s: float = 0.5
    max_body_bytes: int = 5 * 1024 * 1024
    # Retention (<SERVICE>_RETENTION_*): the retention job purges in batches; the event log stays (SPEC §7).
    # Idempotency keys outlive any client's retries. The inbox row is what makes a re-delivered message a no-op,
    # so it is kept well past the topics' 7 days. A dead letter goes this long after its replay, never before.
    retention_idempotency_days: int = Field(default=7, ge=1)
    retention_inbox_days: int = Field(default=30, ge=8)
    retention_dead_letters_days: int = Field(default=90, ge=1)
    retention_batch: int = Field(default=5000, ge=1)
    retention_interval_s: float = Field(default=3600.0, gt=0)
    # How stale the verifier's set of revoked API clients may be: a revoked client's tokens stop within this.
    revoked_clients_refresh_s: float = Field(
        default=30.0, gt=0, le=60, validation_alias=AliasChoices("SINERGI_REVOKED_CLIENTS_REFRESH_S")
    )

    def kafka(self) -> KafkaAccess:
        """How this service reaches Kafka, as its own principal."""
        username = self.kafka_username or self.service_name
        return KafkaAccess(
            bootstrap=self.kafka_bootstrap,
            username=username,
            password=self.kafka_password or local_password(username),
            security_protocol=self.kafka_security_protocol,
            ca_file=self.ca_file,
        )
