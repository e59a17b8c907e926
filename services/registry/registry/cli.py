"""The registry's commands in `sinergi`: seed the reference institutions; register, list, rotate and revoke API
clients."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry import clients, rotate_key, seed
from registry.config import get_settings
from registry.models import Institution
from registry.schemas import ClientFilters, ClientOut
from registry.tokens import ConfiguredKey
from sinergi_shared.auth import Principal
from sinergi_shared.cli import refusable
from sinergi_shared.problems import NotFound
from sinergi_shared.runner import AddCommand

T = TypeVar("T")


def add_commands(add_command: AddCommand) -> None:
    """`sinergi seed`, `sinergi clients create|list|rotate|revoke` and `sinergi signing-key rotate`."""
    add_command("seed", help="load the reference institutions (idempotent)").set_defaults(run=seed_institutions)
    commands = add_command("clients", help="API clients").add_subparsers(dest="what", required=True)
    create = commands.add_parser("create", help="register an API client; prints its id and secret once")
    create.add_argument("--institution", required=True, help="institution code or id")
    create.add_argument("--scope", action="append", required=True, help="a scope (repeat for several)")
    create.add_argument("--name", required=True)
    create.set_defaults(run=create_api_client)
    listing = commands.add_parser("list", help="list the API clients as JSON lines, without their secrets")
    listing.add_argument("--institution", help="only this institution's (code or id)")
    listing.add_argument("--status", choices=("active", "revoked"))
    listing.set_defaults(run=list_api_clients)
    rotate = commands.add_parser("rotate", help="give a client a new secret, printed once; the old one stops")
    rotate.add_argument("client_id")
    rotate.set_defaults(run=rotate_api_client)
    revoke = commands.add_parser("revoke", help="revoke a client; every service refuses its tokens within a minute")
    revoke.add_argument("client_id")
    revoke.set_defaults(run=revoke_api_client)
    keys = add_command("signing-key", help="the key that signs access tokens").add_subparsers(
        dest="what", required=True
    )
    keys.add_parser(
        "rotate", help="sign with a new generated key; the old one stays published until its tokens expired"
    ).set_defaults(run=rotate_signing_key)


async def rotate_signing_key(_: argparse.Namespace) -> int:
    """The same as `python -m registry.rotate_key`; refused (2) when the key comes from REGISTRY_SIGNING_KEY_PEM."""
    try:
        kid = await rotate_key.rotate()
    except ConfiguredKey as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    print(f"registry: now signing with key {kid}")
    return 0


async def seed_institutions(_: argparse.Namespace) -> int:
    """The same as `python -m registry.seed`."""
    await seed._main()
    return 0


async def _institution_id(session: AsyncSession, code_or_id: str) -> UUID | None:
    try:
        return UUID(code_or_id)
    except ValueError:
        found: UUID | None = await session.scalar(select(Institution.id).where(Institution.code == code_or_id))
        return found


async def _refusable(use_case: Callable[[AsyncSession], Awaitable[T]]) -> T | None:
    """The use case in the registry's database, in a unit of work of its own (None when refused)."""
    return await refusable(get_settings().database_url, use_case)


async def create_api_client(args: argparse.Namespace) -> int:
    """Register a client for an institution (by code or id) and print its id and secret."""

    async def create(session: AsyncSession) -> dict[str, Any]:
        institution_id = await _institution_id(session, args.institution)
        if institution_id is None:
            raise NotFound(f"no institution with code {args.institution}")
        operator = Principal(client_id="sinergi-cli", institution_id=institution_id, scopes=frozenset({"admin"}))
        return await clients.create_client(
            session, principal=operator, institution_id=institution_id, scopes=args.scope, name=args.name
        )

    return _print_secret(await _refusable(create))


async def list_api_clients(args: argparse.Namespace) -> int:
    """Print every client (or an institution's, or those of one status), one JSON object a line."""

    async def listing(session: AsyncSession) -> list[ClientOut]:
        institution_id = None
        if args.institution is not None:
            institution_id = await _institution_id(session, args.institution)
            if institution_id is None:
                raise NotFound(f"no institution with code {args.institution}")
        filters = ClientFilters(institution_id=institution_id, status=args.status, limit=500)
        found: list[ClientOut] = []
        while True:
            page = await clients.list_clients(session, filters=filters)
            found += [ClientOut.model_validate(client) for client in page["items"]]
            if page["next_cursor"] is None:
                return found
            filters = filters.model_copy(update={"cursor": page["next_cursor"]})

    listed = await _refusable(listing)
    for client in listed or ():
        print(client.model_dump_json())
    return 2 if listed is None else 0


async def rotate_api_client(args: argparse.Namespace) -> int:
    """Give a client a new secret and print it once; tokens issued before stay valid until they expire."""
    return _print_secret(await _refusable(lambda session: clients.rotate_secret(session, client_id=args.client_id)))


async def revoke_api_client(args: argparse.Namespace) -> int:
    """Revoke a client and print it as it now is."""
    revoked = await _refusable(lambda session: clients.revoke(session, client_id=args.client_id))
    if revoked is None:
        return 2
    print(ClientOut.model_validate(revoked).model_dump_json())
    return 0


def _print_secret(client: dict[str, Any] | None) -> int:
    """Print a client with its new secret; the exit code (2: refused, nothing to print)."""
    if client is None:
        return 2
    print(json.dumps(client, indent=2, default=str))
    print("The secret is shown once; store it now.", file=sys.stderr)
    return 0
