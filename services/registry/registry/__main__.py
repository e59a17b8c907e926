"""python -m registry [--api] [--relay] [--consumers]: run the registry service."""

from registry.app import create_app, handlers
from registry.config import get_settings
from sinergi_shared.runner import ServiceDefinition, main

DEFINITION = ServiceDefinition(
    name="registry", settings=get_settings, create_app=create_app, handlers=handlers, default_port=8001
)


def run() -> None:
    main(DEFINITION)


if __name__ == "__main__":
    run()
