"""structlog, configured once per process: JSON off a terminal, console on one, coloured unless
`NO_COLOR` is set (a supervisor piping a child's output asks for colour with `FORCE_COLOR`).

Each logger is built once, on its first line, not again on every line (`cache_logger_on_first_use`):
a service logs a line per request. So configure before logging, as `together_kit.serve` does.
`structlog.testing.capture_logs` still works, as it changes the processors in place."""

import logging
import os
import sys
from typing import Any

import structlog


def configure_logging(*, service: str, level: str = "INFO", fmt: str = "auto") -> None:
    renderer: Any
    as_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    colours = "NO_COLOR" not in os.environ and (
        sys.stderr.isatty() or bool(os.environ.get("FORCE_COLOR"))
    )
    renderer = (
        structlog.processors.JSONRenderer()
        if as_json
        else structlog.dev.ConsoleRenderer(colors=colours)
    )
    processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info if as_json else structlog.dev.set_exc_info,
        renderer,
    ]
    structlog.configure(
        processors=processors,
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(service=service)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(name)s %(message)s")
