"""The enrollment service's HTTP routers: thin, parse → call a use case → shape."""

from enrollment.api import certificates, cohorts, enrollments, exports, plans, programs, reports

routers = [
    programs.router,
    cohorts.router,
    enrollments.router,
    plans.router,
    reports.router,
    exports.router,
    certificates.router,
    certificates.public_router,
]
