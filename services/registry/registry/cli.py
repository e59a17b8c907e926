"""The registry's commands in `sinergi`: seed the reference institutions, register an API client."""

from __future__ import annotations

import argparse
import json
import sys
from uuid import UUID

from sqlalchemy import select

from registry import seed
from registry.clients import create_client
from registry.config import get_settings
from registry.models import Institution
from sinergi_shared.auth import Principal
from sinergi_shared.db import make_engine, make_sessionmaker, transaction
from sinergi_shared.problems import Problem
from sinergi_shared.runner import AddCommand


def add_commands(add_command: AddCommand) -> None:
    """`sinergi seed` and `sinergi clients create`."""
    add_command("seed", help="load the reference institutions (idempotent)").set_defaults(run=seed_institutions)
    clients = add_command("clients", help="API clients").add_subparsers(dest="what", required=True)
    create = clients.add_parser("create", help="register an API client; prints its id and secret once")
    create.add_argument("--institution", required=True, help="institution code or id")
    create.add_argument("--scope", action="append", required=True, help="a scope (repeat for several)")
    create.add_argument("--name", required=True)
    create.set_defaults(run=create_api_client)


async def seed_institutions(_: argparse.Namespace) -> int:
    """The same as `python -m registry.seed`."""
    await seed._main()
    return 0


async def create_api_client(args: argparse.Namespace) -> int:
    """Register a client for an institution (by code or id) and print its id and secret."""
    engine = make_engine(get_settings().database_url, pool_size=1, max_overflow=0)
    try:
        async with transaction(make_sessionmaker(engine)) as session:
            try:
                institution_id = UUID(args.institution)
            except ValueError:
                found = await session.scalar(select(Institution.id).where(Institution.code == args.institution))
                if found is None:
                    print(f"no institution with code {args.institution}", file=sys.stderr)
                    return 2
                institution_id = found
            operator = Principal(client_id="sinergi-cli", institution_id=institution_id, scopes=frozenset({"admin"}))
            try:
                created = await create_client(
                    session, principal=operator, institution_id=institution_id, scopes=args.scope, name=args.name
                )
            except Problem as exc:
                print(f"refused: {exc.detail}", file=sys.stderr)
                return 2
    finally:
        await engine.dispose()
    print(json.dumps({k: str(v) for k, v in created.items()}, indent=2))
    print("The secret is shown once; store it now.", file=sys.stderr)
    return 0
