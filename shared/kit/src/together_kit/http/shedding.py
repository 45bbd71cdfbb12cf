"""Load shedding: past a cap on requests in flight, answer 503 with `Retry-After` at once.

Under overload a request that waits in line only times out at the client; refusing it quickly
keeps the answered ones fast and tells the client when to come back. Health, readiness and
metrics are never refused, so an orchestrator still sees the process alive.

It is the outermost layer: a refusal costs no request log line and no other middleware, since
under a flood of refusals that cost is what starves the requests let in (counted instead in
`http_requests_shed_total`).
"""

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from together_kit.metrics import Metrics

NEVER_SHED = frozenset({"/healthz", "/readyz", "/metrics"})
RETRY_AFTER_SECONDS = 1


class LoadShedding:
    def __init__(self, app: ASGIApp, *, max_in_flight: int, metrics: Metrics) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.metrics = metrics
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in NEVER_SHED:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.max_in_flight:
            self.metrics.shed.inc()
            busy = JSONResponse(
                {"detail": "The service is busy; please try again shortly."},
                status_code=503,
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
            await busy(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
