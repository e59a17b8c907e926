"""Certificates on the real stack: gap-free numbers under concurrency, JSON and PDF, public verification, revocation."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import subprocess
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import zxingcpp
from PIL import Image

from enrollment import certificates
from enrollment.models import Enrollment, Program
from sinergi_shared.contracts import T_ENROLLMENTS, spec_of
from sinergi_shared.db import transaction
from tests.enrollment.support import NEXT_YEAR, World, funding_fact, new_nip, servant_snapshot
from tests.support.service import RunningService
from tests.support.stack import collect, eventually, header

_units = itertools.count(1)
SIGNER = {
    "signer_name": "Dr. Andi Wijaya, M.Si.",
    "signer_post": "Kepala Badan Pengembangan Sumber Daya Manusia",
    "signer_nip": "197001011995031001",
    "signing_place": "Jakarta",
}


async def _provider(world: World, parent: str = "kemendagri", *, settings: dict[str, str] | None = None) -> str:
    """A training unit of its own, so its certificates are numbered from 1; with its settings if given."""
    key = f"unit{next(_units)}"
    await world.add_institution(
        key, kind="training_unit", name=f"Pusdiklat Sertifikat {key}", parent_id=world.ids[parent]
    )
    await world.wait_institutions(world.ids[key])
    if settings is not None:
        r = await world.client.put(
            f"/providers/{world.ids[key]}/certificate-settings",
            json=settings,
            headers=world.headers(key, "programs:write"),
        )
        assert r.status_code == 200, r.text
    return key


async def _confirmed(
    world: World, provider: str, n: int, *, names: list[str] | None = None, employer: str = "kemendagri"
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """n confirmed enrollments of employer's staff in one cohort of a new program of the provider."""
    program = await world.program(provider, hours_jp=30, title="Pelatihan Teknis Perencanaan Pembangunan Daerah")
    cohort = await world.cohort(program, provider, capacity=n, regional_share_pct=0)
    nips = [new_nip() for _ in range(n)]
    snapshots = [servant_snapshot(nip, world.ids[employer]) for nip in nips]
    for snapshot, name in zip(snapshots, names or [], strict=False):
        snapshot["name"] = name
    await world.bus.publish_many("civil_servant.registered", snapshots)
    await world.wait_servants(nips)
    enrollments = [await world.nominate(cohort, nip, employer) for nip in nips]
    await world.bus.publish_many("funding.approved", [funding_fact(e["id"]) for e in enrollments])
    ids = [uuid.UUID(e["id"]) for e in enrollments]

    async def all_confirmed() -> bool:
        rows = await world.db("SELECT count(*) AS n FROM enrollments WHERE id = ANY($1) AND status = 'confirmed'", ids)
        return rows[0]["n"] == n

    await eventually(all_confirmed, timeout=60)
    return program, enrollments


async def _complete(world: World, provider: str, enrollment_id: str, *, passed: bool = True, jp: int = 30) -> None:
    r = await world.client.post(
        f"/enrollments/{enrollment_id}/complete",
        json={"attended_jp": jp, "passed": passed},
        headers=world.headers(provider, "enrollments:complete"),
    )
    assert r.status_code == 200, r.text


async def _certificate(world: World, enrollment_id: str, **headers: str) -> dict[str, Any]:
    r = await world.client.get(
        f"/enrollments/{enrollment_id}/certificate",
        headers={**world.issuer.headers(uuid.uuid4(), "coordinator"), **headers},
    )
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


