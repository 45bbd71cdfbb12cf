"""Load shedding: past a cap on requests in flight, answer 503 with `Retry-After` at once.

Under overload a request that waits in line only times out at the client; refusing it quickly
keeps the answered ones fast and tells the client when to come back. Health, readiness and
metrics are never refused, so an orchestrator still sees the process alive.

It is the outermost layer, outside even the app itself (FastAPI's and Starlette's own layers): a
refusal costs no request log line and no other middleware, since under a flood of refusals that
cost is what starves the requests let in (counted instead in `http_requests_shed_total`). The
refusal itself is made once, as the two ASGI messages every one of them sends, with the headers
every response carries (`headers`), so a flood of them costs no response object each.
"""

import json
from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from together_kit.metrics import Metrics

NEVER_SHED = frozenset({"/healthz", "/readyz", "/metrics"})
RETRY_AFTER_SECONDS = 1
_BUSY_BODY = json.dumps({"detail": "The service is busy; please try again shortly."}).encode()


def busy_answer(headers: Mapping[str, str]) -> tuple[Message, Message]:
    """The two ASGI messages of every refusal: 503, `Retry-After`, the JSON body, `headers`."""
    return (
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(_BUSY_BODY)).encode()),
                (b"retry-after", str(RETRY_AFTER_SECONDS).encode()),
                *((name.lower().encode(), value.encode()) for name, value in headers.items()),
            ],
        },
        {"type": "http.response.body", "body": _BUSY_BODY},
    )


class LoadShedding:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_in_flight: int,
        metrics: Metrics,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.metrics = metrics
        self.in_flight = 0
        self.busy = busy_answer(headers or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in NEVER_SHED:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.max_in_flight:
            self.metrics.shed.inc()
            for message in self.busy:
                await send(message)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
