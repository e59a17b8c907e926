"""The registry's HTTP routers."""

from fastapi import APIRouter

from registry.api.civil_servants import router as civil_servants
from registry.api.clients import router as clients
from registry.api.institutions import router as institutions
from registry.api.tokens import router as tokens

ROUTERS: list[APIRouter] = [tokens, clients, institutions, civil_servants]