async def _public(service: RunningService, host: str) -> httpx.AsyncClient:
    """A client without a token, calling from its own address (each address has its own verification allowance)."""
    transport = httpx.ASGITransport(app=service.app, client=(host, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://enrollment")


async def test_passed_completions_are_numbered_one_by_one_without_gap_or_duplicate_under_concurrency(world: World):
    first = await _provider(world, "kemendagri")
    second = await _provider(world, "kemenhub", settings={**SIGNER, "number_pattern": "{seq:04}/STTP/{code}/{year}"})
    _, of_first = await _confirmed(world, first, 100)
    _, of_second = await _confirmed(world, second, 100)
    pairs = [(first, e["id"]) for e in of_first] + [(second, e["id"]) for e in of_second]
    await asyncio.gather(*(_complete(world, provider, enrollment_id) for provider, enrollment_id in pairs))

    rows = await world.db(
        "SELECT provider_id, year, seq, number, enrollment_id FROM certificates WHERE provider_id = ANY($1)",
        [world.ids[first], world.ids[second]],
    )
    assert len(rows) == 200 and len({r["enrollment_id"] for r in rows}) == 200
    seqs: dict[uuid.UUID, list[int]] = defaultdict(list)
    for row in rows:
        seqs[row["provider_id"]].append(row["seq"])
        assert row["year"] == NEXT_YEAR  # the year the cohort ends
    assert sorted(seqs[world.ids[first]]) == list(range(1, 101))
    assert sorted(seqs[world.ids[second]]) == list(range(1, 101))
    numbers = {r["number"] for r in rows}
    assert len(numbers) == 200
    code_first = (await world.db("SELECT code FROM institutions WHERE id = $1", world.ids[first]))[0]["code"]
    code_second = (await world.db("SELECT code FROM institutions WHERE id = $1", world.ids[second]))[0]["code"]
    assert f"{code_first}/{NEXT_YEAR}/100" in numbers and f"{code_first}/{NEXT_YEAR}/1" in numbers
    assert f"0001/STTP/{code_second}/{NEXT_YEAR}" in numbers and f"0100/STTP/{code_second}/{NEXT_YEAR}" in numbers


async def test_a_rolled_back_completion_gives_its_number_back(world: World, service: RunningService):
    provider = await _provider(world)
    _, (a, b) = await _confirmed(world, provider, 2)
    await _complete(world, provider, a["id"])

    class Abandoned(Exception):
        pass

    try:
        async with transaction(service.app.state.sessions) as session:
            e = await session.get(Enrollment, uuid.UUID(b["id"]))
            assert e is not None
            program = await session.get(Program, e.program_id)
            assert program is not None
            e.attended_jp, e.passed, e.status = 30, True, "completed"
            taken = await certificates.issue(session, e, program)
            assert taken.seq == 2
            raise Abandoned  # the unit of work fails after the number was taken
    except Abandoned:
        pass
    await _complete(world, provider, b["id"])
    assert (await _certificate(world, b["id"]))["number"].endswith(f"/{NEXT_YEAR}/2")


async def test_a_failed_completion_or_a_no_show_issues_no_certificate(world: World):
    provider = await _provider(world)
    _, (failed, absent, passed) = await _confirmed(world, provider, 3)
    await _complete(world, provider, failed["id"], passed=False, jp=20)
    await _complete(world, provider, absent["id"], passed=False, jp=0)
    await _complete(world, provider, passed["id"])
    for e in (failed, absent):
        r = await world.client.get(
            f"/enrollments/{e['id']}/certificate", headers=world.headers(provider, "enrollments:complete")
        )
        assert r.status_code == 404 and "tidak memiliki sertifikat" in r.json()["detail"], r.text
    rows = await world.db("SELECT seq FROM certificates WHERE provider_id = $1", world.ids[provider])
    assert [r["seq"] for r in rows] == [1]  # failures take no number


async def test_the_certificate_says_who_passed_what_from_whom_to_those_who_may_see_it(
    world: World, service: RunningService
):
    provider = await _provider(world)
    r = await world.client.put(
        f"/providers/{world.ids[provider]}/certificate-settings",
        json=SIGNER,
        headers=world.headers("kemendagri", "programs:write"),  # the provider's K/L may set them too
    )
    assert r.status_code == 200 and r.json()["configured"] and r.headers["ETag"] == '"1"', r.text
    program, [e] = await _confirmed(world, provider, 1, names=["Siti Nurhayati"])
    await _complete(world, provider, e["id"], jp=28)

    seen = {}
    for who, expected in (("kemendagri", 200), (provider, 200), ("kemenhub", 404), ("papua", 404)):
        r = await world.client.get(f"/enrollments/{e['id']}/certificate", headers=world.headers(who, "read"))
        assert r.status_code == expected, (who, r.text)
        seen[who] = r.json()
    c = seen["kemendagri"]
    code = (await world.db("SELECT code FROM institutions WHERE id = $1", world.ids[provider]))[0]["code"]
    assert c["number"] == f"{code}/{NEXT_YEAR}/1" and c["status"] == "valid" and c["year"] == NEXT_YEAR
    assert (c["holder_name"], c["holder_nip"], c["holder_institution_name"]) == (
        "Siti Nurhayati",
        e["nip"],
        "Kemendagri",
    )
    assert (c["program_title"], c["pattern"], c["category"]) == (program["title"], "technical_training", "formal")
    assert (c["jp"], c["hours_jp"]) == (28, 30)
    assert (c["starts_on"], c["ends_on"]) == (f"{NEXT_YEAR}-03-02", f"{NEXT_YEAR}-03-12")
    assert c["provider_name"] == f"Pusdiklat Sertifikat {provider}" and c["provider_parent_name"] == "Kemendagri"
    assert {k: c[k] for k in SIGNER} == SIGNER
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", c["code"]) and c["code"] not in c["number"]
    base_url = service.settings.public_base_url  # type: ignore[attr-defined]
    assert c["verification_url"] == f"{base_url}/verify/{c['code']}"
    assert c["issued_on"] and c["revoked_at"] is None


@dataclass
class ReadBack:
    """A PDF as poppler reads it: pdfinfo's fields, its words, its page at 100 dpi and the barcodes on it."""

    info: dict[str, str]
    words: str
    page_size: tuple[int, int]
    barcodes: list[Any]


def _read_back(document: bytes, folder: Path, name: str) -> ReadBack:
    pdf = folder / f"{name}.pdf"
    pdf.write_bytes(document)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    # Rendered as a printer would at 100 dpi, then read with a QR reader.
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(pdf), str(folder / name)], check=True)
    [png] = sorted(folder.glob(f"{name}-*.png"))
    image = Image.open(png)
    return ReadBack(
        info=dict(line.split(":", 1) for line in info.splitlines() if ":" in line),
        words=" ".join(text.split()),
        page_size=image.size,
        barcodes=list(zxingcpp.read_barcodes(image)),
    )


