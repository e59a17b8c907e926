"""Alembic environment for the enrollment database (URL: -x url=, sqlalchemy.url or ENROLLMENT_DATABASE_URL)."""

from enrollment.config import Settings
from enrollment.models import Base
from sinergi_shared.migrations import run_migrations

run_migrations(Base.metadata, lambda: Settings().database_url)
