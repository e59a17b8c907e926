"""Who may do what on Kafka (SPEC §7): a SCRAM principal per service and per agency, and only the ACLs it needs.

A service produces its own topics, consumes the topics its handlers listen to (writing their dead letters) in
its own consumer group; an agency reads only the topics granted to it, in groups named after it. Everything
here runs as the broker's admin principal (`sinergi kafka setup`, `sinergi kafka grant`).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.protocol.admin import CreateAclsRequest_v1, DeleteAclsRequest, DescribeAclsRequest
from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.types import CompactArray, CompactBytes, CompactString, Int8, Int16, Int32, Schema, TaggedFields
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from sinergi_shared.contracts import ALL_TOPICS, EVENTS
from sinergi_shared.inbox import EventHandlers
from sinergi_shared.kafka import KafkaAccess, admin_client, local_password
from sinergi_shared.settings import ServiceSettings, SinergiSettings
from sinergi_shared.topics import create_missing

ADMIN = "admin"
SCRAM_SHA_512 = 2  # the mechanism's code in the ScramCredential API
SCRAM_ITERATIONS = 8192
AGENCY_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")


class KafkaAclError(Exception):
    """The broker refused to store a principal or an ACL."""


class Resource(IntEnum):
    TOPIC = 2
    GROUP = 3


class Operation(IntEnum):
    READ = 3
    WRITE = 4
    DESCRIBE = 8


class Pattern(IntEnum):
    LITERAL = 3
    PREFIXED = 4


ALLOW = 3
ANY_RESOURCE = ANY_PATTERN = ANY_OPERATION = 1
NO_SUCH_USER = frozenset({91})  # RESOURCE_NOT_FOUND: deleting a SCRAM user that is not there


@dataclass(frozen=True)
class Grant:
    """One ACL: the principal may do `operation` on the resource named (exactly, or by prefix)."""

    resource: Resource
    name: str
    operation: Operation
    pattern: Pattern = Pattern.LITERAL


def service_grants(service: str, handlers: EventHandlers | None, prefix: str = "") -> list[Grant]:
    """What a service's relay, consumers and republishing need: its topics, its subscriptions, their DLQs, its group."""
    produced = sorted({prefix + spec.topic for spec in EVENTS.values() if spec.source == service})
    consumed = handlers.topics(prefix) if handlers is not None else []
    grants = [Grant(Resource.TOPIC, topic, Operation.WRITE) for topic in produced]
    grants += [Grant(Resource.TOPIC, topic, Operation.READ) for topic in consumed]
    grants += [Grant(Resource.TOPIC, topic + ".dlq", Operation.WRITE) for topic in consumed]
    if consumed:
        grants.append(Grant(Resource.GROUP, f"{prefix}sinergi-{service}", Operation.READ))
    return grants


def service_topics(service: str, handlers: EventHandlers | None, prefix: str = "") -> list[str]:
    """Every topic the service writes or reads: what it waits for at start and `sinergi doctor` checks."""
    return sorted({g.name for g in service_grants(service, handlers, prefix) if g.resource is Resource.TOPIC})


def agency_principal(agency: str) -> str:
    """The Kafka user of an agency's consumers: `agency-<name>`."""
    name = agency.strip().lower()
    if not AGENCY_NAME.match(name):
        raise ValueError(f"agency name must be 2-40 of a-z, 0-9 and '-', starting with a letter or digit: {agency!r}")
    return f"agency-{name}"


def agency_grants(principal: str, topics: Sequence[str], prefix: str = "") -> list[Grant]:
    """Read the granted topics of the contract, in consumer groups whose names start with the principal's."""
    unknown = sorted(set(topics) - set(ALL_TOPICS))
    if unknown:
        raise ValueError(f"not a topic of the contract: {', '.join(unknown)} (known: {', '.join(ALL_TOPICS)})")
    grants = [Grant(Resource.TOPIC, prefix + topic, Operation.READ) for topic in sorted(set(topics))]
    return [*grants, Grant(Resource.GROUP, principal, Operation.READ, Pattern.PREFIXED)]


class AdminSettings(SinergiSettings):
    """The broker's admin principal (SINERGI_KAFKA_ADMIN_USERNAME / _PASSWORD), for setup and grants only."""

    model_config = SettingsConfigDict(env_prefix="SINERGI_KAFKA_ADMIN_", extra="ignore")

    username: str = ADMIN
    password: str | None = Field(default=None, repr=False)


def admin_access(deployment: ServiceSettings | None = None) -> KafkaAccess:
    """The deployment's brokers, as the admin principal."""
    deployment = deployment or ServiceSettings()
    admin = AdminSettings()
    return deployment.kafka().as_principal(admin.username, admin.password or local_password(admin.username))


async def set_password(admin: AIOKafkaAdminClient, username: str, password: str) -> None:
    """Create the SCRAM-SHA-512 user, or give it this password (the broker keeps only a salted hash)."""
    salt = secrets.token_bytes(32)
    salted = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, SCRAM_ITERATIONS)
    upsertion: tuple[object, ...] = (username, SCRAM_SHA_512, SCRAM_ITERATIONS, salt, salted, {})
    _check_scram(await admin._send_request(_AlterScram(upsertions=[upsertion])))


def _check_scram(response: _AlterScramResponse, tolerated: frozenset[int] = frozenset()) -> None:
    for user, error_code, error_message, _tags in response.results:
        if error_code and error_code not in tolerated:
            raise KafkaAclError(f"SCRAM user {user}: error {error_code} {error_message or ''}".strip())


