"""Helpers the routers share: scope dependencies and response shaping."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from sinergi_shared.auth import Principal, require_scope
from sinergi_shared.http import ModelResponse, etag

# GETs are for `read`; coordinators and operators read too.
Reader = Annotated[Principal, Depends(require_scope("read", "coordinator", "admin"))]
Admin = Annotated[Principal, Depends(require_scope("admin"))]
StaffWriter = Annotated[Principal, Depends(require_scope("registry:write"))]


def topic_prefix(request: Request) -> str:
    return str(request.app.state.settings.topic_prefix)


def resource(model: type[BaseModel], row: Any, *, status_code: int = 200, location: str | None = None) -> JSONResponse:
    """A single resource with its ETag (its version)."""
    headers = {"ETag": etag(row.version)}
    if location:
        headers["Location"] = location
    return ModelResponse(model.model_validate(row, from_attributes=True), status_code=status_code, headers=headers)
