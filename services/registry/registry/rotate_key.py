"""`python -m registry.rotate_key`: sign with a new key; the old one stays published until its tokens expired."""

from __future__ import annotations

import asyncio

from registry.clients import hold_bootstrap_lock
from registry.config import get_settings
from registry.tokens import rotate_signing_key
from sinergi_shared.db import command_transaction


async def _main() -> None:
    settings = get_settings()
    async with command_transaction(settings.database_url) as session:
        await hold_bootstrap_lock(session)
        kid = await rotate_signing_key(session, settings)
    print(f"registry: now signing with key {kid}")


if __name__ == "__main__":
    asyncio.run(_main())
