"""Alembic environment for the funding database (URL: -x url=, sqlalchemy.url or FUNDING_DATABASE_URL)."""

from funding.config import Settings
from funding.models import Base
from sinergi_shared.migrations import run_migrations

run_migrations(Base.metadata, lambda: Settings().database_url)
