"""POST /oauth/token under a burst: attempts are limited per address and per client id before the secret is checked.

Two registry instances ("workers") share one database, as two API worker processes do; each burst is spread over
both, so the limits shown hold across workers. Every call of the secret check (scrypt) is counted. The limits allow
the shipped numbers of attempts (60 per address, 10 per client id from one address, 30 per client id from every
address) over a window of an hour instead of a minute, so that nothing refills while a test runs and each count is
exact. An attempt that ends in a token does not count.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from registry import clients
from registry.config import Settings
from registry.token_limits import address_of, limits_for
from tests.registry.support import (
    OPERATOR_ID,
    OPERATOR_SECRET,
    bearer,
    create_client,
    create_institution,
    registry_service,
)
from tests.support.service import RunningService
from tests.support.tokens import TestIssuer

DEFAULTS = Settings()
WINDOW_S = 3600
BURST = 50


class SecretChecks:
    """How many attempts reached the secret check."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def wrap(self, check: Any) -> Any:
        def counted(secret: str, stored: str) -> bool:
            with self._lock:
                self.count += 1
            return bool(check(secret, stored))

        return counted


@pytest.fixture
def secret_checks(monkeypatch: pytest.MonkeyPatch) -> SecretChecks:
    checks = SecretChecks()
    monkeypatch.setattr(clients, "verify_secret", checks.wrap(clients.verify_secret))
    return checks


@pytest.fixture(scope="module")
async def workers(topic_prefix: str, issuer: TestIssuer) -> AsyncIterator[list[RunningService]]:
    """A registry with the default limits over a window of an hour, and a second instance on its database."""
    async with registry_service(topic_prefix, issuer, token_rate_window_s=WINDOW_S) as first:
        async with registry_service(
            topic_prefix, issuer, dsn=first.dsn, relay=False, token_rate_window_s=WINDOW_S
        ) as second:
            yield [first, second]


def _address() -> str:
    """A fresh documentation address (TEST-NET-2), so no other test shares its limits."""
    return f"198.51.{random.randint(0, 255)}.{random.randint(1, 254)}"


class From:
    """Requests from one address, spread over the workers in turn."""

    def __init__(self, workers: list[RunningService], address: str) -> None:
        self.address = address
        self._clients = [
            httpx.AsyncClient(transport=httpx.ASGITransport(app=w.app, client=(address, 40000)), base_url="http://r")
            for w in workers
        ]
        self._turn = 0

    async def token(self, client_id: str, secret: str) -> httpx.Response:
        self._turn += 1
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        return await self._clients[self._turn % len(self._clients)].post("/oauth/token", data=form)

    async def close(self) -> None:
        for client in self._clients:
            await client.aclose()


@pytest.fixture
async def addresses(workers: list[RunningService]) -> AsyncIterator[Iterator[From]]:
    opened: list[From] = []

    def fresh() -> Iterator[From]:
        while True:
            opened.append(From(workers, _address()))
            yield opened[-1]

    yield fresh()
    for origin in opened:
        await origin.close()


@pytest.fixture
async def client_of(workers: list[RunningService]) -> Any:
    """Makes new clients of one new institution, as the operator (whose logins, successes, do not count)."""
    registry = workers[0]
    operator = await bearer(registry, OPERATOR_ID, OPERATOR_SECRET)
    institution = await create_institution(registry, operator, kind="agency")

    async def new() -> tuple[str, str]:
        return await create_client(registry, operator, institution["id"], "read")

    return new


async def _burst(attempts: list[Any], checks: SecretChecks) -> tuple[list[httpx.Response], int, float]:
    """The responses to attempts made at once, how many of them reached the secret check, and how long they took."""
    before, started = checks.count, time.monotonic()
    responses = await asyncio.gather(*attempts)
    return list(responses), checks.count - before, time.monotonic() - started


def _statuses(responses: list[httpx.Response]) -> dict[int, int]:
    counted: dict[int, int] = {}
    for response in responses:
        counted[response.status_code] = counted.get(response.status_code, 0) + 1
    return counted


def _allowed(limit: int, elapsed: float) -> int:
    """Attempts a limit lets through in `elapsed` seconds: its burst and what refilled meanwhile."""
    return limit + int(elapsed * limit / WINDOW_S)


def _assert_limited(response: httpx.Response, most_seconds: int) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert 1 <= int(response.headers["retry-after"]) <= most_seconds, response.headers["retry-after"]
    body = response.json()
    assert (body["status"], body["error"]) == (429, "temporarily_unavailable")
    assert body["title"] == "Terlalu banyak percobaan"
    assert f"coba lagi dalam {response.headers['retry-after']} detik" in body["error_description"]


