"""HTTP plumbing every service shares: request ids, body limits, latency metrics, dependency errors."""

import math
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from pymongo.errors import ConnectionFailure

from together_kit.metrics import Metrics

REQUEST_ID_HEADER = "X-Request-ID"

log = structlog.get_logger("together.http")


def install_http_middleware(app: FastAPI, *, metrics: Metrics) -> None:
    @app.middleware("http")
    async def request_context(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request_id = request.headers.get(REQUEST_ID_HEADER) or uuid.uuid4().hex
        structlog.contextvars.bind_contextvars(correlation_id=request_id)
        started = time.perf_counter()
        try:
            response = await call_next(request)
            elapsed = time.perf_counter() - started
            route = request.scope.get("route")
            path = getattr(route, "path", "unmatched")
            metrics.request_latency.labels(request.method, path, str(response.status_code)).observe(
                elapsed
            )
            response.headers[REQUEST_ID_HEADER] = request_id
            if path not in {"/healthz", "/readyz", "/metrics"}:
                log.info(
                    "request",
                    method=request.method,
                    path=path,
                    status=response.status_code,
                    duration_ms=round(elapsed * 1000, 1),
                )
            return response
        finally:
            structlog.contextvars.unbind_contextvars("correlation_id")

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        """422 naming each field in error; inputs JSON cannot carry are spelled out as text."""
        return JSONResponse(
            {"detail": _sendable(jsonable_encoder(error.errors()))}, status_code=422
        )

    @app.exception_handler(ConnectionFailure)
    async def store_unavailable(request: Request, error: ConnectionFailure) -> Response:
        log.warning("store unavailable", error=repr(error))
        return JSONResponse(
            {"detail": "The service's database is unavailable; please try again shortly."},
            status_code=503,
            headers={"Retry-After": "5"},
        )


def current_correlation_id() -> str:
    """The correlation id bound for this request or message, or a fresh one."""
    bound = structlog.contextvars.get_contextvars().get("correlation_id")
    return str(bound) if bound else uuid.uuid4().hex


def _sendable(value: Any) -> Any:
    """FastAPI echoes bad input back; lone surrogates and non-finite floats cannot be JSON."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {_sendable(key): _sendable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_sendable(item) for item in value]
    return value


def allow_partner_origins(app: FastAPI, origins: Sequence[str], *, methods: Sequence[str]) -> None:
    """Let partner sites' browser forms call the API; nothing is allowed when `origins` is empty."""
    if not origins:
        return
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(origins),
        allow_methods=list(methods),
        allow_headers=["Content-Type", "Idempotency-Key", "X-Request-ID"],
        expose_headers=["Retry-After", "Idempotent-Replayed", "X-Request-ID"],
    )
