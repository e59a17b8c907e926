"""The three services in-process on fresh databases, wired through the real Kafka on their own topics."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from enrollment.app import create_app as enrollment_app
from enrollment.app import handlers as enrollment_handlers
from enrollment.config import Settings as EnrollmentSettings
from funding.app import create_app as funding_app
from funding.app import handlers as funding_handlers
from funding.config import Settings as FundingSettings
from registry.app import create_app as registry_app
from registry.config import Settings as RegistrySettings
from tests.security.support import OPERATOR_ID, OPERATOR_SECRET, Services
from tests.security.world import World, build_world
from tests.support.service import RunningService, running_service
from tests.support.tokens import TestIssuer


@pytest.fixture(scope="session")
def security_prefix(topic_prefix: str) -> str:
    """Topics of these services only: the registry's events reach this enrollment and this funding, no others."""
    return f"{topic_prefix}sec{uuid.uuid4().hex[:6]}."


@pytest.fixture(scope="session")
async def registry(security_prefix: str, issuer: TestIssuer) -> AsyncIterator[RunningService]:
    async with running_service(
        "registry",
        settings_factory=RegistrySettings,
        create_app=registry_app,
        handlers=None,
        topic_prefix=security_prefix,
        jwks_url=issuer.jwks_url,
        bootstrap_client_id=OPERATOR_ID,
        bootstrap_client_secret=OPERATOR_SECRET,
    ) as svc:
        yield svc


@pytest.fixture(scope="session")
async def enrollment(security_prefix: str, issuer: TestIssuer) -> AsyncIterator[RunningService]:
    async with running_service(
        "enrollment",
        settings_factory=EnrollmentSettings,
        create_app=enrollment_app,
        handlers=enrollment_handlers,
        topic_prefix=security_prefix,
        jwks_url=issuer.jwks_url,
    ) as svc:
        yield svc


@pytest.fixture(scope="session")
async def funding(security_prefix: str, issuer: TestIssuer) -> AsyncIterator[RunningService]:
    async with running_service(
        "funding",
        settings_factory=FundingSettings,
        create_app=funding_app,
        handlers=funding_handlers,
        topic_prefix=security_prefix,
        jwks_url=issuer.jwks_url,
    ) as svc:
        yield svc


@pytest.fixture(scope="session")
def services(registry: RunningService, enrollment: RunningService, funding: RunningService) -> Services:
    return Services(registry=registry, enrollment=enrollment, funding=funding)


@pytest.fixture(scope="session")
async def world(services: Services, issuer: TestIssuer) -> World:
    """Institutions A and B with B's civil servant, program, cohort, enrollment, budget line and funding request."""
    return await build_world(services, issuer)