async def test_a_burst_on_one_client_reaches_the_secret_check_only_up_to_the_limit(
    secret_checks: SecretChecks, addresses: Iterator[From], client_of: Any
) -> None:
    client_id, secret = await client_of()
    attacker, elsewhere = next(addresses), next(addresses)

    responses, reached, elapsed = await _burst(
        [attacker.token(client_id, "wrong") for _ in range(BURST)], secret_checks
    )
    statuses = _statuses(responses)
    limit = DEFAULTS.token_rate_per_client
    assert limit <= reached <= _allowed(limit, elapsed), (reached, elapsed)
    assert statuses == {401: reached, 429: BURST - reached}, statuses
    spacing = WINDOW_S // limit
    for response in responses:
        if response.status_code == 429:
            _assert_limited(response, spacing)
    print(
        f"token burst: {BURST} wrong secrets for one client from one address over 2 workers in {elapsed:.2f} s: "
        f"{reached} reached the secret check, {statuses[429]} answered 429"
    )

    # Even the right secret waits from the attacker's address, without being checked ...
    before = secret_checks.count
    _assert_limited(await attacker.token(client_id, secret), spacing)
    assert secret_checks.count == before
    # ... while the client's own system, elsewhere, still gets its token.
    assert (await elsewhere.token(client_id, secret)).status_code == 200


async def test_an_address_over_its_limit_is_refused_and_others_are_not(
    secret_checks: SecretChecks, addresses: Iterator[From], client_of: Any
) -> None:
    client_id, secret = await client_of()
    attacker, elsewhere = next(addresses), next(addresses)
    spray = 80  # each for a different, unknown client id: only the address limit applies

    guesses = [attacker.token(f"guess-{uuid.uuid4().hex}", "wrong") for _ in range(spray)]
    responses, reached, elapsed = await _burst(guesses, secret_checks)
    statuses = _statuses(responses)
    limit = DEFAULTS.token_rate_per_address
    assert limit <= reached <= _allowed(limit, elapsed), (reached, elapsed)
    assert statuses == {401: reached, 429: spray - reached}, statuses
    print(
        f"token spray: {spray} unknown client ids from one address in {elapsed:.2f} s: "
        f"{reached} reached the secret check, {statuses[429]} answered 429"
    )

    _assert_limited(await attacker.token(client_id, secret), WINDOW_S // limit)
    assert (await elsewhere.token(client_id, secret)).status_code == 200


async def test_a_client_guessed_at_from_many_addresses_stops_at_its_total(
    secret_checks: SecretChecks, addresses: Iterator[From], client_of: Any
) -> None:
    """Where an attacker on other addresses can deny a client its tokens: only with several of them at full rate."""
    client_id, secret = await client_of()
    attackers = [next(addresses) for _ in range(5)]
    per_address = DEFAULTS.token_rate_per_client

    attempts = [origin.token(client_id, "wrong") for origin in attackers for _ in range(per_address)]
    responses, reached, elapsed = await _burst(attempts, secret_checks)
    total = DEFAULTS.token_rate_per_client_total
    assert total <= reached <= _allowed(total, elapsed), (reached, elapsed)
    assert _statuses(responses) == {401: reached, 429: len(attempts) - reached}
    print(f"token guesses: {len(attempts)} for one client from {len(attackers)} addresses: {reached} checked")

    _assert_limited(await next(addresses).token(client_id, secret), WINDOW_S // total)


async def test_attempts_that_end_in_a_token_do_not_count(
    secret_checks: SecretChecks, addresses: Iterator[From], client_of: Any
) -> None:
    client_id, secret = await client_of()
    agency = next(addresses)
    logins, before = 2 * DEFAULTS.token_rate_per_client, secret_checks.count
    assert [(await agency.token(client_id, secret)).status_code for _ in range(logins)] == [200] * logins
    # Failures still count, as many as before the logins.
    failures = [(await agency.token(client_id, "wrong")).status_code for _ in range(DEFAULTS.token_rate_per_client + 1)]
    assert failures == [401] * DEFAULTS.token_rate_per_client + [429]
    assert secret_checks.count - before == logins + DEFAULTS.token_rate_per_client


def test_an_ipv6_slash_64_counts_as_one_address_and_a_long_client_id_as_its_hash() -> None:
    assert address_of("2001:db8:1:2::1") == address_of("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert address_of("2001:db8:1:3::1") != address_of("2001:db8:1:2::1")
    assert address_of("::ffff:203.0.113.9") == address_of("203.0.113.9") == "203.0.113.9"
    assert address_of(None) == "unknown" and address_of("testclient") == "testclient"
    keys = [limit.key for limit in limits_for(DEFAULTS, client_id="x" * 10_000, host="203.0.113.9")]
    assert all(len(key) < 120 for key in keys) and len(set(keys)) == 3
    off = DEFAULTS.model_copy(update={"token_rate_per_client_total": 0})
    assert [limit.key for limit in limits_for(off, client_id="c", host="203.0.113.9")] == [
        "address 203.0.113.9",
        "client c from 203.0.113.9",
    ]
