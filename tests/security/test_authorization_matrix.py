"""Part 4 of "Prove it survives": a client of institution A reaches for institution B's resources with each scope.

One table per service says what every endpoint must answer for each single scope; every cell is its own test, named
`<endpoint> × <scope>`. Registry tokens are real (clients of A created by the bootstrap admin, /oauth/token); the
enrollment and funding tokens are signed by the test issuer whose JWKS those services read.

Outcomes: a status code, or
- "seen": 200 and B's resource is in the page,
- "hidden": 200 and B's resource is not in the page (a list that filters to what the caller may see),
- "refused": 200 from the import with B's row rejected and nothing stored.

What the services document: the registry answers 404 for another institution's civil servant and 403 for listing
them; enrollment answers 404 for an enrollment (or a civil servant's report) the caller may not see and 403 for
another institution's report; funding answers 403 for everything of another institution.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from sinergi_shared.auth import SCOPES
from tests.security.support import PUBLIC_PATHS, Services, fetch, registry_client_headers, wait_rows
from tests.security.world import YEAR, World, cohort_body, new_nip

PROBLEM = "application/problem+json"
COLUMNS = (
    "admin",
    "registry:write",
    "programs:write",
    "enrollments:write",
    "enrollments:complete",
    "funding:write",
    "funding:approve",
    "plans:write",
    "plans:approve",
    "coordinator",
    "read",
)
assert set(COLUMNS) == set(SCOPES)

Send = Callable[[World, httpx.AsyncClient, dict[str, str]], Awaitable[httpx.Response]]


def _req(method: str, path: str, **kwargs: Any) -> Send:
    """A request whose path and body may name B's resources by world attribute: "{kb}", "{nip_b}" ..."""

    async def send(w: World, client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
        fill = {**vars(w), **_B_PLANS, "nip_new": new_nip()}
        body = kwargs.get("json")
        if isinstance(body, dict):
            body = {k: v.format(**fill) if isinstance(v, str) else v for k, v in body.items()}
        params = {k: str(v).format(**fill) for k, v in kwargs.get("params", {}).items()}
        return await client.request(
            method, path.format(**fill), json=body, params=params, headers={**headers, **kwargs.get("headers", {})}
        )

    return send


def _fresh_institution(method: str, suffix: str, **kwargs: Any) -> Send:
    """A new institution per cell: the admin may change or deactivate it, and B's own must stay intact."""

    async def send(w: World, client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
        target = (await w.institution(name="K/L B2"))["id"]
        extra = kwargs.get("headers", {})
        body = kwargs.get("json")
        return await client.request(method, f"/institutions/{target}{suffix}", json=body, headers={**headers, **extra})

    return send


def _fresh_client_of_b(action: str) -> Send:
    """A new API client of B per cell, since the admin may rotate or revoke it (and revokes only once)."""

    async def send(w: World, client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
        body = {"institution_id": w.kb, "scopes": ["read"], "name": "b"}
        created = await client.post("/clients", json=body, headers=w.admin)
        assert created.status_code == 201, created.text
        return await client.post(f"/clients/{created.json()['client_id']}/{action}", headers=headers)

    return send


async def _succeed_fresh_institution(w: World, client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    """A new K/L succeeded by another new one per cell, so each cell asks for a succession not yet recorded."""
    target = (await w.institution(name="K/L B2"))["id"]
    successor = (await w.institution(name="K/L B3"))["id"]
    body = {"successor_ids": [successor], "effective_on": "2024-10-21"}
    return await client.post(f"/institutions/{target}/succeed", json=body, headers=headers)


def _fresh_request(action: str, **kwargs: Any) -> Send:
    """A new request of B awaiting approval per cell, since a coordinator may decide it."""

    async def send(w: World, client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
        request_id = await w.funding_request_b()
        keyed = {**headers, "Idempotency-Key": uuid.uuid4().hex}  # approving moves money: the key is required
        return await client.post(f"/funding-requests/{request_id}/{action}", headers=keyed, **kwargs)

    return send


def _import_b(w: World, client: httpx.AsyncClient, headers: dict[str, str]) -> Awaitable[httpx.Response]:
    row = {"nip": new_nip(), "name": "B", "institution_id": w.kb, "employment": "PNS", "position_kind": "executor"}
    return client.post("/civil-servants/import", json=[row], headers=headers)


def _new_institution(w: World, client: httpx.AsyncClient, headers: dict[str, str]) -> Awaitable[httpx.Response]:
    body = {"code": f"SEC-{uuid.uuid4().hex[:8].upper()}", "name": "K/L C", "kind": "ministry"}
    return client.post("/institutions", json=body, headers=headers)


# B's development plans, made once by B's own clerk: a draft with one item, a submitted and an approved plan.
_B_PLANS: dict[str, str] = {}
_PLAN_ITEM_B = {
    "nip": "{nip_b}",
    "competency": {"type": "technical", "name": "Keamanan informasi"},
    "need": "competency_gap",
    "pattern": "technical_training",
    "target_jp": 20,
    "target_year": YEAR,
    "estimated_cost_idr": 0,
    "funding_source": "APBN",
}


async def _plans_of_b(w: World) -> dict[str, str]:
    if _B_PLANS:
        return _B_PLANS
    client = w.services.enrollment.client
    states = {"plan_b": (), "plan_b_submitted": ("submit",), "plan_b_approved": ("submit", "approve")}
    for name, actions in states.items():
        body = {"institution_id": w.kb, "horizon": "medium", "first_year": YEAR, "last_year": YEAR + 1}
        plan = await client.post("/plans", json=body, headers=w.b("plans:write"))
        assert plan.status_code == 201, plan.text
        path = f"/plans/{plan.json()['id']}"
        item = await client.post(f"{path}/items", json={**_PLAN_ITEM_B, "nip": w.nip_b}, headers=w.b("plans:write"))
        assert item.status_code == 201, item.text
        for action in actions:
            scope = "plans:approve" if action == "approve" else "plans:write"
            done = await client.post(f"{path}/{action}", headers={**w.b(scope), "If-Match": "*"})
            assert done.status_code == 200, done.text
        _B_PLANS[name] = plan.json()["id"]
        _B_PLANS.setdefault("plan_b_item", item.json()["id"])
    return _B_PLANS


def _on_plans_of_b(method: str, path: str, **kwargs: Any) -> Send:
    """A request naming B's plans ("{plan_b}", "{plan_b_item}", "{plan_b_submitted}", "{plan_b_approved}")."""
    request = _req(method, path, **kwargs)

    async def send(w: World, client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
        await _plans_of_b(w)
        return await request(w, client, headers)

    return send


def _mapped_b(method: str, **kwargs: Any) -> Send:
    """A request on B's SIASN institution mapping, which a coordinator (re)sets first so every cell finds it."""
    request = _req(method, "/exports/siasn/mappings/institution/{kb}", **kwargs)

    async def send(w: World, client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
        path = f"/exports/siasn/mappings/institution/{w.kb}"
        ensured = await client.put(path, json={"siasn_id": "B"}, headers=w.b("coordinator"))
        assert ensured.status_code in (200, 201), ensured.text
        return await request(w, client, headers)

    return send


_CIVIL_SERVANT_B = {"name": "B", "institution_id": "{kb}", "employment": "PNS", "position_kind": "executor"}
_PROGRAM_B = {
    "provider_id": "{tb}",
    "title": "X",
    "pattern": "coaching",
    "hours_jp": 2,
    "horizon": "short",
    "fiscal_year": YEAR,
    "cost_per_participant_idr": 0,
}
_REQUEST_B = {"institution_id": "{kb}", "source": "APBN", "fiscal_year": YEAR, "amount_idr": 1, "description": "A pays"}

# B's passed enrollment and its certificate, made once: B's civil servant nominated, funded, passed by B's unit.
_B_CERTIFICATE: dict[str, str] = {}


async def _certificate_of_b(w: World) -> dict[str, str]:
    if _B_CERTIFICATE:
        return _B_CERTIFICATE
    enrollment, services = w.services.enrollment.client, w.services
    nip = await w.civil_servant(w.kb)
    await wait_rows(services.enrollment.dsn, "SELECT 1 FROM civil_servants WHERE nip = $1", nip)
    body = {"nip": nip, "funding_source": "APBN"}
    nominated = await enrollment.post(f"/cohorts/{w.cohort_b}/enrollments", json=body, headers=w.b("enrollments:write"))
    assert nominated.status_code == 201, nominated.text
    enrollment_id = uuid.UUID(nominated.json()["id"])
    asked = "SELECT id FROM funding_requests WHERE enrollment_id = $1"
    await wait_rows(services.funding.dsn, asked, enrollment_id)
    [request] = await fetch(services.funding.dsn, asked, enrollment_id)
    approved = await services.funding.client.post(
        f"/funding-requests/{request['id']}/approve",
        headers={**w.b("coordinator"), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert approved.status_code == 200, approved.text
    confirmed = "SELECT 1 FROM enrollments WHERE id = $1 AND status = 'confirmed'"
    await wait_rows(services.enrollment.dsn, confirmed, enrollment_id)
    done = await enrollment.post(
        f"/enrollments/{enrollment_id}/complete",
        json={"attended_jp": 30, "passed": True},
        headers=w.b("enrollments:complete", inst=w.tb),
    )
    assert done.status_code == 200, done.text
    certificate = await enrollment.get(f"/enrollments/{enrollment_id}/certificate", headers=w.b("read"))
    assert certificate.status_code == 200, certificate.text
    _B_CERTIFICATE.update(enrollment_b_passed=str(enrollment_id), certificate_b=certificate.json()["id"])
    return _B_CERTIFICATE


def _on_certificate_of_b(method: str, path: str, **kwargs: Any) -> Send:
    """A request naming B's passed enrollment ("{enrollment_b_passed}") or its certificate ("{certificate_b}")."""

    async def send(w: World, client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
        filled = path.format(**await _certificate_of_b(w))
        return await _req(method, filled, **kwargs)(w, client, headers)

    return send


_SIGNER_B = {"signer_name": "B", "signer_post": "Kepala BPSDM B", "signer_nip": "197001011995031001"}

# The request each endpoint gets, aimed at institution B's resource ("{kb}" etc. name World attributes).
REQUESTS: dict[str, Send] = {
    "registry POST /clients": _req(
        "POST", "/clients", json={"institution_id": "{kb}", "scopes": ["read"], "name": "b"}
    ),
    "registry GET /clients": _req("GET", "/clients", params={"institution_id": "{kb}"}),
    "registry POST /clients/{client_id}/rotate": _fresh_client_of_b("rotate"),
    "registry POST /clients/{client_id}/revoke": _fresh_client_of_b("revoke"),
    "registry POST /institutions": _new_institution,
    "registry GET /institutions": _req("GET", "/institutions", params={"parent_id": "{kb}"}),
    "registry GET /institutions/{institution_id}": _req("GET", "/institutions/{kb}"),
    "registry PATCH /institutions/{institution_id}": _fresh_institution(
        "PATCH", "", json={"name": "K/L B2 renamed"}, headers={"If-Match": "*"}
    ),
    "registry POST /institutions/{institution_id}/deactivate": _fresh_institution("POST", "/deactivate"),
    "registry POST /institutions/{institution_id}/succeed": _succeed_fresh_institution,
    "registry POST /civil-servants": _req("POST", "/civil-servants", json={"nip": "{nip_new}", **_CIVIL_SERVANT_B}),
    "registry GET /civil-servants": _req("GET", "/civil-servants", params={"institution_id": "{kb}"}),
    "registry POST /civil-servants/import": _import_b,
    "registry GET /civil-servants/{nip}": _req("GET", "/civil-servants/{nip_b}"),
    "registry POST /civil-servants/{nip}/transfer": _req(
        "POST", "/civil-servants/{nip_b}/transfer", json={"institution_id": "{ka}"}
    ),
    "registry POST /civil-servants/{nip}/retire": _req("POST", "/civil-servants/{nip_b}/retire"),
    "enrollment POST /programs": _req("POST", "/programs", json=_PROGRAM_B),
    "enrollment GET /programs": _req("GET", "/programs", params={"provider_id": "{tb}"}),
    "enrollment GET /programs/{program_id}": _req("GET", "/programs/{program_b}"),
    "enrollment POST /programs/{program_id}/cohorts": _req("POST", "/programs/{program_b}/cohorts", json=cohort_body()),
    "enrollment GET /cohorts/{cohort_id}": _req("GET", "/cohorts/{cohort_b}"),
    "enrollment POST /cohorts/{cohort_id}/enrollments": _req(
        "POST", "/cohorts/{cohort_b}/enrollments", json={"nip": "{nip_b}", "funding_source": "APBN"}
    ),
    "enrollment GET /enrollments/{enrollment_id}": _req("GET", "/enrollments/{enrollment_b}"),
    "enrollment GET /enrollments": _req("GET", "/enrollments", params={"cohort_id": "{cohort_b}"}),
    "enrollment POST /enrollments/{enrollment_id}/cancel": _req(
        "POST", "/enrollments/{enrollment_b}/cancel", json={"reason": "x"}
    ),
    "enrollment POST /enrollments/{enrollment_id}/complete": _req(
        "POST", "/enrollments/{enrollment_b}/complete", json={"attended_jp": 1, "passed": True}
    ),
    "enrollment GET /enrollments/{enrollment_id}/certificate": _on_certificate_of_b(
        "GET", "/enrollments/{enrollment_b_passed}/certificate"
    ),
    "enrollment POST /certificates/{certificate_id}/revoke": _on_certificate_of_b(
        "POST", "/certificates/{certificate_b}/revoke", json={"reason": "A says so"}
    ),
    "enrollment GET /providers/{provider_id}/certificate-settings": _req("GET", "/providers/{tb}/certificate-settings"),
    "enrollment PUT /providers/{provider_id}/certificate-settings": _req(
        "PUT", "/providers/{tb}/certificate-settings", json=_SIGNER_B
    ),
    "enrollment POST /plans": _req(
        "POST", "/plans", json={"institution_id": "{kb}", "horizon": "medium", "first_year": YEAR, "last_year": YEAR}
    ),
    "enrollment GET /plans": _on_plans_of_b("GET", "/plans", params={"institution_id": "{kb}"}),
    "enrollment GET /plans/{plan_id}": _on_plans_of_b("GET", "/plans/{plan_b}"),
    "enrollment GET /plans/{plan_id}/items": _on_plans_of_b("GET", "/plans/{plan_b}/items"),
    "enrollment POST /plans/{plan_id}/items": _on_plans_of_b("POST", "/plans/{plan_b}/items", json=_PLAN_ITEM_B),
    "enrollment POST /plans/{plan_id}/items/import": _on_plans_of_b("POST", "/plans/{plan_b}/items/import", json=[]),
    "enrollment DELETE /plans/{plan_id}/items/{item_id}": _on_plans_of_b(
        "DELETE", "/plans/{plan_b}/items/{plan_b_item}", headers={"If-Match": "*"}
    ),
    "enrollment POST /plans/{plan_id}/submit": _on_plans_of_b(
        "POST", "/plans/{plan_b}/submit", headers={"If-Match": "*"}
    ),
    "enrollment POST /plans/{plan_id}/approve": _on_plans_of_b(
        "POST", "/plans/{plan_b_submitted}/approve", headers={"If-Match": "*"}
    ),
    "enrollment POST /plans/{plan_id}/revise": _on_plans_of_b("POST", "/plans/{plan_b_approved}/revise"),
    "enrollment GET /reports/civil-servants/{nip}": _req("GET", "/reports/civil-servants/{nip_b}"),
    "enrollment GET /reports/institutions/{institution_id}": _req("GET", "/reports/institutions/{kb}"),
    "enrollment GET /reports/cohorts/{cohort_id}": _req("GET", "/reports/cohorts/{cohort_b}"),
    "enrollment GET /reports/dob": _req("GET", "/reports/dob"),
    "enrollment GET /reports/regional-share": _req("GET", "/reports/regional-share"),
    "enrollment GET /reports/plans/{plan_id}": _on_plans_of_b("GET", "/reports/plans/{plan_b_approved}"),
    "enrollment GET /reports/demand": _req(
        "GET", "/reports/demand", params={"fiscal_year": YEAR, "provider_id": "{tb}"}
    ),
    "enrollment GET /exports/siasn": _req(
        "GET", "/exports/siasn", params={"institution_id": "{kb}", "from": f"{YEAR}-01-01", "to": f"{YEAR}-12-31"}
    ),
    "enrollment GET /exports/siasn/mappings": _req("GET", "/exports/siasn/mappings", params={"kind": "institution"}),
    "enrollment PUT /exports/siasn/mappings/{kind}/{sinergi_value}": _mapped_b("PUT", json={"siasn_id": "A"}),
    "enrollment DELETE /exports/siasn/mappings/{kind}/{sinergi_value}": _mapped_b("DELETE"),
    "funding POST /budgets": _req(
        "POST", "/budgets", json={"institution_id": "{kb}", "source": "PNBP", "fiscal_year": YEAR, "ceiling_idr": 1}
    ),
    "funding GET /budgets": _req("GET", "/budgets", params={"institution_id": "{kb}"}),
    "funding GET /budgets/{line_id}": _req("GET", "/budgets/{line_b}"),
    "funding PATCH /budgets/{line_id}": _req(
        "PATCH", "/budgets/{line_b}", json={"ceiling_idr": 1}, headers={"If-Match": "*"}
    ),
    "funding GET /budgets/{line_id}/revisions": _req("GET", "/budgets/{line_b}/revisions"),
    # Every cell is refused, so the key is never stored: it only gets each cell past the 428.
    "funding POST /funding-requests": _req(
        "POST", "/funding-requests", json=_REQUEST_B, headers={"Idempotency-Key": "matrix-request-b"}
    ),
    "funding GET /funding-requests": _req("GET", "/funding-requests", params={"institution_id": "{kb}"}),
    "funding GET /funding-requests/{request_id}": _req("GET", "/funding-requests/{request_b}"),
    "funding POST /funding-requests/{request_id}/approve": _fresh_request("approve"),
    "funding POST /funding-requests/{request_id}/reject": _fresh_request("reject", json={"reason": "A says no"}),
    "funding GET /reports/funding": _req(
        "GET", "/reports/funding", params={"fiscal_year": YEAR, "institution_id": "{kb}"}
    ),
}

# What a client of A must get, per endpoint (rows, under their service) and per single scope of its token (columns,
# in the order of COLUMNS, abbreviated).
MATRIX = """
endpoint                                       adm  reg:w   prg:w  enr:w  enr:c  f:w f:a pln:w  pln:a  crd  read
registry
POST /clients                                  201  403     403    403    403    403 403 403    403    403  403
GET /clients                                   200  403     403    403    403    403 403 403    403    403  403
POST /clients/{client_id}/rotate               200  403     403    403    403    403 403 403    403    403  403
POST /clients/{client_id}/revoke               200  403     403    403    403    403 403 403    403    403  403
POST /institutions                             201  403     403    403    403    403 403 403    403    403  403
GET /institutions                              seen 403     403    403    403    403 403 403    403    seen seen
GET /institutions/{institution_id}             200  403     403    403    403    403 403 403    403    200  200
PATCH /institutions/{institution_id}           200  403     403    403    403    403 403 403    403    403  403
POST /institutions/{institution_id}/deactivate 200  403     403    403    403    403 403 403    403    403  403
POST /institutions/{institution_id}/succeed    200  403     403    403    403    403 403 403    403    403  403
POST /civil-servants                           403  403     403    403    403    403 403 403    403    403  403
GET /civil-servants                            seen 403     403    403    403    403 403 403    403    seen 403
POST /civil-servants/import                    403  refused 403    403    403    403 403 403    403    403  403
GET /civil-servants/{nip}                      200  403     403    403    403    403 403 403    403    200  404
POST /civil-servants/{nip}/transfer            403  404     403    403    403    403 403 403    403    403  403
POST /civil-servants/{nip}/retire              403  404     403    403    403    403 403 403    403    403  403
enrollment
POST /programs                                 403  403     403    403    403    403 403 403    403    403  403
GET /programs                                  seen 403     seen   seen   seen   403 403 seen   seen   seen seen
GET /programs/{program_id}                     200  403     200    200    200    403 403 200    200    200  200
POST /programs/{program_id}/cohorts            403  403     403    403    403    403 403 403    403    403  403
GET /cohorts/{cohort_id}                       200  403     200    200    200    403 403 200    200    200  200
POST /cohorts/{cohort_id}/enrollments          403  403     403    422    403    403 403 403    403    403  403
GET /enrollments/{enrollment_id}               200  403     404    404    404    403 403 404    404    200  404
GET /enrollments                               seen 403     hidden hidden hidden 403 403 hidden hidden seen hidden
POST /enrollments/{enrollment_id}/cancel       403  403     403    404    403    403 403 403    403    403  403
POST /enrollments/{enrollment_id}/complete     403  403     403    403    404    403 403 403    403    403  403
GET /enrollments/{enrollment_id}/certificate   200  403     404    404    404    403 403 404    404    200  404
POST /certificates/{certificate_id}/revoke     403  403     404    403    404    403 403 403    403    200  403
GET /providers/{provider_id}/certificate-settings  200 403 403 403    403    403 403 403    403    200  403
PUT /providers/{provider_id}/certificate-settings  403 403 403 403    403    403 403 403    403    200  403
POST /plans                                    403  403     403    403    403    403 403 403    403    403  403
GET /plans                                     seen 403     403    403    403    403 403 403    403    seen 403
GET /plans/{plan_id}                           200  403     403    403    403    403 403 404    404    200  404
GET /plans/{plan_id}/items                     200  403     403    403    403    403 403 404    404    200  404
POST /plans/{plan_id}/items                    403  403     403    403    403    403 403 404    403    403  403
POST /plans/{plan_id}/items/import             403  403     403    403    403    403 403 404    403    403  403
DELETE /plans/{plan_id}/items/{item_id}        403  403     403    403    403    403 403 404    403    403  403
POST /plans/{plan_id}/submit                   403  403     403    403    403    403 403 404    403    403  403
POST /plans/{plan_id}/approve                  403  403     403    403    403    403 403 403    404    403  403
POST /plans/{plan_id}/revise                   403  403     403    403    403    403 403 404    403    403  403
GET /reports/civil-servants/{nip}              403  403     403    403    403    403 403 403    403    200  404
GET /reports/institutions/{institution_id}     403  403     403    403    403    403 403 403    403    200  403
GET /reports/cohorts/{cohort_id}               403  403     403    403    403    403 403 403    403    200  200
GET /reports/dob                               403  403     403    403    403    403 403 403    403    200  200
GET /reports/regional-share                    403  403     403    403    403    403 403 403    403    200  200
GET /reports/plans/{plan_id}                   200  403     403    403    403    403 403 404    404    200  404
GET /reports/demand                            403  403     403    403    403    403 403 403    403    200  403
GET /exports/siasn                             403  403     403    403    403    403 403 403    403    200  403
GET /exports/siasn/mappings                    200  403     403    403    403    403 403 403    403    200  200
PUT /exports/siasn/mappings/{kind}/{sinergi_value}    200 403 403 403 403 403 403 403 403 200 403
DELETE /exports/siasn/mappings/{kind}/{sinergi_value} 204 403 403 403 403 403 403 403 403 204 403
funding
POST /budgets                                  403  403     403    403    403    403 403 403    403    403  403
GET /budgets                                   seen 403     403    403    403    403 403 403    403    seen 403
GET /budgets/{line_id}                         200  403     403    403    403    403 403 403    403    200  403
PATCH /budgets/{line_id}                       403  403     403    403    403    403 403 403    403    403  403
GET /budgets/{line_id}/revisions               200  403     403    403    403    403 403 403    403    200  403
POST /funding-requests                         403  403     403    403    403    403 403 403    403    403  403
GET /funding-requests                          seen 403     403    403    403    403 403 403    403    seen 403
GET /funding-requests/{request_id}             200  403     403    403    403    403 403 403    403    200  403
POST /funding-requests/{request_id}/approve    403  403     403    403    403    403 403 403    403    200  403
POST /funding-requests/{request_id}/reject     403  403     403    403    403    403 403 403    403    200  403
GET /reports/funding                           200  403     403    403    403    403 403 403    403    200  403
"""


def _rows(table: str) -> dict[str, tuple[str, ...]]:
    """{"<service> <METHOD> <path>": (outcome per column)} from the table above, a line naming the service
    above its endpoints."""
    rows, service = {}, ""
    for line in table.strip().splitlines()[1:]:
        if len(line.split()) == 1:
            service = line.strip()
            continue
        method, path, *outcomes = line.split()
        assert len(outcomes) == len(COLUMNS), line
        rows[f"{service} {method} {path}"] = tuple(outcomes)
    return rows


EXPECTED = _rows(MATRIX)


# What identifies B's resource in a page, per list endpoint.
TARGETS = {
    "GET /institutions": ("id", "tb"),
    "GET /civil-servants": ("nip", "nip_b"),
    "GET /programs": ("id", "program_b"),
    "GET /enrollments": ("id", "enrollment_b"),
    "GET /plans": ("id", "plan_b"),
    "GET /budgets": ("id", "line_b"),
    "GET /funding-requests": ("id", "request_b"),
}
CELLS = [
    pytest.param(row, scope, outcomes[i], id=f"{row} × {scope}")
    for row, outcomes in EXPECTED.items()
    for i, scope in enumerate(COLUMNS)
]


@pytest.fixture(scope="session")
async def callers_of_a(world: World, services: Services) -> dict[tuple[str, str], dict[str, str]]:
    """Institution A's headers per (service, scope): registry clients through /oauth/token, issuer tokens elsewhere."""
    headers = {}
    for scope in COLUMNS:
        headers["registry", scope] = await registry_client_headers(services.registry, world.admin, world.ka, scope)
        for service in ("enrollment", "funding"):
            headers[service, scope] = world.issuer.headers(world.ka, scope)
    return headers


async def test_the_matrix_covers_every_protected_operation_of_every_service(services: Services) -> None:
    operations = {
        f"{service} {method.upper()} {path}"
        for service in ("registry", "enrollment", "funding")
        for path, ops in services[service].app.openapi()["paths"].items()
        if path not in PUBLIC_PATHS
        for method in ops
    }
    assert set(EXPECTED) == operations, set(EXPECTED) ^ operations
    assert set(REQUESTS) == operations, set(REQUESTS) ^ operations
    print(f"authorization matrix: {len(EXPECTED)} endpoints × {len(COLUMNS)} scopes = {len(CELLS)} cells")


@pytest.mark.parametrize(("row", "scope", "expected"), CELLS)
async def test_a_client_of_a_reaching_for_b(
    row: str,
    scope: str,
    expected: str,
    world: World,
    services: Services,
    callers_of_a: dict[tuple[str, str], dict[str, str]],
) -> None:
    service, endpoint = row.split(" ", 1)
    response = await REQUESTS[row](world, services[service].client, callers_of_a[service, scope])
    cell = f"{row} × {scope}: {response.status_code} {response.text[:300]}"
    if expected.isdigit():
        assert response.status_code == int(expected), cell
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith(PROBLEM), cell
        return
    assert response.status_code == 200, cell
    body = response.json()
    if expected == "refused":
        assert body["imported"] == 0 and len(body["rejected"]) == 1, cell
        return
    field, attribute = TARGETS[endpoint]
    present = {**vars(world), **_B_PLANS}[attribute] in {str(item[field]) for item in body["items"]}
    assert present == (expected == "seen"), cell
