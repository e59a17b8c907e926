"""The event catalogue: valid AsyncAPI 3, current with the contract, served by every service."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import jsonschema
import pytest

from sinergi_shared import asyncapi
from sinergi_shared.contracts import EVENTS
from sinergi_shared.db import transaction
from sinergi_shared.outbox import Event, record

SCHEMA = Path(__file__).resolve().parents[2] / ".stack" / "asyncapi" / "package" / "schemas" / "3.0.0-without-$id.json"


def test_document_validates_against_the_official_asyncapi_3_schema() -> None:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(asyncapi.build(), schema)


def test_every_contract_event_is_a_message_with_its_topic_and_payload() -> None:
    document = asyncapi.build()
    messages = {m["name"]: m for m in document["components"]["messages"].values()}
    assert set(messages) == set(EVENTS)
    addresses = {
        document["components"]["messages"][ref["$ref"].rsplit("/", 1)[1]]["name"]: channel["address"]
        for channel in document["channels"].values()
        for ref in channel["messages"].values()
    }
    for event_type, spec in EVENTS.items():
        assert addresses[event_type] == spec.topic
        payload = messages[event_type]["payload"]["$ref"].rsplit("/", 1)[1]
        assert set(document["components"]["schemas"][payload]["properties"]) == set(spec.payload.model_fields)


def test_checked_in_catalogue_is_current() -> None:
    assert asyncapi.main(["--check"]) == 0, "run python -m sinergi_shared.asyncapi --write"


async def test_code_cannot_emit_an_event_missing_from_the_catalogue(db) -> None:  # type: ignore[no-untyped-def]
    _, sessions = db
    with pytest.raises(KeyError):
        async with transaction(sessions) as session:
            await record(session, Event("institution.renamed", {}, uuid.uuid4()))
