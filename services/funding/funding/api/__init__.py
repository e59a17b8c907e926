"""The funding service's HTTP routers: thin, parse → call a use case → shape."""

from funding.api import budgets, reports, requests

routers = [budgets.router, requests.router, reports.router]
