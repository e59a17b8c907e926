"""How a Sinergi process reaches Kafka: the brokers, and who it is there (SASL/SCRAM, over TLS in production)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.helpers import create_ssl_context

SecurityProtocol = Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL"]
MECHANISM = "SCRAM-SHA-512"


def local_password(username: str) -> str:
    """A principal's password on the local stack: the fixed demo secret local mode accepts (SPEC §9)."""
    return f"sinergi-{username}-local"


@dataclass(frozen=True)
class KafkaAccess:
    """The brokers and the principal a client connects as; `options()` configures any aiokafka client."""

    bootstrap: str
    username: str
    password: str = field(repr=False)
    security_protocol: SecurityProtocol = "SASL_PLAINTEXT"
    ca_file: str | None = None

    def options(self) -> dict[str, Any]:
        """Keyword arguments for AIOKafkaProducer, AIOKafkaConsumer and AIOKafkaAdminClient."""
        options: dict[str, Any] = {"bootstrap_servers": self.bootstrap, "security_protocol": self.security_protocol}
        if self.security_protocol != "PLAINTEXT":
            options |= {
                "sasl_mechanism": MECHANISM,
                "sasl_plain_username": self.username,
                "sasl_plain_password": self.password,
            }
        if self.security_protocol == "SASL_SSL":
            options["ssl_context"] = create_ssl_context(cafile=self.ca_file)
        return options

    def as_principal(self, username: str, password: str) -> KafkaAccess:
        """The same brokers, as another principal."""
        return replace(self, username=username, password=password)


@asynccontextmanager
async def admin_client(access: KafkaAccess) -> AsyncIterator[AIOKafkaAdminClient]:
    """An admin client of the brokers as this principal, started, and closed when done."""
    admin = AIOKafkaAdminClient(**access.options())
    await admin.start()
    try:
        yield admin
    finally:
        await admin.close()
