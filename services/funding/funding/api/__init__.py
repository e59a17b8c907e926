"""HTTP routers of the funding service: parse, call the use case in one transaction, shape the response."""
