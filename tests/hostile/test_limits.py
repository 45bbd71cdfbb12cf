"""Hostile bodies against every route of every service that takes one: too large, broken, or of
the wrong type. Each service runs in-process against the real broker and store.

The routes come from each app's own router, the pages hidden from the OpenAPI included, so a new
route is covered without being listed here (and fails here if it misbehaves):

- a body over the service's limit is 413 with a message a person can read (JSON for an API
  client, a page for a browser), whether its size is declared or only found out as it streams in;
- broken JSON to a JSON operation is 422 naming where (`loc`), and so is JSON that is not UTF-8;
- a body of the wrong type is 415 or 422, or the route refuses it as it refuses an empty form
  (a link that is not valid, a moderator not signed in): it is never a 5xx.
"""

import re
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from matching.settings import DISTRICTS
from together_kit.testing.apps import running

pytestmark = pytest.mark.integration

LIMIT = 64 * 1024
GEONAMES = DISTRICTS
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
EMPTY_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def signups_app(service_settings: dict[str, Any]) -> FastAPI:
    from signups.bootstrap import create_app
    from signups.settings import Settings

    return create_app(
        Settings(**service_settings, admin_api_key="k" * 16, join_rate_limit="100000/minute")
    )


def moderation_app(service_settings: dict[str, Any]) -> FastAPI:
    from moderation.bootstrap import create_app
    from moderation.settings import Settings

    return create_app(
        Settings(**service_settings, share_rate_limit="100000/minute", backlog_check_seconds=3600)
    )


def matching_app(service_settings: dict[str, Any]) -> FastAPI:
    from matching.bootstrap import create_app
    from matching.settings import Settings

    return create_app(
        Settings(
            **service_settings,
            geonames_path=GEONAMES,
            submit_rate_limit="100000/minute",
            unmatched_interval_seconds=3600,
        )
    )


def notifications_app(service_settings: dict[str, Any]) -> FastAPI:
    from notifications.adapters.handover_journal import IN_MEMORY
    from notifications.bootstrap import create_app
    from notifications.settings import Settings

    journal = {"handover_journal_path": IN_MEMORY}
    return create_app(Settings(**service_settings, **journal, admin_api_key="k" * 16))


SERVICES: dict[str, Callable[[dict[str, Any]], FastAPI]] = {
    "signups": signups_app,
    "moderation": moderation_app,
    "matching": matching_app,
    "notifications": notifications_app,
}


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    json_body: bool
    """Documented in the OpenAPI with an `application/json` request body."""

    @property
    def path(self) -> str:
        """The route's path with a made-up value (a UUID fits every parameter) in each slot."""
        path = self.template
        while "{" in path:
            start, end = path.index("{"), path.index("}")
            path = path[:start] + str(uuid.uuid4()) + path[end + 1 :]
        return path

    def __str__(self) -> str:
        return f"{self.method} {self.template}"


def operations_taking_a_body(app: FastAPI) -> list[Operation]:
    """Every route of `app` whose method carries a body, hidden pages included."""
    documented = app.openapi()["paths"]
    found = []
    for route in iter_route_contexts(app.routes):
        methods = getattr(route, "methods", None) or set()
        template = getattr(route, "path_format", "")
        for method in sorted(methods & BODY_METHODS):
            spec = documented.get(template, {}).get(method.lower(), {})
            content = spec.get("requestBody", {}).get("content", {})
            found.append(Operation(method, template, "application/json" in content))
    return found


@dataclass
class Service:
    name: str
    app: FastAPI
    http: httpx.AsyncClient
    operations: list[Operation]

    async def send(self, operation: Operation, **request: Any) -> httpx.Response:
        return await self.http.request(operation.method, operation.path, **request)


@pytest.fixture(scope="module", params=list(SERVICES))
async def service(
    request: pytest.FixtureRequest, rabbitmq_url: str, mongodb_url: str
) -> AsyncIterator[Service]:
    """One app per service for the whole module, in a database of its own."""
    name: str = request.param
    database = f"limits{uuid.uuid4().hex[:8]}"
    settings = {
        "rabbitmq_url": rabbitmq_url,
        "mongodb_url": mongodb_url,
        "mongodb_database": database,
        "port": 0,
    }
    app = SERVICES[name](settings)
    async with running(app, mongodb_url=mongodb_url, database_name=database) as (http, _db):
        operations = operations_taking_a_body(app)
        assert operations, f"{name} has no route that takes a body"
        yield Service(name, app, http, operations)


def readable_413(response: httpx.Response, *, wants_html: bool) -> str | None:
    """What is wrong with a 413 answer, or None when it is right."""
    if response.status_code != 413:
        return f"{response.status_code} instead of 413: {response.text[:120]!r}"
    kind = response.headers.get("content-type", "")
    if wants_html:
        if not kind.startswith("text/html") or "larger than" not in response.text:
            return f"not a page saying what is wrong: {kind} {response.text[:120]!r}"
    elif not kind.startswith("application/json") or "larger than" not in str(
        response.json().get("detail")
    ):
        return f"not JSON saying what is wrong: {kind} {response.text[:120]!r}"
    return None


