"""CloudEvents 1.0 in Kafka binary mode: attributes in ce_* headers, JSON data as the value."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

SPECVERSION = "1.0"
CONTENT_TYPE = "application/json"


class MalformedEvent(ValueError):
    """A Kafka message that is not a CloudEvent this system can read."""


@dataclass(frozen=True)
class CloudEvent:
    """One fact announced by a service; key is the aggregate id."""

    type: str
    source: str
    subject: str
    data: dict[str, Any]
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    time: datetime = field(default_factory=lambda: datetime.now(UTC))
    traceparent: str | None = None

    @property
    def key(self) -> str:
        return self.subject

    def headers(self) -> list[tuple[str, bytes]]:
        """Kafka headers of the binary-mode envelope."""
        headers = [
            ("ce_specversion", SPECVERSION.encode()),
            ("ce_id", self.id.encode()),
            ("ce_source", self.source.encode()),
            ("ce_type", self.type.encode()),
            ("ce_time", self.time.astimezone(UTC).isoformat().replace("+00:00", "Z").encode()),
            ("ce_subject", self.subject.encode()),
            ("content-type", CONTENT_TYPE.encode()),
        ]
        if self.traceparent:
            headers.append(("traceparent", self.traceparent.encode()))
        return headers

    def value(self) -> bytes:
        return encode_data(self.data)

    @classmethod
    def from_kafka(
        cls, headers: list[tuple[str, bytes]] | tuple[tuple[str, bytes], ...], value: bytes | None
    ) -> CloudEvent:
        """Read a binary-mode CloudEvent; raise MalformedEvent when it is not one."""
        attrs: dict[str, str] = {}
        for name, raw in headers or ():
            try:
                attrs[name] = raw.decode() if raw is not None else ""
            except UnicodeDecodeError as exc:
                raise MalformedEvent(f"header {name} is not UTF-8") from exc
            if "\x00" in attrs[name]:  # no CloudEvents string holds one, and Postgres text cannot store it
                raise MalformedEvent(f"header {name} holds a NUL character")
        missing = [a for a in ("ce_specversion", "ce_id", "ce_source", "ce_type") if not attrs.get(a)]
        if missing:
            raise MalformedEvent(f"missing CloudEvents headers: {', '.join(missing)}")
        if attrs["ce_specversion"] != SPECVERSION:
            raise MalformedEvent(f"unsupported specversion {attrs['ce_specversion']}")
        try:
            data = json.loads(value) if value else {}
        except (ValueError, UnicodeDecodeError) as exc:  # a number too long to read is a ValueError too
            raise MalformedEvent("data is not JSON") from exc
        except RecursionError as exc:
            raise MalformedEvent("data nests too deep") from exc
        if not isinstance(data, dict):
            raise MalformedEvent("data is not a JSON object")
        try:
            time = datetime.fromisoformat(attrs["ce_time"]) if attrs.get("ce_time") else datetime.now(UTC)
        except ValueError as exc:
            raise MalformedEvent("ce_time is not RFC 3339") from exc
        return cls(
            type=attrs["ce_type"],
            source=attrs["ce_source"],
            subject=attrs.get("ce_subject", ""),
            data=data,
            id=attrs["ce_id"],
            time=time,
            traceparent=attrs.get("traceparent"),
        )


def encode_data(data: dict[str, Any]) -> bytes:
    """Compact JSON; UUIDs, dates and datetimes as strings."""
    return json.dumps(data, separators=(",", ":"), default=_json_default).encode()


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return]
    raise TypeError(f"cannot encode {type(value).__name__} in an event")
