"""One enrollment service for the whole session (its consumer group follows the session's topics)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from enrollment.app import create_app, handlers
from enrollment.config import Settings
from enrollment.jobs import close_due_cohorts, release_due_reservations
from tests.enrollment.support import Bus, World
from tests.support.service import RunningService, running_service
from tests.support.tokens import TestIssuer

JOBS = (("cohort-close", close_due_cohorts, 0.3), ("reservation-release", release_due_reservations, 0.3))


@pytest.fixture(scope="session")
async def service(topic_prefix: str, issuer: TestIssuer) -> AsyncIterator[RunningService]:
    async with running_service(
        "enrollment",
        settings_factory=Settings,
        create_app=create_app,
        handlers=handlers,
        topic_prefix=topic_prefix,
        jwks_url=issuer.jwks_url,
        jobs=JOBS,
    ) as running:
        yield running


@pytest.fixture(scope="session")
async def bus(topic_prefix: str) -> AsyncIterator[Bus]:
    b = Bus(topic_prefix)
    await b.start()
    yield b
    await b.stop()


@pytest.fixture(scope="session")
async def world(service: RunningService, bus: Bus, issuer: TestIssuer) -> World:
    """Reference data as the registry announces it: a K/L with its BPSDM, another K/L, Papua and a DOB."""
    w = World(bus=bus, dsn=service.dsn, client=service.client, issuer=issuer)
    kemendagri = await w.add_institution("kemendagri", kind="ministry", name="Kemendagri")
    await w.add_institution("bpsdm", kind="training_unit", name="BPSDM Kemendagri", parent_id=kemendagri)
    kemenhub = await w.add_institution("kemenhub", kind="ministry", name="Kemenhub")
    await w.add_institution("pusdiklat_hub", kind="training_unit", name="BPSDM Perhubungan", parent_id=kemenhub)
    papua = await w.add_institution("papua", kind="province", name="Provinsi Papua")
    await w.add_institution("jayapura", kind="city", name="Kota Jayapura", parent_id=papua)
    papsel = await w.add_institution("papua_selatan", kind="province", name="Provinsi Papua Selatan", dob=True)
    await w.add_institution("merauke", kind="regency", name="Kabupaten Merauke", parent_id=papsel)
    await w.wait_institutions(*w.ids.values())
    return w
