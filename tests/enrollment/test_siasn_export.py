"""The SIASN export on the real stack: passed completions as SIASN rows, the unmapped listed, CSV equal to JSON.

Mappings are one table for the whole service, so each test maps only what its own assertions read: the course
tests use technical_training (mapped) and apprenticeship (never mapped), the CLI test coaching.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx

from tests.enrollment.support import NEXT_YEAR, World
from tests.support.stack import REPO, sqlalchemy_url

YEAR = NEXT_YEAR  # the default test program's fiscal year: cohorts still ahead, completions recorded anyway
WINDOW = {"from": f"{YEAR}-01-01", "to": f"{YEAR}-12-31"}


def coordinator(world: World) -> dict[str, str]:
    return world.issuer.headers(uuid.uuid4(), "coordinator")


async def put_mapping(world: World, kind: str, value: object, siasn_id: str, **extra: Any) -> httpx.Response:
    return await world.client.put(
        f"/exports/siasn/mappings/{kind}/{value}", json={"siasn_id": siasn_id, **extra}, headers=coordinator(world)
    )


async def passed(world: World, cohort: dict[str, Any], nip: str, by: uuid.UUID, jp: int, ok: bool = True) -> str:
    """Nominate, fund and complete; returns the enrollment id."""
    e = await world.nominate(cohort, nip, by)
    await world.approve(e["id"])
    r = await world.client.post(
        f"/enrollments/{e['id']}/complete",
        json={"attended_jp": jp, "passed": ok},
        headers=world.headers("bpsdm", "enrollments:complete"),
    )
    assert r.status_code == 200, r.text
    return str(e["id"])


async def certificate_number(world: World, enrollment_id: str) -> str:
    rows = await world.db("SELECT number FROM certificates WHERE enrollment_id = $1", uuid.UUID(enrollment_id))
    assert rows, f"no certificate issued for {enrollment_id}"
    return str(rows[0]["number"])


async def export(world: World, headers: dict[str, str], **params: Any) -> httpx.Response:
    return await world.client.get("/exports/siasn", params={**WINDOW, **params}, headers=headers)


async def new_regency(world: World, name: str) -> uuid.UUID:
    regency = await world.add_institution(name, kind="regency", name=name, parent_id=world.ids["papua_selatan"])
    await world.wait_institutions(regency)
    return regency


async def test_passed_completions_become_course_rows_and_the_rest_is_listed_or_left_out(world: World) -> None:
    regency = await new_regency(world, "Kabupaten Boven Digoel")
    a, failed, absent, cancelled, intern, legacy = await world.staff(regency, 6)
    course = await world.program(title="Pelatihan Teknis Perencanaan Daerah", pattern="technical_training", hours_jp=24)
    march = await world.cohort(course, starts_on=f"{YEAR}-03-02", ends_on=f"{YEAR}-03-12")
    apprenticeship = await world.program(title="Magang Tata Kelola", pattern="apprenticeship", hours_jp=40)
    may = await world.cohort(apprenticeship, starts_on=f"{YEAR}-05-04", ends_on=f"{YEAR}-05-29")

    done = await passed(world, march, a, regency, 20)
    await passed(world, march, failed, regency, 24, ok=False)  # attended, did not pass
    await passed(world, march, absent, regency, 0, ok=False)  # no_show
    e = await world.nominate(march, cancelled, regency)
    r = await world.client.post(f"/enrollments/{e['id']}/cancel", headers=world.headers(regency, "enrollments:write"))
    assert r.status_code == 200, r.text
    unmapped_type = await passed(world, may, intern, regency, 40)
    uncertified = await passed(world, march, legacy, regency, 24)
    # A completion from before certificates were issued: it has none.
    await world.db("DELETE FROM certificates WHERE enrollment_id = $1", uuid.UUID(uncertified))
    own = world.headers(regency, "read")

    # Nothing mapped for this institution yet: every passed completion is listed with what it lacks.
    r = await export(world, own, institution_id=regency)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["rows"] == []
    missing = {u["enrollment_id"]: u["missing"] for u in body["unmapped"]}
    assert set(missing) == {done, unmapped_type, uncertified}  # no failed, no-show or cancelled enrollment
    assert "institution" in missing[done] and "course_type" in missing[unmapped_type]

    for kind, value, siasn_id in (
        ("institution", regency, "A5EB03E23C52F6A0E040640A040252AD"),
        ("course_type", "technical_training", "3"),
        ("certificate_type", "technical_training", "T"),
        ("location", world.ids["bpsdm"], "A5EB03E2180EF6A0E040640A040252AD"),
    ):
        assert (await put_mapping(world, kind, value, siasn_id)).status_code in (200, 201)

    r = await export(world, own, institution_id=regency)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["history"] == "course" and body["fields"] == list(body["rows"][0])
    assert body["rows"] == [
        {
            "instansiId": "A5EB03E23C52F6A0E040640A040252AD",
            "institusiPenyelenggara": "BPSDM Kemendagri",
            "jenisDiklatId": "3",
            "jenisKursusSertipikat": "T",
            "jumlahJam": 20,
            "lokasiId": "A5EB03E2180EF6A0E040640A040252AD",
            "namaKursus": "Pelatihan Teknis Perencanaan Daerah",
            "nomorSertipikat": await certificate_number(world, done),
            "nipBaru": a,
            "tahunKursus": YEAR,
            "tanggalKursus": f"02-03-{YEAR}",
            "tanggalSelesaiKursus": f"12-03-{YEAR}",
        }
    ]
    assert sorted((u["enrollment_id"], u["missing"]) for u in body["unmapped"]) == sorted(
        [(unmapped_type, ["course_type"]), (uncertified, ["certificate"])]
    )
    by_id = {u["enrollment_id"]: u for u in body["unmapped"]}
    assert (by_id[unmapped_type]["nip"], by_id[unmapped_type]["pattern"]) == (intern, "apprenticeship")

    # The CSV holds exactly the JSON's rows under SIASN's field names; the unmapped are counted in a header.
    for asked in ({"format": "csv"}, {}):
        headers = own if asked else {**own, "Accept": "text/csv"}
        r = await export(world, headers, institution_id=regency, **asked)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("text/csv")
        assert r.headers["x-unmapped-count"] == "2"
        assert "format=json" in r.headers["link"] and 'rel="alternate"' in r.headers["link"]
        assert "attachment" in r.headers["content-disposition"]
        reader = csv.DictReader(io.StringIO(r.text, newline=""))
        assert reader.fieldnames == body["fields"]
        assert list(reader) == [{k: str(v) for k, v in row.items()} for row in body["rows"]]


async def test_the_window_is_the_day_the_cohort_ended_both_ends_included(world: World) -> None:
    regency = await new_regency(world, "Kabupaten Mappi")
    early, late = await world.staff(regency, 2)
    course = await world.program(pattern="technical_training", hours_jp=10)
    march = await world.cohort(course, starts_on=f"{YEAR}-03-02", ends_on=f"{YEAR}-03-12")
    november = await world.cohort(course, name="Angkatan II", starts_on=f"{YEAR}-11-02", ends_on=f"{YEAR}-11-06")
    await passed(world, march, early, regency, 10)
    await passed(world, november, late, regency, 10)
    await put_mapping(world, "institution", regency, "A5EB03E23C5BF6A0E040640A040252AD")
    await put_mapping(world, "course_type", "technical_training", "3")
    own = world.headers(regency, "read")

    async def nips(first: str, last: str) -> list[str]:
        r = await world.client.get(
            "/exports/siasn", params={"institution_id": regency, "from": first, "to": last}, headers=own
        )
        assert r.status_code == 200, r.text
        return [row["nipBaru"] for row in r.json()["rows"]]

    assert await nips(f"{YEAR}-03-12", f"{YEAR}-11-06") == [early, late]
    assert await nips(f"{YEAR}-03-13", f"{YEAR}-11-05") == []
    assert await nips(f"{YEAR}-01-01", f"{YEAR}-06-30") == [early]

    r = await world.client.get(
        "/exports/siasn",
        params={"institution_id": regency, "from": f"{YEAR}-06-30", "to": f"{YEAR}-01-01"},
        headers=own,
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "to", r.text


async def test_a_program_mapped_to_a_structural_training_goes_to_the_structural_history(world: World) -> None:
    regency = await new_regency(world, "Kabupaten Asmat Barat")
    [leader] = await world.staff(regency, 1)
    pka = await world.program(title="Pelatihan Kepemimpinan Administrator", pattern="technical_training", hours_jp=30)
    cohort = await world.cohort(pka, starts_on=f"{YEAR}-04-06", ends_on=f"{YEAR}-04-30")
    enrollment_id = await passed(world, cohort, leader, regency, 30)
    await put_mapping(world, "institution", regency, "A5EB03E23C5CF6A0E040640A040252AD")
    assert (await put_mapping(world, "structural_training", pka["id"], "3", label="PIM TK. III")).status_code == 201
    own = world.headers(regency, "read")

    course = (await export(world, own, institution_id=regency)).json()
    assert course["rows"] == [] and course["unmapped"] == []
    r = await export(world, own, institution_id=regency, history="structural")
    assert r.status_code == 200, r.text
    assert r.json()["rows"] == [
        {
            "instansiId": "A5EB03E23C5CF6A0E040640A040252AD",
            "institusiPenyelenggara": "BPSDM Kemendagri",
            "jumlahJam": 30,
            "latihanStrukturalId": "3",
            "nomor": await certificate_number(world, enrollment_id),
            "nipBaru": leader,
            "tahun": YEAR,
            "tanggal": f"06-04-{YEAR}",
            "tanggalSelesai": f"30-04-{YEAR}",
        }
    ]
    structural = r.json()["rows"]
    r = await export(world, own, institution_id=regency, history="structural", format="csv")
    assert list(csv.DictReader(io.StringIO(r.text, newline=""))) == [{k: str(v) for k, v in structural[0].items()}]


async def test_a_revoked_certificate_is_listed_not_exported(world: World) -> None:
    regency = await new_regency(world, "Kabupaten Yahukimo Selatan")
    [nip] = await world.staff(regency, 1)
    course = await world.program(pattern="technical_training", hours_jp=12)
    cohort = await world.cohort(course)
    enrollment_id = await passed(world, cohort, nip, regency, 12)
    await put_mapping(world, "institution", regency, "A5EB03E23C5DF6A0E040640A040252AD")
    await put_mapping(world, "course_type", "technical_training", "3")
    [row] = await world.db("SELECT id FROM certificates WHERE enrollment_id = $1", uuid.UUID(enrollment_id))
    r = await world.client.post(
        f"/certificates/{row['id']}/revoke", json={"reason": "data peserta keliru"}, headers=coordinator(world)
    )
    assert r.status_code == 200, r.text

    body = (await export(world, world.headers(regency, "read"), institution_id=regency)).json()
    assert body["rows"] == []
    assert [(u["enrollment_id"], u["missing"]) for u in body["unmapped"]] == [(enrollment_id, ["certificate_revoked"])]


async def test_only_the_institution_itself_or_a_coordinator_exports(world: World) -> None:
    regency = await new_regency(world, "Kabupaten Nduga Timur")
    ask = {"institution_id": regency}
    assert (await export(world, world.headers(regency, "read"), **ask)).status_code == 200
    assert (await export(world, coordinator(world), **ask)).status_code == 200
    other = await export(world, world.headers("jayapura", "read"), **ask)
    assert other.status_code == 403 and other.headers["content-type"].startswith("application/problem+json")
    assert (await export(world, world.headers(regency, "enrollments:write"), **ask)).status_code == 403
    assert (await export(world, world.headers(regency, "admin"), **ask)).status_code == 403
    unknown = await export(world, coordinator(world), institution_id=uuid.uuid4())
    assert unknown.status_code == 404
    assert (await world.client.get("/exports/siasn", params={**WINDOW, **ask})).status_code == 401


async def test_operators_keep_the_mappings_through_the_api(world: World) -> None:
    papua = world.ids["papua"]
    first = await put_mapping(world, "institution", papua, "A5EB03E23BFBF6A0E040640A040252AD", label="Prov. Papua")
    assert first.status_code in (200, 201), first.text
    version = first.json()["version"]
    again = await put_mapping(world, "institution", str(papua).upper(), "A5EB03E23BFBF6A0E040640A040252AE")
    assert again.status_code == 200 and again.json()["version"] == version + 1
    assert again.json()["sinergi_value"] == str(papua)  # one key per institution, whatever case it was sent in
    assert again.headers["etag"] == f'"{version + 1}"'
    stale = await world.client.put(
        f"/exports/siasn/mappings/institution/{papua}",
        json={"siasn_id": "X"},
        headers={**coordinator(world), "If-Match": f'"{version}"'},
    )
    assert stale.status_code == 412

    for kind, value, siasn_id, field in (
        ("course_type", "pelatihan", "3", "sinergi_value"),
        ("institution", uuid.uuid4(), "3", "sinergi_value"),
        ("structural_training", uuid.uuid4(), "3", "sinergi_value"),
        ("course_type", "coaching", "tiga puluh", "siasn_id"),
    ):
        r = await put_mapping(world, kind, value, siasn_id)
        assert r.status_code == 422 and r.json()["errors"][0]["field"].endswith(field), r.text
    assert (await put_mapping(world, "religion", "x", "1")).status_code == 422
    denied = await world.client.put(
        f"/exports/siasn/mappings/institution/{papua}", json={"siasn_id": "1"}, headers=world.headers(papua, "read")
    )
    assert denied.status_code == 403

    await put_mapping(world, "course_type", "mentoring", "8")
    listed = await world.client.get(
        "/exports/siasn/mappings", params={"kind": "institution", "limit": 1}, headers=world.headers(papua, "read")
    )
    assert listed.status_code == 200 and len(listed.json()["items"]) == 1
    seen, cursor = [], None
    while True:
        params = {"kind": "institution", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await world.client.get("/exports/siasn/mappings", params=params, headers=coordinator(world))).json()
        seen += [(m["kind"], m["sinergi_value"]) for m in page["items"]]
        if (cursor := page["next_cursor"]) is None:
            break
    assert ("institution", str(papua)) in seen and all(kind == "institution" for kind, _ in seen)
    assert seen == sorted(seen)

    path = "/exports/siasn/mappings/course_type/mentoring"
    assert (await world.client.delete(path, headers=world.headers(papua, "read"))).status_code == 403
    assert (await world.client.delete(path, headers=coordinator(world))).status_code == 204
    assert (await world.client.delete(path, headers=coordinator(world))).status_code == 404


async def sinergi(world: World, *args: str) -> tuple[int, str, str]:
    """Run `sinergi` against the test's enrollment database: (exit code, stdout, stderr)."""
    env = {**os.environ, "ENROLLMENT_DATABASE_URL": sqlalchemy_url(world.dsn)}
    command = [sys.executable, "-m", "sinergi_shared.cli", *args]
    done = await asyncio.to_thread(
        subprocess.run, command, env=env, cwd=REPO, capture_output=True, text=True, timeout=120
    )
    return done.returncode, done.stdout, done.stderr


