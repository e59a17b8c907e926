"""Who may call what: the scopes each kind of route needs."""

from typing import Annotated

from fastapi import Depends

from sinergi_shared.auth import Principal, require_scope

# GETs are for `read`; coordinators and operators read too.
Reader = Annotated[Principal, Depends(require_scope("read", "coordinator", "admin"))]
Admin = Annotated[Principal, Depends(require_scope("admin"))]
StaffWriter = Annotated[Principal, Depends(require_scope("registry:write"))]
