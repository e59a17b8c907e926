"""The enrollment service's commands in `sinergi`: the SIASN mappings an operator keeps (set, list, import)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from enrollment import messages, siasn_mappings
from enrollment.config import get_settings
from enrollment.domain.siasn import MAPPING_KINDS
from enrollment.siasn_schemas import MappingIn
from sinergi_shared.auth import Principal
from sinergi_shared.cli import refusable
from sinergi_shared.problems import Problem
from sinergi_shared.runner import AddCommand
from sinergi_shared.sheets import XLSX, Columns, rows_of

T = TypeVar("T")
# The operator at the command line acts as an operator token would.
OPERATOR = Principal(client_id="sinergi-cli", institution_id=UUID(int=0), scopes=frozenset({"admin"}))
MAPPING_SHEET = Columns(
    indonesian={"kind": "jenis", "sinergi_value": "nilai_sinergi", "siasn_id": "id_siasn", "label": "label"},
    subject=messages.SIASN_MAPPING_ROWS,
    help=messages.SIASN_MAPPING_COLUMNS_HELP,
    required=("kind", "sinergi_value", "siasn_id"),
)
IMPORT_MAX_ROWS = 10_000


def add_commands(add_command: AddCommand) -> None:
    """`sinergi enrollment siasn-map set|list|import`."""
    enrollment = add_command("enrollment", help="the enrollment service").add_subparsers(dest="what", required=True)
    siasn_map = enrollment.add_parser("siasn-map", help="SIASN reference ids the SIASN export needs")
    actions = siasn_map.add_subparsers(dest="action", required=True)
    put = actions.add_parser("set", help="map a Sinergi value to a SIASN id (or replace its id)")
    put.add_argument("kind", choices=MAPPING_KINDS)
    put.add_argument("sinergi_value", help="a pattern, or an institution or program id, as the kind takes")
    put.add_argument("siasn_id")
    put.add_argument("--label", help="what the SIASN id names")
    put.set_defaults(run=set_mapping)
    listing = actions.add_parser("list", help="print the mappings as JSON lines")
    listing.add_argument("--kind", choices=MAPPING_KINDS)
    listing.set_defaults(run=list_mappings)
    sheet = actions.add_parser("import", help="set every mapping of a CSV or XLSX sheet, or none if a row is bad")
    sheet.add_argument("path", type=Path, help="columns kind, sinergi_value, siasn_id, label (or Indonesian)")
    sheet.set_defaults(run=import_mappings)


async def set_mapping(args: argparse.Namespace) -> int:
    """Set one mapping and print it."""
    try:
        body = MappingIn(siasn_id=args.siasn_id, label=args.label)
    except ValueError:
        print(f"refused: siasn_id: {messages.SIASN_ID_FORMAT()}", file=sys.stderr)
        return 2
    stored = await _refusable(
        lambda session: siasn_mappings.put(
            session, principal=OPERATOR, kind=args.kind, sinergi_value=args.sinergi_value, body=body, if_match=None
        )
    )
    if stored is None:
        return 2
    print(stored[0].model_dump_json())
    return 0


async def list_mappings(args: argparse.Namespace) -> int:
    """Print every mapping (of a kind) as a JSON line, by kind and Sinergi value."""

    async def print_pages(session: AsyncSession) -> int:
        cursor, printed = None, 0
        while True:
            found = await siasn_mappings.page_of(session, kind=args.kind, limit=500, cursor=cursor)
            for mapping in found["items"]:
                print(mapping.model_dump_json())
            printed += len(found["items"])
            if (cursor := found["next_cursor"]) is None:
                return printed

    return 2 if await _refusable(print_pages) is None else 0


async def import_mappings(args: argparse.Namespace) -> int:
    """Set every mapping of a sheet in one transaction; print each bad cell and store nothing when there is one."""
    content_type = XLSX if args.path.suffix.lower() == ".xlsx" else "text/csv"
    try:
        rows = rows_of(content_type, args.path.read_bytes(), columns=MAPPING_SHEET, max_rows=IMPORT_MAX_ROWS)
    except Problem as exc:
        print(f"refused: {exc.detail}", file=sys.stderr)
        return 2
    imported = await _refusable(lambda session: siasn_mappings.import_rows(session, principal=OPERATOR, rows=rows))
    if imported is None:
        return 2
    stored, errors = imported
    if errors:
        print("\n".join(errors), file=sys.stderr)
        print(messages.SIASN_IMPORT_REFUSED(count=len(errors)), file=sys.stderr)
        return 2
    print(json.dumps({"stored": stored}))
    print(messages.SIASN_IMPORT_STORED(count=stored), file=sys.stderr)
    return 0


async def _refusable(use_case: Callable[[AsyncSession], Awaitable[T]]) -> T | None:
    """The use case in the enrollment database, in a unit of work of its own (None when refused)."""
    return await refusable(get_settings().database_url, use_case)
