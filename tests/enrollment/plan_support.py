"""Helpers of the development plan tests: a fresh institution per test and a clerk who drives its plans."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from tests.enrollment.support import NEXT_YEAR, World

WRITE, APPROVE = "plans:write", "plans:approve"


async def new_institution(world: World, *, kind: str = "regency", parent: str = "papua") -> uuid.UUID:
    """An institution of its own per test: its staff and its one short plan a year are the test's alone."""
    key = f"plans-{uuid.uuid4().hex[:8]}"
    institution = await world.add_institution(key, kind=kind, name=f"Kabupaten {key}", parent_id=world.ids[parent])
    await world.wait_institutions(institution)
    return institution


def item(nip: str | None = None, **overrides: Any) -> dict[str, Any]:
    """An item body for a person (nip) or, without one, a target group of three executors."""
    body: dict[str, Any] = {
        "competency": {"type": "technical", "name": "Perencanaan anggaran"},
        "need": "competency_gap",
        "pattern": "technical_training",
        "target_jp": 20,
        "target_year": NEXT_YEAR,
        "estimated_cost_idr": 1_000_000,
        "funding_source": "APBD",
    }
    if nip is None:
        body["target_group"] = {"position_kind": "executor", "count": 3}
    else:
        body["nip"] = nip
    return {**body, **overrides}


@dataclass
class Clerk:
    """A client of one institution working on its plans through the API."""

    world: World
    institution: uuid.UUID

    @property
    def client(self) -> httpx.AsyncClient:
        return self.world.client

    def headers(self, *scopes: str, if_match: str | None = None, **extra: str) -> dict[str, str]:
        headers = {**self.world.headers(self.institution, *(scopes or (WRITE,))), **extra}
        if if_match is not None:
            headers["If-Match"] = if_match
        return headers

    async def create(
        self, *, horizon: str = "short", first: int = NEXT_YEAR, last: int | None = None
    ) -> httpx.Response:
        body = {"institution_id": str(self.institution), "horizon": horizon, "first_year": first}
        body["last_year"] = first if last is None else last
        return await self.client.post("/plans", json=body, headers=self.headers())

    async def draft(self, **kwargs: Any) -> dict[str, Any]:
        response = await self.create(**kwargs)
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    async def add(self, plan_id: str, body: dict[str, Any], *, if_match: str | None = None) -> httpx.Response:
        return await self.client.post(f"/plans/{plan_id}/items", json=body, headers=self.headers(if_match=if_match))

    async def added(self, plan_id: str, *bodies: dict[str, Any]) -> list[dict[str, Any]]:
        items = []
        for body in bodies:
            response = await self.add(plan_id, body)
            assert response.status_code == 201, response.text
            items.append(response.json())
        return items

    async def get(self, plan_id: str, *scopes: str) -> httpx.Response:
        return await self.client.get(f"/plans/{plan_id}", headers=self.headers(*(scopes or ("read",))))

    async def etag(self, plan_id: str) -> str:
        response = await self.get(plan_id)
        assert response.status_code == 200, response.text
        return response.headers["ETag"]

    async def act(self, plan_id: str, action: str, *scopes: str, if_match: str | None = None) -> httpx.Response:
        """POST /plans/{id}/submit|approve|revise, with the plan's current ETag unless one is given."""
        if if_match is None and action != "revise":
            if_match = await self.etag(plan_id)
        default = APPROVE if action == "approve" else WRITE
        headers = self.headers(*(scopes or (default,)), if_match=if_match)
        return await self.client.post(f"/plans/{plan_id}/{action}", headers=headers)

    async def approved(self, plan_id: str) -> dict[str, Any]:
        """Submit and approve a draft."""
        for action in ("submit", "approve"):
            response = await self.act(plan_id, action)
            assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]