async def test_the_pdf_is_one_a4_page_whose_qr_code_leads_to_the_verification(world: World, tmp_path: Path):
    provider = await _provider(world, settings=SIGNER)
    _, [e] = await _confirmed(world, provider, 1, names=["Siti Nurhayati"])
    await _complete(world, provider, e["id"])
    c = await _certificate(world, e["id"])

    for language, query, accept, words in (
        ("id", "", "application/pdf", ("SERTIFIKAT", "Diberikan kepada", "Siti Nurhayati", "30 jam pelajaran (JP)")),
        ("en", "?format=pdf", "application/json", ("CERTIFICATE", "Awarded to", "Siti Nurhayati", "30 lesson hours")),
    ):
        r = await world.client.get(
            f"/enrollments/{e['id']}/certificate{query}",
            headers={**world.headers(provider, "read"), "Accept": accept, "Accept-Language": language},
        )
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf", r.text[:300]
        page = await asyncio.to_thread(_read_back, r.content, tmp_path, f"certificate-{language}")
        assert page.info["Pages"].strip() == "1"
        assert "A4" in page.info["Page size"], page.info["Page size"]  # 841.89 x 595.276 pts: A4 landscape
        for word in (*words, c["number"], SIGNER["signer_name"], "19700101 199503 1 001"):
            assert word in page.words, (word, page.words)
        assert page.page_size == (1170, 827)  # 297 × 210 mm at 100 dpi, pdftoppm rounding up
        assert [(b.format, b.text) for b in page.barcodes] == [(zxingcpp.BarcodeFormat.QRCode, c["verification_url"])]


