"""HTTP plumbing every service shares: request ids, body limits, latency metrics, dependency errors."""

import math
import re
import time
import uuid
from collections.abc import Callable, Sequence
from html import escape
from typing import Any

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse
from prometheus_client import Histogram
from pymongo.errors import ConnectionFailure
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from together_kit.http.ratelimit import refusal
from together_kit.http.shedding import LoadShedding
from together_kit.metrics import Metrics
from together_kit.web.errors import ErrorPages, wants_page

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")
"""What an incoming `X-Request-ID` may be: it is logged, returned and carried in every event it
causes, so anything longer or with other characters is replaced by a fresh id, never echoed."""
RESPONSE_HEADERS = {"Referrer-Policy": "no-referrer"}
"""On every response of every service: no page's address (a token in a confirmation or erasure
link, a moderator's item) leaks to another site through the `Referer` of a link followed.

A response that sets its own keeps it. Under `no-referrer` a browser sends `Origin: null` with a
form's POST (Fetch, "append a request Origin header"), so a same-site check reads the browser's
`Sec-Fetch-Site` instead (the moderator pages do).
"""

PAGE_KEEPS_HEADERS = frozenset({"allow", "retry-after", "www-authenticate"})
"""What an error page keeps of the headers the JSON answer had."""

log = structlog.get_logger("together.http")


