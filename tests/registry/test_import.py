"""Bulk import of civil servants (JSON and CSV) against the real Postgres and Kafka."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest

from tests.registry.import_support import count_in, new_office, row
from tests.registry.support import create_institution, make_nip, published, register, scalar
from tests.support.service import RunningService


@pytest.fixture
async def office(registry: RunningService, operator: dict[str, str]) -> dict[str, Any]:
    return await new_office(registry, operator)


async def test_json_import_stores_valid_rows_and_reports_each_bad_one_by_position(
    registry: RunningService, operator: dict[str, str], office: dict[str, Any]
) -> None:
    existing = await register(registry, office["clerk"], office["id"])
    other = await create_institution(registry, operator, kind="agency")
    twice = make_nip()
    rows = [
        row(office["id"]),  # 1 ok
        row(office["id"], nip="199013452015031001"),  # 2 bad birth date
        row(office["id"], employment="honorer"),  # 3 bad employment
        row(office["id"], nip=twice),  # 4 duplicate in file
        row(office["id"]),  # 5 ok
        row(office["id"], nip=twice),  # 6 duplicate in file
        row(office["id"], nip=existing["nip"]),  # 7 duplicate in db
        row(other["id"]),  # 8 another institution
        "not an object",  # 9
        row(str(uuid.uuid4())),  # 10 unknown institution
        row(office["id"], sector="central"),  # 11 unknown field
        row(office["id"], name="Budi\u0000"),  # 12 NUL character
    ]
    before_events = await scalar(registry, "SELECT count(*) FROM event_log")
    response = await registry.client.post("/civil-servants/import", json=rows, headers=office["clerk"])
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["imported"] == 2
    by_line = {r["line"]: r for r in report["rejected"]}
    assert sorted(by_line) == [2, 3, 4, 6, 7, 8, 9, 10, 11, 12]
    assert {e["code"] for e in by_line[2]["errors"]} == {"birth_date_invalid"}
    assert by_line[3]["errors"][0]["field"] == "employment"
    assert by_line[4]["errors"][0]["code"] == "duplicate_in_file" and by_line[4]["nip"] == twice
    assert "6" in by_line[4]["errors"][0]["message"]
    assert by_line[6]["errors"][0]["code"] == "duplicate_in_file"
    assert by_line[7]["errors"][0]["code"] == "duplicate_in_db"
    assert by_line[8]["errors"][0]["field"] == "institution_id"
    assert by_line[9]["errors"][0]["field"] == "row"
    assert by_line[10]["errors"][0]["field"] == "institution_id"
    assert by_line[11]["errors"][0]["field"] == "sector"
    assert by_line[12]["errors"][0]["field"] == "name"

    assert await count_in(registry, office["id"]) == 3  # the one registered before + the two good rows
    assert await count_in(registry, other["id"]) == 0
    stored = {r["nip"] for r in (await registry.client.get("/civil-servants", headers=office["clerk"])).json()["items"]}
    assert stored == {existing["nip"], rows[0]["nip"], rows[4]["nip"]}
    assert await scalar(registry, "SELECT count(*) FROM event_log") == before_events + 2


async def test_csv_import_reports_file_lines_and_treats_empty_cells_as_absent(
    registry: RunningService, office: dict[str, Any]
) -> None:
    good, bad_gender, dup = make_nip(), make_nip(gender=1)[:14] + "3" + "001", make_nip()
    existing = await register(registry, office["clerk"], office["id"], nip=dup)
    inst = office["id"]
    csv_text = (
        "nip,name,institution_id,employment,position_kind,position_title,grade\r\n"  # line 1
        f'{good},"Rahman, S.E.",{inst},PPPK,functional,,\r\n'  # line 2 ok (quoted comma)
        f"{bad_gender},Ani,{inst},PNS,executor,,\r\n"  # line 3 bad gender digit
        "\r\n"  # line 4 blank, skipped
        f"{existing['nip']},Dup,{inst},PNS,executor,,\r\n"  # line 5 in db
        f",NoNip,{inst},PNS,executor,,\r\n"  # line 6 missing nip
        f"{make_nip()},Extra,{inst},PNS,executor,,,surplus\r\n"  # line 7 too many cells
    )
    response = await registry.client.post(
        "/civil-servants/import", content=csv_text.encode(), headers={**office["clerk"], "Content-Type": "text/csv"}
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["imported"] == 1
    by_line = {r["line"]: r for r in report["rejected"]}
    assert sorted(by_line) == [3, 5, 6, 7]
    assert by_line[3]["errors"][0]["code"] == "gender_invalid"
    assert by_line[5]["errors"][0]["code"] == "duplicate_in_db"
    assert by_line[6]["errors"][0] == {"field": "nip", "message": "wajib diisi"}
    assert by_line[7]["errors"][0]["field"] == "row"
    stored = (await registry.client.get(f"/civil-servants/{good}", headers=office["clerk"])).json()
    assert stored["name"] == "Rahman, S.E."
    assert stored["employment"] == "PPPK"
    assert stored["position_title"] is None


async def test_a_csv_with_unknown_or_missing_columns_is_refused_whole(
    registry: RunningService, office: dict[str, Any]
) -> None:
    response = await registry.client.post(
        "/civil-servants/import",
        content=f"nip,nama,institution_id,sektor\n{make_nip()},X,{office['id']},central\n".encode(),
        headers={**office["clerk"], "Content-Type": "text/csv"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "header"
    detail = response.json()["detail"]
    assert "kolom tidak dikenal: sektor" in detail
    assert "kolom belum ada: status_kepegawaian (employment), jenis_jabatan (position_kind)" in detail
    assert await count_in(registry, office["id"]) == 0


async def test_too_many_rows_or_an_unsupported_type_are_refused_with_a_clear_problem(
    registry: RunningService, office: dict[str, Any]
) -> None:
    rows = [{"nip": "x"}] * 10_001
    response = await registry.client.post("/civil-servants/import", json=rows, headers=office["clerk"])
    assert response.status_code == 413
    assert "10.000" in response.json()["detail"]
    not_array = await registry.client.post("/civil-servants/import", json={"nip": "x"}, headers=office["clerk"])
    assert not_array.status_code == 422
    xml = await registry.client.post(
        "/civil-servants/import", content=b"<rows/>", headers={**office["clerk"], "Content-Type": "application/xml"}
    )
    assert xml.status_code == 415
    assert xml.headers["content-type"] == "application/problem+json"


async def test_idempotency_key_on_import_replays_the_report_and_imports_once(
    registry: RunningService, office: dict[str, Any]
) -> None:
    headers = {**office["clerk"], "Idempotency-Key": uuid.uuid4().hex}
    rows = [row(office["id"]) for _ in range(3)]
    first = await registry.client.post("/civil-servants/import", json=rows, headers=headers)
    second = await registry.client.post("/civil-servants/import", json=rows, headers=headers)
    assert first.json() == second.json() == {"imported": 3, "rejected": []}
    assert await count_in(registry, office["id"]) == 3
    changed = await registry.client.post("/civil-servants/import", json=rows[:2], headers=headers)
    assert changed.status_code == 409


async def test_ten_thousand_rows_import_in_one_go_with_one_event_each(
    registry: RunningService, office: dict[str, Any]
) -> None:
    rows = [row(office["id"]) for _ in range(10_000)]
    started = time.perf_counter()
    response = await registry.client.post("/civil-servants/import", json=rows, headers=office["clerk"])
    elapsed = time.perf_counter() - started
    print(f"\nimport of 10,000 rows took {elapsed:.2f}s")  # measured, not asserted: the machine is shared
    assert response.status_code == 200, response.text
    assert response.json() == {"imported": 10_000, "rejected": []}
    assert await count_in(registry, office["id"]) == 10_000
    events = await scalar(
        registry,
        "SELECT count(*) FROM event_log WHERE type = 'civil_servant.registered' AND data->>'institution_id' = $1",
        office["id"],
    )
    assert events == 10_000
    records = await published(registry, "registry.civil-servants")
    nips = {r["nip"] for r in rows}
    assert sum(1 for r in records if r.key.decode() in nips) == 10_000


async def test_rows_are_checked_across_the_whole_file_although_stored_a_slice_at_a_time(
    registry: RunningService, office: dict[str, Any]
) -> None:
    existing = await register(registry, office["clerk"], office["id"])
    rows = [row(office["id"]) for _ in range(2_500)]  # five slices of IMPORT_SLICE (500)
    rows[9]["nip"] = rows[2_009]["nip"]  # line 10 and line 2,010: the same NIP, in different slices
    rows[1_499]["nip"] = existing["nip"]  # line 1,500: already registered
    rows[2_399]["employment"] = "honorer"  # line 2,400: invalid on its own
    before_events = await scalar(registry, "SELECT count(*) FROM event_log")
    response = await registry.client.post("/civil-servants/import", json=rows, headers=office["clerk"])
    assert response.status_code == 200, response.text
    report = response.json()
    by_line = {r["line"]: [e.get("code", e["field"]) for e in r["errors"]] for r in report["rejected"]}
    assert by_line == {
        10: ["duplicate_in_file"],
        2_010: ["duplicate_in_file"],
        1_500: ["duplicate_in_db"],
        2_400: ["employment"],
    }
    assert report["imported"] == 2_496
    assert await count_in(registry, office["id"]) == 2_497  # with the one registered before
    assert await scalar(registry, "SELECT count(*) FROM event_log") == before_events + 2_496


@pytest.mark.parametrize(
    "body",
    [
        "[{row}, {{]",  # broken after a valid row
        "[{row}] trailing",  # something after the array
        "[{row} {row}]",  # a missing comma
        "[{row},]",  # a trailing comma
        "[{row}",  # the array never closes
        "",
    ],
    ids=["broken-element", "trailing-text", "missing-comma", "trailing-comma", "unclosed", "empty"],
)
async def test_a_json_body_broken_anywhere_is_refused_whole_before_anything_is_stored(
    registry: RunningService, office: dict[str, Any], body: str
) -> None:
    # The file is read one element at a time; its first pass must still find a fault at its very end.
    valid = json.dumps(row(office["id"]))
    response = await registry.client.post(
        "/civil-servants/import",
        content=body.format(row=valid).encode(),
        headers={**office["clerk"], "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "bukan JSON yang sah" in response.json()["detail"]
    assert await count_in(registry, office["id"]) == 0
