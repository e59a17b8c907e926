"""Sinergi Registry service: Institutions, civil servants, API clients and tokens."""
