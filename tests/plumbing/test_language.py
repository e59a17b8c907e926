"""Texts for people in Bahasa Indonesia by default and English on request; machine codes never translated."""

from __future__ import annotations

import string
import uuid
from collections.abc import Iterator

import httpx
import pytest
from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

import enrollment.messages
import funding.messages
import registry.messages
import sinergi_shared.messages
from sinergi_shared.auth import Caller
from sinergi_shared.language import Text, negotiate
from sinergi_shared.problems import Conflict
from sinergi_shared.settings import ServiceSettings
from sinergi_shared.web import create_service_app
from tests.support.tokens import TestIssuer

CATALOGUES = (sinergi_shared.messages, registry.messages, enrollment.messages, funding.messages)


def _texts() -> Iterator[tuple[str, Text]]:
    for catalogue in CATALOGUES:
        for name, value in vars(catalogue).items():
            if isinstance(value, Text):
                yield f"{catalogue.__name__}.{name}", value
            elif isinstance(value, dict):
                yield from ((f"{catalogue.__name__}.{name}[{k}]", v) for k, v in value.items() if isinstance(v, Text))


def _fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def test_every_text_has_both_languages_with_the_same_fields() -> None:
    texts = list(_texts())
    assert len(texts) > 150
    for name, text in texts:
        assert text.id.strip() and text.en.strip(), name
        assert _fields(text.id) == _fields(text.en), name


def test_no_catalogue_text_is_left_in_english_on_the_indonesian_side() -> None:
    # Identical sides are allowed only where the text has no words of its own, only values.
    same = [name for name, text in _texts() if text.id == text.en and any(c.isalpha() for c in _literal(text.id))]
    assert same == [], same


def _literal(template: str) -> str:
    return "".join(literal for literal, _, _, _ in string.Formatter().parse(template))


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "id"),
        ("", "id"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("id-ID,id;q=0.9,en;q=0.8", "id"),
        ("en;q=0.5, id;q=0.9", "id"),
        ("fr, en;q=0.3", "en"),
        ("fr", "id"),
        ("*", "id"),
        ("en;q=0", "id"),
        ("en;q=abc", "id"),
        ("in", "id"),
    ],
)
def test_the_language_is_negotiated_from_accept_language(header: str | None, language: str) -> None:
    assert negotiate(header) == language


class Thing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    size: int
    kind: str = "a"


def _app(issuer: TestIssuer) -> tuple[APIRouter, ServiceSettings]:
    router = APIRouter()

    @router.post("/things", status_code=201)
    async def create(thing: Thing, caller: Caller) -> dict[str, str]:
        raise Conflict(registry.messages.NIP_TAKEN(nip="199001012015031001"))

    return router, ServiceSettings(service_name="tiny", jwks_url=issuer.jwks_url, max_body_bytes=1000)


async def test_problems_are_indonesian_by_default_and_english_on_request(issuer: TestIssuer) -> None:
    router, settings = _app(issuer)
    app = create_service_app(settings, title="tiny", description="tiny", routers=[router])
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            auth = issuer.headers(uuid.uuid4(), "read")

            default = await c.post("/things", json={"name": "x", "size": 1}, headers=auth)
            english = await c.post("/things", json={"name": "x", "size": 1}, headers={**auth, "Accept-Language": "en"})
            assert (default.status_code, english.status_code) == (409, 409)
            assert default.headers["content-language"] == "id" and english.headers["content-language"] == "en"
            assert default.json()["title"] == "Terjadi konflik data"
            assert default.json()["detail"].startswith("NIP 199001012015031001 sudah terdaftar.")
            assert english.json()["title"] == "Conflict"
            assert english.json()["detail"].startswith("a civil servant with NIP 199001012015031001 is already")
            assert default.json()["type"] == english.json()["type"]  # the machine code stays

            bad = {"size": "big", "extra": 1}
            invalid = (await c.post("/things", json=bad, headers=auth)).json()
            messages = {e["field"]: e["message"] for e in invalid["errors"]}
            assert invalid["title"] == "Data tidak valid"
            assert messages == {
                "name": "wajib diisi",
                "size": "harus berupa bilangan bulat",
                "extra": "kolom ini tidak dikenal",
            }
            english_invalid = (await c.post("/things", json=bad, headers={**auth, "Accept-Language": "en"})).json()
            assert english_invalid["title"] == "Validation failed"
            assert {e["field"]: e["message"] for e in english_invalid["errors"]}["name"] == "Field required"

            missing_token = (await c.post("/things", json={"name": "x", "size": 1})).json()
            assert missing_token["detail"].startswith("Sertakan token")

            nowhere = await c.get("/nowhere")
            assert nowhere.status_code == 404 and nowhere.json()["detail"] == "Alamat ini tidak ada."
            nowhere_en = await c.get("/nowhere", headers={"Accept-Language": "en-GB"})
            assert nowhere_en.json()["detail"] == "Not Found" and nowhere_en.json()["title"] == "Not found"
