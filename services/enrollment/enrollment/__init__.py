"""Sinergi Enrollment service: Programs, cohorts, seats, enrollments, waitlists and the competency ledger."""