async def test_settings_are_checked_and_belong_to_the_provider(world: World):
    provider = await _provider(world)
    path = f"/providers/{world.ids[provider]}/certificate-settings"
    own = world.headers(provider, "programs:write")
    unset = await world.client.get(path, headers=world.headers(provider, "read"))
    assert unset.status_code == 200 and unset.headers["ETag"] == '"0"', unset.text
    code = (await world.db("SELECT code FROM institutions WHERE id = $1", world.ids[provider]))[0]["code"]
    assert unset.json()["configured"] is False and unset.json()["signer_name"] is None
    assert unset.json()["number_pattern"] == "{code}/{year}/{seq}" and unset.json()["example_number"].startswith(code)

    for body, field, says in (
        ({**SIGNER, "number_pattern": "{code}/{seq}"}, "number_pattern", "{seq} dan {year}"),
        ({**SIGNER, "number_pattern": "{year}/{nama}/{seq}"}, "number_pattern", "kolom {nama} tidak dikenal"),
        ({**SIGNER, "signer_nip": "1970"}, "signer_nip", ""),
        ({**SIGNER, "signer_name": "   "}, "signer_name", "tidak boleh kosong"),
    ):
        r = await world.client.put(path, json=body, headers=own)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, r.text
        assert says in r.json()["errors"][0]["message"], r.text
    assert (await world.client.get(path, headers=own)).json()["configured"] is False  # nothing written

    other = await world.client.put(path, json=SIGNER, headers=world.headers("kemenhub", "programs:write"))
    assert other.status_code == 403, other.text
    assert (await world.client.get(path, headers=world.headers("kemenhub", "read"))).status_code == 403
    missing = await world.client.put(f"/providers/{uuid.uuid4()}/certificate-settings", json=SIGNER, headers=own)
    assert missing.status_code == 404, missing.text
    region = await world.client.put(
        f"/providers/{world.ids['papua']}/certificate-settings",
        json=SIGNER,
        headers=world.headers("papua", "programs:write"),
    )
    assert region.status_code == 422 and region.json()["errors"][0]["field"] == "provider_id", region.text

    first = await world.client.put(path, json=SIGNER, headers={**own, "If-Match": '"0"'})
    assert first.status_code == 200 and first.headers["ETag"] == '"1"', first.text
    stale = await world.client.put(path, json={**SIGNER, "signing_place": "Bogor"}, headers={**own, "If-Match": '"0"'})
    assert stale.status_code == 412, stale.text
    moved = await world.client.put(path, json={**SIGNER, "signing_place": "Bogor"}, headers={**own, "If-Match": '"1"'})
    assert moved.status_code == 200 and moved.json()["signing_place"] == "Bogor" and moved.json()["version"] == 2


async def test_anyone_with_the_code_verifies_and_sees_only_a_masked_name(world: World, service: RunningService):
    provider = await _provider(world)  # a unit of Kemendagri; the participant works at Kemenhub
    _, [e] = await _confirmed(world, provider, 1, names=["Siti Nurhayati"], employer="kemenhub")
    await _complete(world, provider, e["id"])
    c = await _certificate(world, e["id"])  # without settings: the default pattern, no signer
    assert c["signer_name"] is None and c["number"].endswith(f"/{NEXT_YEAR}/1")

    async with await _public(service, "198.51.100.7") as public:
        valid = await public.get(f"/verify/{c['code']}")
        assert valid.status_code == 200, valid.text
        body = valid.json()
        assert body["status"] == "valid" and body["holder"] == "Si** Nurh*****"
        assert (body["number"], body["jp"], body["program_title"]) == (c["number"], 30, c["program_title"])
        assert body["provider_name"] == c["provider_name"] and body["starts_on"] == c["starts_on"]
        assert body["summary"].startswith(f"Sertifikat {c['number']} sah")
        assert e["nip"] not in valid.text and "Nurhayati" not in valid.text and "Kemenhub" not in valid.text
        assert set(body) == {
            "status",
            "summary",
            "number",
            "holder",
            "program_title",
            "pattern",
            "jp",
            "starts_on",
            "ends_on",
            "issued_on",
            "provider_name",
            "revoked_at",
            "revoke_reason",
        }

        # A phone scanning the QR code asks for HTML: the same facts as a page, nothing more about the person.
        browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
        page = await public.get(f"/verify/{c['code']}", headers=browser)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "Sertifikat ini SAH." in page.text and "Si** Nurh*****" in page.text and c["number"] in page.text
        assert e["nip"] not in page.text and "Nurhayati" not in page.text and "Kemenhub" not in page.text

        unknown = await public.get("/verify/" + "A" * 22)
        assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("application/problem+json")
        assert (await public.get(f"/verify/{c['number']}")).status_code == 404  # the number is not the code

        revoke = f"/certificates/{c['id']}/revoke"
        reason = {"reason": "Peserta terbukti tidak mengikuti ujian akhir."}
        participant = await world.client.post(revoke, json=reason, headers=world.headers("kemenhub", "programs:write"))
        assert participant.status_code == 403, participant.text
        stranger = await world.client.post(revoke, json=reason, headers=world.headers("papua", "programs:write"))
        assert stranger.status_code == 404, stranger.text
        stale = await world.client.post(
            revoke, json=reason, headers={**world.headers(provider, "enrollments:complete"), "If-Match": '"7"'}
        )
        assert stale.status_code == 412, stale.text
        done = await world.client.post(
            revoke, json=reason, headers={**world.headers(provider, "enrollments:complete"), "If-Match": '"1"'}
        )
        assert done.status_code == 200 and done.json()["status"] == "revoked" and done.headers["ETag"] == '"2"'
        again = await world.client.post(revoke, json=reason, headers=world.issuer.headers(uuid.uuid4(), "coordinator"))
        assert again.status_code == 409 and "sudah dicabut" in again.json()["detail"], again.text

        revoked = (await public.get(f"/verify/{c['code']}", headers={"Accept-Language": "en"})).json()
        assert revoked["status"] == "revoked" and revoked["revoke_reason"] == reason["reason"]
        assert revoked["revoked_at"] and revoked["summary"].startswith(f"Certificate {c['number']} is NOT VALID")
        assert (await _certificate(world, e["id"]))["status"] == "revoked"


