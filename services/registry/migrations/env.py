"""Alembic environment for the registry database (URL: -x url=, sqlalchemy.url or REGISTRY_DATABASE_URL)."""

from registry.config import Settings
from registry.models import Base
from sinergi_shared.migrations import run_migrations

run_migrations(Base.metadata, lambda: Settings().database_url)
