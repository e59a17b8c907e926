"""Use cases of the funding service: each runs inside the caller's one transaction."""
