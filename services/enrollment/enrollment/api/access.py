"""Who may call what: the scopes each kind of route needs."""

from typing import Annotated

from fastapi import Depends

from sinergi_shared.auth import Principal, require_scope

# Planners read the catalogue too: plan items name programs and providers.
READERS = (
    "read",
    "programs:write",
    "enrollments:write",
    "enrollments:complete",
    "plans:write",
    "plans:approve",
    "coordinator",
    "admin",
)
ProgramWriter = Annotated[Principal, Depends(require_scope("programs:write"))]
Nominator = Annotated[Principal, Depends(require_scope("enrollments:write"))]
Completer = Annotated[Principal, Depends(require_scope("enrollments:complete"))]
Reader = Annotated[Principal, Depends(require_scope(*READERS))]
ReportReader = Annotated[Principal, Depends(require_scope("read", "coordinator"))]
PlanWriter = Annotated[Principal, Depends(require_scope("plans:write"))]
PlanApprover = Annotated[Principal, Depends(require_scope("plans:approve"))]
PLAN_READERS = ("read", "plans:write", "plans:approve", "coordinator", "admin")
PlanReader = Annotated[Principal, Depends(require_scope(*PLAN_READERS))]
# A provider reads the demand for its own programs; `read` of a provider institution sees the same.
DemandReader = Annotated[Principal, Depends(require_scope("programs:write", "read", "coordinator"))]