def install_http_middleware(
    app: FastAPI,
    *,
    metrics: Metrics,
    max_body_bytes: int,
    max_in_flight: int,
    errors: ErrorPages | None = None,
) -> None:
    """The shared middleware and error handlers; with `errors`, a browser gets error pages
    (together_kit.web.errors) where an API client gets the JSON."""
    # From the outside in: shedding, the response headers, the app's own layers (Starlette's
    # error middleware first), request context, body limit (Starlette runs the last added first).
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.add_middleware(RequestContext, metrics=metrics)
    _outermost(app, ResponseHeaders, headers=RESPONSE_HEADERS)
    _outermost(
        app,
        LoadShedding,
        max_in_flight=max_in_flight,
        metrics=metrics,
        headers=RESPONSE_HEADERS,
    )

    def answer(request: Request, response: Response) -> Response:
        """`response` for an API client; the same error as a page for a browser."""
        if errors is None or not wants_page(request):
            return response
        headers = {
            name: value
            for name, value in response.headers.items()
            if name.lower() in PAGE_KEEPS_HEADERS
        }
        return errors.render(request, response.status_code, headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        """422 naming each field in error; inputs JSON cannot carry are spelled out as text. A
        client over its rate limit gets the 429 instead, whatever it sent (`begin_check`)."""
        if (refused := await refusal(request)) is not None:
            return await http_error(request, refused)
        return answer(
            request,
            JSONResponse({"detail": _sendable(jsonable_encoder(error.errors()))}, status_code=422),
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        """A body that cannot be read is 422 naming where, as any other invalid body is
        (Starlette and FastAPI answer 400, which no operation documents)."""
        if error.status_code == 400 and (unreadable := _unreadable_body(error)):
            return answer(request, JSONResponse({"detail": [unreadable]}, status_code=422))
        return answer(request, await http_exception_handler(request, error))

    @app.exception_handler(ConnectionFailure)
    async def store_unavailable(request: Request, error: ConnectionFailure) -> Response:
        log.warning("store unavailable", error=repr(error))
        return answer(
            request,
            JSONResponse(
                {"detail": "The service's database is unavailable; please try again shortly."},
                status_code=503,
                headers={"Retry-After": "5"},
            ),
        )

    @app.exception_handler(Exception)
    async def server_error(request: Request, error: Exception) -> Response:
        """What Starlette answers an unhandled error (the error is still raised and logged by
        the server after it), or for a browser the page, which names nothing of the error."""
        return answer(request, PlainTextResponse("Internal Server Error", status_code=500))


def _outermost(app: FastAPI, middleware: Callable[..., ASGIApp], **options: Any) -> None:
    """Wrap `middleware` around Starlette's `ServerErrorMiddleware` too, which `add_middleware`
    cannot: so even the 500 it sends for an unhandled error goes through `middleware`."""
    build = app.build_middleware_stack

    def build_wrapped() -> ASGIApp:
        return middleware(build(), **options)

    app.build_middleware_stack = build_wrapped  # type: ignore[method-assign]


class ResponseHeaders:
    """`headers` on every HTTP response, whatever answered it, unless it set its own."""

    def __init__(self, app: ASGIApp, *, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def request_id_of(headers: Headers) -> str:
    """The request's own id if it is a plausible one (`REQUEST_ID_PATTERN`), else a fresh one."""
    given = headers.get(REQUEST_ID_HEADER, "")
    return given if REQUEST_ID_PATTERN.fullmatch(given) else uuid.uuid4().hex


REQUEST_ID_NAME = REQUEST_ID_HEADER.lower().encode("latin-1")


def _request_id_in(scope: Scope) -> str:
    """`request_id_of` the scope's headers, read off its raw list without building `Headers`."""
    for name, value in scope["headers"]:
        if name.lower() == REQUEST_ID_NAME:
            return request_id_of(Headers(raw=[(name, value)]))
    return uuid.uuid4().hex


UNLOGGED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class RequestContext:
    """Each request's id (`X-Request-ID`, taken if plausible or made, bound to the logs as
    `correlation_id` and returned), its latency in the metrics and a log line.

    Plain ASGI, not Starlette's `BaseHTTPMiddleware` (what `@app.middleware("http")` builds),
    which runs the app in a task of its own and streams the response through it: a cost paid on
    every request."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics
        self.latencies: dict[tuple[str, str, int], Histogram] = {}
        """`metrics.request_latency` per (method, route, status): a few, each looked up once."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id_in(scope)
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        structlog.contextvars.bind_contextvars(correlation_id=request_id)
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            path = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            self.latency_of(method, path, status).observe(elapsed)
            if path not in UNLOGGED_PATHS:
                log.info(
                    "request",
                    method=method,
                    path=path,
                    status=status,
                    duration_ms=round(elapsed * 1000, 1),
                )
            structlog.contextvars.unbind_contextvars("correlation_id")

    def latency_of(self, method: str, path: str, status: int) -> Histogram:
        key = (method, path, status)
        found = self.latencies.get(key)
        if found is None:
            found = self.latencies[key] = self.metrics.request_latency.labels(
                method, path, str(status)
            )
        return found


TOO_LARGE: dict[int | str, dict[str, Any]] = {413: {"description": "The request body is too large"}}
"""The `responses=` entry documenting `BodyLimit`'s answer on a route that takes a body."""


class BodyLimit:
    """413 for a request body over `max_bytes`, before any route runs, whether the body's size is
    declared (`Content-Length`) or only found out while it streams in (chunked).

    The body is read ahead (it is small: at most `max_bytes`) and handed on unchanged, so a route
    that never reads its body is protected too. The answer is JSON, or a page for a browser.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self.too_large(scope, receive, send)
            return
        received: list[Message] = []
        size = 0
        while True:
            message = await receive()
            received.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self.too_large(scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return received.pop(0) if received else await receive()

        await self.app(scope, replay, send)

    async def too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        said = f"The request body is larger than the {self.max_bytes} bytes this service accepts."
        accepts = Headers(scope=scope).get("accept", "")
        response: Response
        if "text/html" in accepts:
            page = (
                '<!doctype html><html lang="en"><head><meta charset="utf-8">'
                f"<title>Too large</title></head><body><h1>Too large</h1><p>{escape(said)}</p>"
                "</body></html>"
            )
            response = HTMLResponse(page, status_code=413)
        else:
            response = JSONResponse({"detail": said}, status_code=413)
        response.headers["Connection"] = "close"  # the rest of the body is not read
        await response(scope, receive, send)


def current_correlation_id() -> str:
    """The correlation id bound for this request or message, or a fresh one."""
    bound = structlog.contextvars.get_contextvars().get("correlation_id")
    return str(bound) if bound else uuid.uuid4().hex


def _unreadable_body(error: HTTPException) -> dict[str, Any] | None:
    """The validation error for a 400 that FastAPI or Starlette raised while reading the body:
    JSON that is not UTF-8, or a form (urlencoded or multipart) the parser gave up on."""
    cause = error.__cause__ or error.__context__
    if isinstance(cause, UnicodeDecodeError):
        return {
            "type": "json_invalid",
            "loc": ["body", cause.start],
            "msg": "JSON decode error",
            "input": {},
            "ctx": {"error": "The body is not UTF-8 text"},
        }
    if isinstance(cause, MultiPartException):
        return {"type": "form_invalid", "loc": ["body"], "msg": cause.message, "input": {}}
    return None


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
