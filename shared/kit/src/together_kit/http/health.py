"""Routes every service serves: liveness, readiness, Prometheus metrics and its AsyncAPI document.

They read the service through `Operated`, which `ServiceRuntime` satisfies: this module knows
what it asks of a running service, not the runtime that builds one.
"""

from typing import Any, Protocol

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from faststream.rabbit import RabbitBroker
from faststream.specification import AsyncAPI
from prometheus_client import CONTENT_TYPE_LATEST

from together_kit.metrics import Metrics


class Backlogged(Protocol):
    async def backlog(self) -> int:
        """How many documents have events waiting to be published."""
        ...


class Operated(Protocol):
    """What the health routes read of a running service."""

    @property
    def broker(self) -> RabbitBroker: ...

    @property
    def metrics(self) -> Metrics: ...

    @property
    def relay(self) -> Backlogged: ...

    async def ready(self) -> dict[str, bool]:
        """Whether each dependency (the store, the broker) answers."""
        ...


class Brokered(Protocol):
    @property
    def broker(self) -> RabbitBroker: ...


def asyncapi_document(runtime: Brokered, *, title: str) -> dict[str, Any]:
    spec = AsyncAPI(runtime.broker, title=title, version="1.0.0", schema_version="3.0.0")
    document: dict[str, Any] = spec.to_specification().to_jsonable()
    return document


def health_router(runtime: Operated, *, title: str) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        """Alive: the process answers."""
        return {"status": "ok"}

    @router.get(
        "/readyz", responses={503: {"description": "The broker or the store is unreachable"}}
    )
    async def readyz() -> JSONResponse:
        """Ready: the broker and the store both answer."""
        checks = await runtime.ready()
        ready = all(checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "unavailable", "checks": checks},
            status_code=200 if ready else 503,
            headers=None if ready else {"Retry-After": "5"},
        )

    @router.get("/metrics", response_class=Response)
    async def metrics() -> Response:
        try:
            runtime.metrics.outbox_backlog.set(await runtime.relay.backlog())
        except Exception:  # the store is down; the rest of the metrics still matter
            runtime.metrics.outbox_backlog.set(float("nan"))
        return Response(runtime.metrics.render(), media_type=CONTENT_TYPE_LATEST)

    @router.get("/asyncapi.json")
    async def asyncapi() -> dict[str, Any]:
        return asyncapi_document(runtime, title=title)

    return router