async def test_verification_is_rate_limited_per_address(world: World, service: RunningService):
    allowance = service.settings.verify_rate_per_window  # type: ignore[attr-defined]
    async with await _public(service, "203.0.113.5") as busy, await _public(service, "203.0.113.6") as other:
        answers = await asyncio.gather(*(busy.get(f"/verify/unknown-{n}") for n in range(allowance)))
        assert {a.status_code for a in answers} == {404}  # unknown codes count too
        refused = await busy.get("/verify/unknown")
        assert refused.status_code == 429, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert 1 <= int(refused.headers["Retry-After"]) <= service.settings.verify_rate_window_s  # type: ignore[attr-defined]
        assert "coba lagi dalam" in refused.json()["detail"]
        assert (await other.get("/verify/unknown")).status_code == 404  # another address has its own allowance


async def test_issue_and_revocation_are_published_keyed_by_the_enrollment(world: World, topic_prefix: str):
    provider = await _provider(world, settings=SIGNER)
    _, [e] = await _confirmed(world, provider, 1)
    await _complete(world, provider, e["id"])
    c = await _certificate(world, e["id"])
    r = await world.client.post(
        f"/certificates/{c['id']}/revoke",
        json={"reason": "salah cetak"},
        headers=world.headers(provider, "programs:write"),
    )
    assert r.status_code == 200, r.text

    async def published() -> bool:
        rows = await world.db(
            "SELECT (SELECT count(*) FROM event_log WHERE key = $1 AND type LIKE 'certificate.%') AS mine,"
            " (SELECT count(*) FROM outbox) AS pending",
            e["id"],
        )
        return rows[0]["mine"] == 2 and rows[0]["pending"] == 0

    await eventually(published, timeout=20)
    expected = await world.db("SELECT count(*) AS n FROM event_log WHERE topic = $1", T_ENROLLMENTS)
    records = await collect(topic_prefix + T_ENROLLMENTS, count=expected[0]["n"], timeout=20)
    mine = {header(r, "ce_type"): r for r in records if r.key.decode() == e["id"]}
    assert {"enrollment.completed", "certificate.issued", "certificate.revoked"} <= set(mine)
    issued = spec_of("certificate.issued").payload.model_validate(json.loads(mine["certificate.issued"].value))
    revoked = spec_of("certificate.revoked").payload.model_validate(json.loads(mine["certificate.revoked"].value))
    assert str(issued.certificate_id) == c["id"] and issued.number == c["number"]  # type: ignore[attr-defined]
    assert issued.signer_nip == SIGNER["signer_nip"] and issued.attended_jp == 30  # type: ignore[attr-defined]
    assert revoked.reason == "salah cetak" and str(revoked.enrollment_id) == e["id"]  # type: ignore[attr-defined]
    assert c["code"] not in mine["certificate.issued"].value.decode()  # the verification code stays off Kafka