async def test_operators_keep_the_mappings_from_the_command_line(world: World, tmp_path: Path) -> None:
    unit = world.ids["pusdiklat_hub"]
    code, out, err = await sinergi(
        world, "enrollment", "siasn-map", "set", "location", str(unit), "A5EB03E2", "--label", "Jakarta"
    )
    assert code == 0, err
    code, out, err = await sinergi(world, "enrollment", "siasn-map", "set", "course_type", "diklat", "3")
    assert code == 2 and "sinergi_value" in err

    # A sheet as Excel saves it in an Indonesian locale: ';', a BOM, Indonesian headers.
    sheet = tmp_path / "pemetaan.csv"
    sheet.write_bytes(
        "\ufeffJenis;Nilai Sinergi;ID SIASN;Label\ncourse_type;coaching;8;Bimbingan Teknis\n"
        "certificate_type;coaching;P;\n".encode()
    )
    code, out, err = await sinergi(world, "enrollment", "siasn-map", "import", str(sheet))
    assert code == 0, err
    assert '"stored": 2' in out

    bad = tmp_path / "salah.csv"
    bad.write_text("kind,sinergi_value,siasn_id\ncourse_type,on_the_job,10\ncourse_type,diklat,3\nlocation,x,\n")
    code, out, err = await sinergi(world, "enrollment", "siasn-map", "import", str(bad))
    assert code == 2 and "baris 3" in err and "baris 4" in err, err

    code, out, err = await sinergi(world, "enrollment", "siasn-map", "list", "--kind", "course_type")
    assert code == 0, err
    assert '"sinergi_value":"coaching"' in out and '"siasn_id":"8"' in out
    assert "on_the_job" not in out  # the bad sheet stored nothing, not even its good row
    code, out, err = await sinergi(world, "enrollment", "siasn-map", "list", "--kind", "location")
    assert str(unit) in out and "Jakarta" in out
