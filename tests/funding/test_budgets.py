"""Budget lines over HTTP: creation rules, reads, revisions and their error paths."""

from __future__ import annotations

import uuid

import httpx

from tests.funding.conftest import Institutions
from tests.support.tokens import TestIssuer

YEAR = 2030


def bearer(issuer: TestIssuer, institution_id: uuid.UUID, *scopes: str, sub: str | None = None) -> dict[str, str]:
    token = issuer.token(institution_id, *scopes, **({"sub": sub} if sub else {}))
    return {"Authorization": f"Bearer {token}"}


def line_body(institution_id: uuid.UUID, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "institution_id": str(institution_id),
        "source": "APBN",
        "fiscal_year": YEAR,
        "ceiling_idr": 500_000_000,
        "purpose": "general",
        "auto_approve_limit_idr": 10_000_000,
    }
    body.update(overrides)
    return body


async def test_line_is_created_once_per_institution_source_year_purpose(
    api: httpx.AsyncClient, issuer: TestIssuer, institutions: Institutions
) -> None:
    [ministry] = await institutions("ministry")
    writer = bearer(issuer, ministry, "funding:write")

    created = await api.post("/budgets", json=line_body(ministry), headers=writer)
    assert created.status_code == 201, created.text
    line = created.json()
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"] == f"/budgets/{line['id']}"
    assert (line["ceiling_idr"], line["committed_idr"], line["realized_idr"], line["available_idr"]) == (
        500_000_000,
        0,
        0,
        500_000_000,
    )

    duplicate = await api.post("/budgets", json=line_body(ministry, ceiling_idr=1), headers=writer)
    assert duplicate.status_code == 409
    assert duplicate.headers["content-type"] == "application/problem+json"
    assert duplicate.json()["existing_id"] == line["id"]

    other_purpose = await api.post("/budgets", json=line_body(ministry, purpose="dob_facilitation"), headers=writer)
    other_year = await api.post("/budgets", json=line_body(ministry, fiscal_year=YEAR + 1), headers=writer)
    other_source = await api.post("/budgets", json=line_body(ministry, source="BLU"), headers=writer)
    assert [r.status_code for r in (other_purpose, other_year, other_source)] == [201, 201, 201]

    listed = await api.get(f"/budgets?institution_id={ministry}&fiscal_year={YEAR}", headers=writer)
    assert listed.status_code == 200
    assert {(i["source"], i["purpose"]) for i in listed.json()["items"]} == {
        ("APBN", "general"),
        ("APBN", "dob_facilitation"),
        ("BLU", "general"),
    }


