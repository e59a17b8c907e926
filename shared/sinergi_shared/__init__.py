"""Sinergi plumbing shared by the three services: contracts and infrastructure, no business rules."""
