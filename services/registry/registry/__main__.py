"""python -m registry [--api] [--relay] [--consumers] [--workers N]: run the registry service."""

from registry.app import handlers
from registry.cli import add_commands
from registry.clients import production_refusals
from registry.config import get_settings
from sinergi_shared.retention import retention_job
from sinergi_shared.runner import ServiceDefinition

# What the runner and `sinergi` know of the registry (entry point group sinergi.services in pyproject.toml).
DEFINITION = ServiceDefinition(
    "registry",
    8001,
    get_settings,
    handlers,
    jobs=[retention_job(get_settings())],
    commands=add_commands,
    refusals=production_refusals,
)

if __name__ == "__main__":
    DEFINITION.run()