async def test_budget_list_pages_with_a_cursor(
    api: httpx.AsyncClient, issuer: TestIssuer, institutions: Institutions
) -> None:
    [ministry] = await institutions("agency")
    writer = bearer(issuer, ministry, "funding:write")
    for source in ("APBN", "BLU", "PNBP"):
        assert (await api.post("/budgets", json=line_body(ministry, source=source), headers=writer)).status_code == 201
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        query = f"/budgets?institution_id={ministry}&limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = (await api.get(query, headers=writer)).json()
        seen += [i["source"] for i in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == ["APBN", "BLU", "PNBP"]
    bad = await api.get(f"/budgets?institution_id={ministry}&cursor=nonsense", headers=writer)
    assert bad.status_code == 422


async def test_create_with_idempotency_key_replays_the_first_response(
    api: httpx.AsyncClient, issuer: TestIssuer, institutions: Institutions
) -> None:
    [ministry] = await institutions("ministry")
    writer = bearer(issuer, ministry, "funding:write", sub="client-idem")
    headers = {**writer, "Idempotency-Key": "line-1"}
    first = await api.post("/budgets", json=line_body(ministry), headers=headers)
    again = await api.post("/budgets", json=line_body(ministry), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    different = await api.post("/budgets", json=line_body(ministry, ceiling_idr=7), headers=headers)
    assert different.status_code == 409


async def test_source_must_suit_the_institution_sector(
    api: httpx.AsyncClient, issuer: TestIssuer, institutions: Institutions
) -> None:
    ministry, regency = await institutions("ministry", "regency")
    coordinator = bearer(issuer, ministry, "funding:write", "coordinator")
    cases = [
        line_body(ministry, source="APBD"),
        line_body(regency, source="APBN"),
        line_body(regency, source="BLU"),
        line_body(regency, source="PNBP"),
        line_body(ministry, source="BLU", purpose="dob_facilitation"),
    ]
    for body in cases:
        response = await api.post("/budgets", json=body, headers=coordinator)
        assert response.status_code == 422, body
        assert response.json()["errors"][0]["field"] == "source"
    assert (await api.post("/budgets", json=line_body(regency, source="APBD"), headers=coordinator)).status_code == 201


async def test_invalid_money_and_unknown_fields_are_422_without_a_write(
    api: httpx.AsyncClient, issuer: TestIssuer, institutions: Institutions
) -> None:
    [ministry] = await institutions("ministry")
    writer = bearer(issuer, ministry, "funding:write")
    bad_bodies = [
        line_body(ministry, ceiling_idr=-1),
        line_body(ministry, ceiling_idr=1.5),
        line_body(ministry, ceiling_idr=100.0),
        line_body(ministry, ceiling_idr="100"),
        line_body(ministry, auto_approve_limit_idr=-5),
        line_body(ministry, ceiling_idr=10**17),
        line_body(ministry, source="DAK"),
        line_body(ministry, purpose="other"),
        line_body(ministry, fiscal_year=1990),
        line_body(ministry, colour="blue"),
        {"institution_id": "not-a-uuid", "source": "APBN", "fiscal_year": YEAR, "ceiling_idr": 1},
    ]
    for body in bad_bodies:
        response = await api.post("/budgets", json=body, headers=writer)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"]
    unknown = await api.post(
        "/budgets", json=line_body(uuid.uuid4()), headers=bearer(issuer, ministry, "funding:write", "coordinator")
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "institution_id"
    broken = await api.post("/budgets", content=b"{not json", headers={**writer, "content-type": "application/json"})
    assert broken.status_code == 422
    listed = await api.get(f"/budgets?institution_id={ministry}", headers=writer)
    assert listed.json()["items"] == []


async def test_tokens_are_required_and_scoped(
    api: httpx.AsyncClient, issuer: TestIssuer, institutions: Institutions
) -> None:
    ministry, other = await institutions("ministry", "ministry")
    assert (await api.post("/budgets", json=line_body(ministry))).status_code == 401
    assert (await api.get("/budgets")).status_code == 401
    garbage = await api.get("/budgets", headers={"Authorization": "Bearer abc.def.ghi"})
    assert garbage.status_code == 401
    expired = issuer.token(ministry, "funding:write", exp=1)
    assert (await api.get("/budgets", headers={"Authorization": f"Bearer {expired}"})).status_code == 401

    reader = bearer(issuer, ministry, "read")
    assert (await api.post("/budgets", json=line_body(ministry), headers=reader)).status_code == 403
    assert (await api.get("/budgets", headers=bearer(issuer, ministry, "enrollments:write"))).status_code == 403

    # Another institution's budget is out of reach without coordinator/admin.
    outsider = bearer(issuer, other, "funding:write", "read")
    assert (await api.post("/budgets", json=line_body(ministry), headers=outsider)).status_code == 403
    line = (
        await api.post("/budgets", json=line_body(ministry), headers=bearer(issuer, ministry, "funding:write"))
    ).json()
    assert (await api.get(f"/budgets/{line['id']}", headers=outsider)).status_code == 403
    assert (await api.get(f"/budgets/{line['id']}/revisions", headers=outsider)).status_code == 403
    assert (await api.get(f"/budgets?institution_id={ministry}", headers=outsider)).status_code == 403
    patch = await api.patch(f"/budgets/{line['id']}", json={"ceiling_idr": 1}, headers={**outsider, "If-Match": '"1"'})
    assert patch.status_code == 403
    own_list = (await api.get("/budgets", headers=outsider)).json()["items"]
    assert all(i["institution_id"] == str(other) for i in own_list)

    for crosser in ("coordinator", "admin"):
        assert (await api.get(f"/budgets/{line['id']}", headers=bearer(issuer, other, crosser))).status_code == 200
    created_by_admin = await api.post(
        "/budgets", json=line_body(ministry, source="PNBP"), headers=bearer(issuer, other, "funding:write", "admin")
    )
    assert created_by_admin.status_code == 201


async def test_unknown_line_is_404(api: httpx.AsyncClient, issuer: TestIssuer) -> None:
    headers = bearer(issuer, uuid.uuid4(), "funding:write", "coordinator")
    missing = uuid.uuid4()
    assert (await api.get(f"/budgets/{missing}", headers=headers)).status_code == 404
    assert (await api.get(f"/budgets/{missing}/revisions", headers=headers)).status_code == 404
    patched = await api.patch(f"/budgets/{missing}", json={"ceiling_idr": 1}, headers={**headers, "If-Match": '"1"'})
    assert patched.status_code == 404
    assert (await api.get("/budgets/not-a-uuid", headers=headers)).status_code == 422


async def test_ceiling_revisions_need_a_fresh_etag_and_are_kept(
    api: httpx.AsyncClient, issuer: TestIssuer, institutions: Institutions
) -> None:
    [ministry] = await institutions("ministry")
    writer = bearer(issuer, ministry, "funding:write", sub="client-budget-officer")
    line = (await api.post("/budgets", json=line_body(ministry, ceiling_idr=100_000_000), headers=writer)).json()
    url = f"/budgets/{line['id']}"

    assert (await api.patch(url, json={"ceiling_idr": 90_000_000}, headers=writer)).status_code == 428
    first = await api.patch(url, json={"ceiling_idr": 90_000_000}, headers={**writer, "If-Match": '"1"'})
    assert first.status_code == 200, first.text
    assert first.headers["etag"] == '"2"'
    assert (first.json()["ceiling_idr"], first.json()["version"]) == (90_000_000, 2)

    stale = await api.patch(url, json={"ceiling_idr": 80_000_000}, headers={**writer, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert (await api.get(url, headers=writer)).json()["ceiling_idr"] == 90_000_000

    empty = await api.patch(url, json={}, headers={**writer, "If-Match": '"2"'})
    negative = await api.patch(url, json={"ceiling_idr": -1}, headers={**writer, "If-Match": '"2"'})
    assert (empty.status_code, negative.status_code) == (422, 422)

    # Commit 60M (a request within the auto-approve limit), then the ceiling cannot go below it.
    limit = await api.patch(url, json={"auto_approve_limit_idr": 60_000_000}, headers={**writer, "If-Match": '"2"'})
    assert limit.status_code == 200
    spent = await api.post(
        "/funding-requests",
        json={
            "institution_id": str(ministry),
            "source": "APBN",
            "fiscal_year": YEAR,
            "amount_idr": 60_000_000,
            "description": "workshop",
        },
        headers={**writer, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert spent.json()["status"] == "approved"
    too_low = await api.patch(url, json={"ceiling_idr": 59_999_999}, headers={**writer, "If-Match": '"3"'})
    assert too_low.status_code == 409
    assert too_low.json()["minimum_ceiling_idr"] == 60_000_000
    exact = await api.patch(url, json={"ceiling_idr": 60_000_000}, headers={**writer, "If-Match": '"3"'})
    assert exact.status_code == 200
    assert exact.json()["available_idr"] == 0

    history = (await api.get(f"{url}/revisions", headers=writer)).json()["items"]
    assert [(h["version"], h["ceiling_from_idr"], h["ceiling_to_idr"]) for h in history] == [
        (2, 100_000_000, 90_000_000),
        (3, 90_000_000, 90_000_000),
        (4, 90_000_000, 60_000_000),
    ]
    assert history[1]["auto_approve_limit_from_idr"] == 10_000_000
    assert history[1]["auto_approve_limit_to_idr"] == 60_000_000
    assert {h["revised_by"] for h in history} == {"client-budget-officer"}
    assert all(h["revised_at"].endswith("Z") or h["revised_at"].endswith("+00:00") for h in history)
