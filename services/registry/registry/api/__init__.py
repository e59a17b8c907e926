"""The registry's HTTP routers."""

from fastapi import APIRouter

from registry.api.civil_servants import router as civil_servants
from registry.api.institutions import router as institutions
from registry.api.oauth import router as oauth

ROUTERS: list[APIRouter] = [oauth, institutions, civil_servants]
