"""Who may call what: the scopes each kind of route needs."""

from typing import Annotated

from fastapi import Depends

from sinergi_shared.auth import Principal, require_scope

READERS = ("read", "programs:write", "enrollments:write", "enrollments:complete", "coordinator", "admin")
ProgramWriter = Annotated[Principal, Depends(require_scope("programs:write"))]
Nominator = Annotated[Principal, Depends(require_scope("enrollments:write"))]
Completer = Annotated[Principal, Depends(require_scope("enrollments:complete"))]
Reader = Annotated[Principal, Depends(require_scope(*READERS))]
ReportReader = Annotated[Principal, Depends(require_scope("read", "coordinator"))]