async def allow(admin: AIOKafkaAdminClient, principal: str, grants: Iterable[Grant]) -> int:
    """Store the ACLs (an existing one is kept as it is) and wait until they are in force; returns how many."""
    grants = list(grants)
    creations = [(g.resource, g.name, g.pattern, f"User:{principal}", "*", g.operation, ALLOW) for g in grants]
    if not creations:
        return 0
    response = await admin._send_request(_CreateAcls(creations))
    for error_code, error_message in response.creation_responses:
        if error_code:
            raise KafkaAclError(f"ACL for {principal}: error {error_code} {error_message or ''}".strip())
    await _until_in_force(admin, principal, {(g.resource, g.name, g.pattern, g.operation) for g in grants})
    return len(creations)


async def _until_in_force(
    admin: AIOKafkaAdminClient, principal: str, wanted: set[tuple[int, str, int, int]], *, exactly: bool = False
) -> None:
    """The controller stores ACLs and the broker's authorizer applies them a moment later: wait for that."""
    describe = DescribeAclsRequest(ANY_RESOURCE, None, ANY_PATTERN, f"User:{principal}", None, ANY_OPERATION, ALLOW)
    for _ in range(100):
        response = await admin._send_request(describe)
        held = {
            (resource[0], resource[1], resource[2], acl[2]) for resource in response.resources for acl in resource[3]
        }
        if held == wanted if exactly else wanted <= held:
            return
        await asyncio.sleep(0.05)
    raise KafkaAclError(f"the ACLs of {principal} were not in force on the broker after 5 s")


@dataclass(frozen=True)
class ServicePrincipal:
    """A service as Kafka knows it: its name, how it connects (its user and password) and what it consumes."""

    name: str
    access: KafkaAccess
    handlers: EventHandlers | None


async def setup(
    admin_access: KafkaAccess,
    services: Sequence[ServicePrincipal],
    prefix: str = "",
    *,
    partitions: int = 3,
    replication_factor: int = 1,
) -> int:
    """Create the contract's topics, each service's user and its ACLs (idempotent); returns the ACLs sent."""
    async with admin_client(admin_access) as admin:
        await create_missing(admin, prefix, partitions, replication_factor)
        sent = 0
        for service in services:
            await set_password(admin, service.access.username, service.access.password)
            sent += await allow(admin, service.access.username, service_grants(service.name, service.handlers, prefix))
        return sent


async def revoke(admin_access: KafkaAccess, agency: str) -> tuple[str, int]:
    """Take an agency's principal away: every ACL it holds (its reads stop at their next request) and its user
    (no new connection); returns its user name and how many ACLs went. Revoking twice changes nothing."""
    principal = agency_principal(agency)
    every = DeleteAclsRequest(ANY_RESOURCE, None, ANY_PATTERN, f"User:{principal}", None, ANY_OPERATION, ALLOW)
    deletion: tuple[object, ...] = (principal, SCRAM_SHA_512, {})
    async with admin_client(admin_access) as admin:
        response = await admin._send_request(every)
        removed = 0
        for error_code, error_message, matching in response.filter_responses:
            if error_code:
                raise KafkaAclError(f"ACLs of {principal}: error {error_code} {error_message or ''}".strip())
            removed += len(matching)
        _check_scram(await admin._send_request(_AlterScram(deletions=[deletion])), tolerated=NO_SUCH_USER)
        await _until_in_force(admin, principal, set(), exactly=True)
    return principal, removed


async def grant(admin_access: KafkaAccess, agency: str, topics: Sequence[str], password: str, prefix: str = "") -> str:
    """Create (or re-key) an agency's consumer principal allowed to read only `topics`; returns its user name."""
    principal = agency_principal(agency)
    grants = agency_grants(principal, topics, prefix)
    async with admin_client(admin_access) as admin:
        await set_password(admin, principal, password)
        await allow(admin, principal, grants)
    return principal


# --- the two requests aiokafka has no call for (AlterUserScramCredentials v0; CreateAcls v1, its structure) ---


class _AlterScramResponse(Response):  # type: ignore[misc]  # aiokafka ships no types
    API_KEY = 51
    API_VERSION = 0
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        (
            "results",
            CompactArray(
                ("user", CompactString("utf-8")),
                ("error_code", Int16),
                ("error_message", CompactString("utf-8")),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class _AlterScramStruct(RequestStruct):  # type: ignore[misc]  # aiokafka ships no types
    FLEXIBLE_VERSION = True
    API_KEY = 51
    API_VERSION = 0
    RESPONSE_TYPE = _AlterScramResponse
    SCHEMA = Schema(
        ("deletions", CompactArray(("name", CompactString("utf-8")), ("mechanism", Int8), ("tags", TaggedFields))),
        (
            "upsertions",
            CompactArray(
                ("name", CompactString("utf-8")),
                ("mechanism", Int8),
                ("iterations", Int32),
                ("salt", CompactBytes),
                ("salted_password", CompactBytes),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class _AlterScram(Request[_AlterScramStruct]):  # type: ignore[misc]  # aiokafka ships no types
    API_KEY = 51

    def __init__(
        self, *, upsertions: Sequence[tuple[object, ...]] = (), deletions: Sequence[tuple[object, ...]] = ()
    ) -> None:
        self._upsertions, self._deletions = list(upsertions), list(deletions)

    def build(self, request_struct_class: type[_AlterScramStruct]) -> _AlterScramStruct:
        return request_struct_class(self._deletions, self._upsertions, {})


class _CreateAcls(Request[CreateAclsRequest_v1]):  # type: ignore[misc]  # aiokafka ships no types
    API_KEY = 30

    def __init__(self, creations: Sequence[tuple[int, str, int, str, str, int, int]]) -> None:
        self._creations = creations

    def build(self, request_struct_class: type[CreateAclsRequest_v1]) -> CreateAclsRequest_v1:
        return request_struct_class(self._creations)
