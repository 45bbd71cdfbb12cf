"""Running one service process: logging configured once, then uvicorn with the service's app."""

from collections.abc import Callable
from typing import TypeVar

import uvicorn
from fastapi import FastAPI

from together_kit.logs import configure_logging
from together_kit.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)

HTTP_GRACEFUL_SECONDS = 10
"""On SIGTERM uvicorn stops listening, lets requests in progress finish for up to this long, then
runs the lifespan's exit: ServiceRuntime drains the consumers and the outbox relay (runtime.py)."""


def serve(settings: S, create_app: Callable[[S], FastAPI]) -> None:
    configure_logging(
        service=settings.service_name, level=settings.log_level, fmt=settings.log_format
    )
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=HTTP_GRACEFUL_SECONDS,
    )
