"""Sinergi Funding service: Budget lines, funding requests, approvals and commitments."""
