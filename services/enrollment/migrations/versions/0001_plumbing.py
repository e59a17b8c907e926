"""The enrollment database's plumbing tables (sinergi_shared.db.plumbing): revision 0001."""

from sinergi_shared.migrations import create_plumbing as upgrade
from sinergi_shared.migrations import drop_plumbing as downgrade

revision, down_revision, branch_labels, depends_on = "0001", None, None, None
__all__ = ["downgrade", "upgrade"]
