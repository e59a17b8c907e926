"""Who may call what: the scopes each kind of route needs."""

from typing import Annotated

from fastapi import Depends

from sinergi_shared.auth import Principal, require_scope

READERS = ("read", "funding:write", "funding:approve", "coordinator", "admin")
Reader = Annotated[Principal, Depends(require_scope(*READERS))]
Writer = Annotated[Principal, Depends(require_scope("funding:write"))]
Approver = Annotated[Principal, Depends(require_scope("funding:approve", "coordinator"))]