async def chunks(total: int, piece: bytes = b"a" * 1024) -> AsyncIterator[bytes]:
    """A body sent chunked, with no Content-Length to refuse it by."""
    for _ in range(total // len(piece) + 1):
        yield piece


async def test_a_body_over_the_limit_is_413_with_a_message(service: Service) -> None:
    failures = []
    for operation in service.operations:
        for wants_html, accept, kind in [
            (False, "application/json", "application/json"),
            (True, "text/html,application/xhtml+xml", "application/x-www-form-urlencoded"),
        ]:
            headers = {"Accept": accept, "Content-Type": kind}
            declared = await service.send(operation, content=b"a" * (LIMIT + 1), headers=headers)
            streamed = await service.send(operation, content=chunks(LIMIT + 1), headers=headers)
            assert "content-length" not in streamed.request.headers
            for how, response in [("declared", declared), ("chunked", streamed)]:
                if problem := readable_413(response, wants_html=wants_html):
                    failures.append(f"{operation} ({how}, Accept {accept}): {problem}")
    assert not failures, "\n".join(failures)


async def test_a_body_at_the_limit_is_not_refused_for_its_size(service: Service) -> None:
    failures = []
    for operation in service.operations:
        response = await service.send(operation, content=b"a" * LIMIT, headers=EMPTY_FORM)
        if response.status_code == 413 or response.status_code >= 500:
            failures.append(f"{operation}: {response.status_code} {response.text[:120]!r}")
    assert not failures, "\n".join(failures)


BROKEN_JSON = [
    b'{"name": ',
    b"{'name': 'single quotes'}",
    b'{"name": "unterminated}',
    b"[1, 2,,]",
    b"\x14\xff\xfe not UTF-8",
    b'{"name": "NaN"} trailing',
]


async def test_broken_json_is_422_naming_where(service: Service) -> None:
    failures = []
    for operation in [o for o in service.operations if o.json_body]:
        for body in BROKEN_JSON:
            response = await service.send(
                operation, content=body, headers={"Content-Type": "application/json"}
            )
            if response.status_code != 422:
                failures.append(f"{operation} {body!r}: {response.status_code} {response.text!r}")
                continue
            locations = [error.get("loc", []) for error in response.json()["detail"]]
            if not locations or not all(loc and loc[0] == "body" for loc in locations):
                failures.append(f"{operation} {body!r}: no field path in {response.text!r}")
    assert not failures, "\n".join(failures)


WRONG_TYPES = [
    ("text/plain", b'{"name": "Ann"}'),
    ("application/xml", b"<signup><name>Ann</name></signup>"),
    ("multipart/form-data; boundary=x", b"--x\r\nnot a part\r\n--x--\r\n"),
    ("application/x-www-form-urlencoded", b"%%%&&==%zz&name=%FF%FE"),
    ("application/json", b'"just a string"'),
]
"""Bodies a route cannot use: a JSON operation gets a form, a page gets JSON, both get junk."""


async def test_a_body_of_the_wrong_type_is_refused_not_a_failure(service: Service) -> None:
    failures = []
    for operation in service.operations:
        refused = await service.send(operation, content=b"", headers=EMPTY_FORM)
        for kind, body in WRONG_TYPES:
            if operation.json_body and kind == "application/json":
                continue  # valid JSON of the wrong shape: schemathesis' negative cases cover it
            response = await service.send(operation, content=body, headers={"Content-Type": kind})
            status = response.status_code
            as_empty = status == refused.status_code and 300 <= status < 500
            if status not in (415, 422) and not as_empty:
                failures.append(f"{operation} {kind}: {status} {response.text[:160]!r}")
    assert not failures, "\n".join(failures)


def test_every_documented_body_operation_documents_413_and_422(service: Service) -> None:
    paths: dict[str, dict[str, Any]] = service.app.openapi()["paths"]
    undocumented = [
        f"{method.upper()} {path} lacks {code}"
        for path, item in paths.items()
        for method, spec in item.items()
        if "requestBody" in spec
        for code in ("413", "422")
        if code not in spec.get("responses", {})
    ]
    assert not undocumented, "\n".join(undocumented)


async def test_every_answer_sends_no_referrer_and_only_a_plausible_request_id(
    service: Service,
) -> None:
    """Issue 16, point 18: `Referrer-Policy: no-referrer` on every response of every service,
    and an `X-Request-ID` that is too long or has other characters is replaced, not echoed."""
    bad_ids = ["x" * 65, "<script>alert(1)</script>", "a b"]
    failures = []
    for n, bad_id in enumerate(bad_ids):
        headers = {"X-Request-ID": bad_id, "Accept": "text/html"}
        answers = [
            await service.http.get("/", headers=headers),
            await service.http.get("/healthz", headers=headers),
            await service.http.get(f"/nowhere-{n}", headers=headers),
            *[
                await service.send(operation, content=b"a" * (LIMIT + 1), headers=headers)
                for operation in service.operations
            ],
        ]
        for answer in answers:
            where = f"{answer.request.method} {answer.request.url.path} {answer.status_code}"
            if answer.headers.get("Referrer-Policy") != "no-referrer":
                failures.append(f"{where}: Referrer-Policy {answer.headers.get('Referrer-Policy')}")
            if not re.fullmatch(r"[0-9a-f]{32}", answer.headers.get("X-Request-ID", "")):
                failures.append(f"{where}: X-Request-ID {answer.headers.get('X-Request-ID')!r}")
    assert not failures, "\n".join(failures)
