"""Routes every service serves: liveness, readiness, Prometheus metrics and its AsyncAPI document."""

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from faststream.specification import AsyncAPI
from prometheus_client import CONTENT_TYPE_LATEST

if TYPE_CHECKING:
    from together_kit.runtime import ServiceRuntime


def asyncapi_document(runtime: "ServiceRuntime", *, title: str) -> dict[str, Any]:
    spec = AsyncAPI(runtime.broker, title=title, version="1.0.0", schema_version="3.0.0")
    document: dict[str, Any] = spec.to_specification().to_jsonable()
    return document


def health_router(runtime: "ServiceRuntime", *, title: str) -> APIRouter:
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
