"""The AsyncAPI 3 event catalogue, generated from the contract table; `--write`/`--check` keep docs/ current."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic.json_schema import models_json_schema

from sinergi_shared.contracts import ALL_TOPICS, EVENTS

DOCS = Path(__file__).resolve().parents[2] / "docs"
JSON_PATH = DOCS / "asyncapi.json"
PAGE_PATH = DOCS / "events.md"

_CE_HEADERS = {
    "type": "object",
    "required": ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_subject", "content-type"],
    "properties": {
        "ce_specversion": {"type": "string", "const": "1.0"},
        "ce_id": {"type": "string", "description": "Unique event id; consumers de-duplicate on (ce_source, ce_id)"},
        "ce_source": {"type": "string", "description": "The emitting service"},
        "ce_type": {"type": "string", "description": "The event name"},
        "ce_time": {"type": "string", "format": "date-time"},
        "ce_subject": {"type": "string", "description": "The aggregate id, also the message key"},
        "content-type": {"type": "string", "const": "application/json"},
        "traceparent": {"type": "string", "description": "W3C trace context"},
    },
}


def _channel_id(topic: str) -> str:
    return topic.replace(".", "_").replace("-", "_")


def _message_id(event_type: str) -> str:
    return event_type.replace(".", "_")


def build() -> dict[str, Any]:
    """The whole AsyncAPI 3.0 document for every topic and event type in the contract."""
    models = sorted({spec.payload for spec in EVENTS.values()}, key=lambda m: m.__name__)
    _, defs = models_json_schema([(m, "serialization") for m in models], ref_template="#/components/schemas/{model}")
    schemas: dict[str, Any] = dict(defs.get("$defs", {}))
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for topic in ALL_TOPICS:
        specs = [s for s in EVENTS.values() if s.topic == topic]
        channel = _channel_id(topic)
        channels[channel] = {
            "address": topic,
            "description": f"Events of {specs[0].source}; dead letters go to {topic}.dlq.",
            "messages": {_message_id(s.type): {"$ref": f"#/components/messages/{_message_id(s.type)}"} for s in specs},
        }
        operations[f"publish_{channel}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel}"},
            "summary": f"{specs[0].source} publishes through its transactional outbox",
            "messages": [{"$ref": f"#/channels/{channel}/messages/{_message_id(s.type)}"} for s in specs],
        }
        for s in specs:
            key_fields = s.key.split("|")
            messages[_message_id(s.type)] = {
                "name": s.type,
                "title": s.type,
                "summary": s.summary,
                "contentType": "application/json",
                "headers": {"$ref": "#/components/schemas/CloudEventHeaders"},
                "payload": {"$ref": f"#/components/schemas/{s.payload.__name__}"},
                "bindings": {
                    "kafka": {
                        "key": {"type": "string", "description": "Message key: " + " or ".join(key_fields)},
                        "bindingVersion": "0.5.0",
                    }
                },
            }
    schemas["CloudEventHeaders"] = _CE_HEADERS
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Sinergi events",
            "version": "1.0.0",
            "description": "CloudEvents 1.0 in Kafka binary mode; key = aggregate id; delivery at least once, "
            "effects once (consumers keep an inbox).",
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:9092",
                "protocol": "kafka",
                "description": "the local stack (SASL/SCRAM-SHA-512 without TLS; over TLS on 127.0.0.1:9094)",
                "security": [{"$ref": "#/components/securitySchemes/scram"}],
            },
            "production": {
                "host": "{brokers}",
                "protocol": "kafka-secure",
                "description": "SASL/SCRAM-SHA-512 over TLS; an agency's principal (`sinergi kafka grant`) may read "
                "only the topics granted to it, in consumer groups whose names start with its own",
                "variables": {"brokers": {"description": "the operator's bootstrap brokers"}},
                "security": [{"$ref": "#/components/securitySchemes/scram"}],
            },
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": messages,
            "schemas": schemas,
            "securitySchemes": {
                "scram": {
                    "type": "scramSha512",
                    "description": "Each service and each agency consumer has its own principal; ACLs decide.",
                }
            },
        },
    }


def render_page(document: dict[str, Any]) -> str:
    """A readable Markdown catalogue of the same document."""
    lines = [
        "# Sinergi event catalogue",
        "",
        "Generated from `shared/sinergi_shared/contracts.py` "
        "(`python -m sinergi_shared.asyncapi --write`); the machine-readable form is `asyncapi.json`.",
        "",
    ]
    schemas = document["components"]["schemas"]
    for channel in document["channels"].values():
        lines += [f"## `{channel['address']}`", "", channel["description"], ""]
        for ref in channel["messages"].values():
            message = document["components"]["messages"][ref["$ref"].rsplit("/", 1)[1]]
            schema_name = message["payload"]["$ref"].rsplit("/", 1)[1]
            lines += [
                f"### `{message['name']}`",
                "",
                message["summary"],
                "",
                f"Key: {message['bindings']['kafka']['key']['description'].removeprefix('Message key: ')}",
                "",
                "| field | type | required |",
                "|---|---|---|",
            ]
            schema = schemas[schema_name]
            required = set(schema.get("required", []))
            for name, prop in schema.get("properties", {}).items():
                lines.append(f"| `{name}` | {_type_of(prop)} | {'yes' if name in required else 'no'} |")
            lines.append("")
    return "\n".join(lines)


def _type_of(prop: dict[str, Any]) -> str:
    if "enum" in prop:
        return " \\| ".join(f"`{v}`" for v in prop["enum"])
    if "anyOf" in prop:
        return " or ".join(_type_of(p) for p in prop["anyOf"])
    if "const" in prop:
        return f"`{prop['const']}`"
    fmt = prop.get("format")
    return f"{prop.get('type', 'object')}{f' ({fmt})' if fmt else ''}"


def rendered() -> tuple[str, str]:
    document = build()
    return json.dumps(document, indent=2, sort_keys=True) + "\n", render_page(document) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="write docs/asyncapi.json and docs/events.md")
    parser.add_argument("--check", action="store_true", help="fail when the checked-in files are stale")
    args = parser.parse_args(argv)
    text, page = rendered()
    if args.write:
        DOCS.mkdir(exist_ok=True)
        JSON_PATH.write_text(text)
        PAGE_PATH.write_text(page)
        return 0
    if args.check:
        stale = [
            p.name for p, want in ((JSON_PATH, text), (PAGE_PATH, page)) if not p.exists() or p.read_text() != want
        ]
        if stale:
            print(f"stale: {', '.join(stale)}; run python -m sinergi_shared.asyncapi --write", file=sys.stderr)
            return 1
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
