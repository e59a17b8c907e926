"""API clients listed, rotated and revoked by an operator, against the real registry, Postgres and Kafka."""

from __future__ import annotations

import json

from tests.registry.support import (
    bearer,
    create_client,
    create_institution,
    published,
    scalar,
)
from tests.support.service import RunningService
from tests.support.stack import eventually


async def _token_status(svc: RunningService, client_id: str, secret: str) -> int:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return (await svc.client.post("/oauth/token", data=form)).status_code


async def client_of_new_institution(
    registry: RunningService, operator: dict[str, str]
) -> tuple[str, str, str, dict[str, str]]:
    """(institution id, client id, secret, bearer headers) of a new "read" client of a new institution."""
    institution = await create_institution(registry, operator)
    client_id, secret = await create_client(registry, operator, institution["id"], "read")
    return institution["id"], client_id, secret, await bearer(registry, client_id, secret)


async def test_clients_are_listed_in_pages_without_their_secrets(
    registry: RunningService, operator: dict[str, str]
) -> None:
    institution = await create_institution(registry, operator)
    made = sorted([(await create_client(registry, operator, institution["id"], "read"))[0] for _ in range(3)])

    seen, cursor = [], None
    while True:
        params = {"institution_id": institution["id"], "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = await registry.client.get("/clients", params=params, headers=operator)
        assert page.status_code == 200, page.text
        body = page.json()
        seen += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert [c["client_id"] for c in seen] == made
    assert all(c["status"] == "active" and c["scopes"] == ["read"] and c["revoked_at"] is None for c in seen)
    assert not {"client_secret", "secret_hash"} & {field for client in seen for field in client}


async def test_a_rotated_secret_works_at_once_and_the_old_one_is_refused(
    registry: RunningService, operator: dict[str, str]
) -> None:
    institution_id, client_id, old_secret, earlier = await client_of_new_institution(registry, operator)

    rotated = await registry.client.post(f"/clients/{client_id}/rotate", headers=operator)
    assert rotated.status_code == 200, rotated.text
    assert rotated.headers["cache-control"] == "no-store"
    new_secret = rotated.json()["client_secret"]
    assert new_secret != old_secret

    assert await _token_status(registry, client_id, old_secret) == 401
    assert await _token_status(registry, client_id, new_secret) == 200
    # Rotation is not revocation: a token issued before keeps working until it expires.
    assert (await registry.client.get(f"/institutions/{institution_id}", headers=earlier)).status_code == 200
    listed = await registry.client.get("/clients", params={"institution_id": institution_id}, headers=operator)
    assert listed.json()["items"][0]["secret_rotated_at"] is not None


async def test_a_revoked_clients_tokens_are_refused_and_it_gets_no_more(
    registry: RunningService, operator: dict[str, str]
) -> None:
    institution_id, client_id, secret, held = await client_of_new_institution(registry, operator)
    assert (await registry.client.get("/institutions", headers=held)).status_code == 200

    revoked = await registry.client.post(f"/clients/{client_id}/revoke", headers=operator)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["status"] == "revoked" and revoked.json()["revoked_at"] is not None

    async def refused() -> bool:
        answer = await registry.client.get("/institutions", headers=held)
        return answer.status_code == 401 and "dicabut" in answer.json()["detail"]

    await eventually(refused, timeout=10)
    assert await _token_status(registry, client_id, secret) == 401
    again = await registry.client.post(f"/clients/{client_id}/revoke", headers=operator)
    assert again.status_code == 409 and "sudah dicabut" in again.json()["detail"]
    rotate = await registry.client.post(f"/clients/{client_id}/rotate", headers=operator)
    assert rotate.status_code == 409
    listed = await registry.client.get(
        "/clients", params={"institution_id": institution_id, "status": "revoked"}, headers=operator
    )
    assert [c["client_id"] for c in listed.json()["items"]] == [client_id]


async def test_a_revocation_is_published_on_registry_clients_keyed_by_client_id(
    registry: RunningService, operator: dict[str, str]
) -> None:
    institution = await create_institution(registry, operator)
    client_id, _ = await create_client(registry, operator, institution["id"], "read")
    assert (await registry.client.post(f"/clients/{client_id}/revoke", headers=operator)).status_code == 200

    records = [r for r in await published(registry, "registry.clients") if r.key.decode() == client_id]
    [record] = records
    data = json.loads(record.value)
    assert data["client_id"] == client_id and data["institution_id"] == institution["id"]
    stored = await scalar(registry, "SELECT revoked_at FROM api_clients WHERE client_id = $1", client_id)
    assert data["revoked_at"].replace("Z", "+00:00") == stored.isoformat()


async def test_unknown_clients_are_404_and_the_routes_are_for_admins_only(
    registry: RunningService, operator: dict[str, str]
) -> None:
    institution = await create_institution(registry, operator)
    client_id, secret = await create_client(registry, operator, institution["id"], "read", "coordinator")
    reader = await bearer(registry, client_id, secret)
    for path in ("/clients/sinergi-nope/rotate", "/clients/sinergi-nope/revoke"):
        assert (await registry.client.post(path, headers=operator)).status_code == 404
    assert (await registry.client.get("/clients", headers=reader)).status_code == 403
    assert (await registry.client.post(f"/clients/{client_id}/revoke", headers=reader)).status_code == 403
    assert (await registry.client.post(f"/clients/{client_id}/rotate", headers=reader)).status_code == 403
