"""HTTP plumbing every service shares: request ids, body limits, latency metrics, dependency errors."""

import time
import uuid
from collections.abc import Awaitable, Callable

import structlog
from fastapi import FastAPI, Request, Response
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
