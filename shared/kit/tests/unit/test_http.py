"""The HTTP plumbing every service shares: body limits, bodies that cannot be read, request ids
and the headers on every response.

Regression tests for what the hostile-input tests (tests/hostile) found: a body over the limit
answered in plain text when its size was declared, a chunked one let through to a route that
never read it, and JSON that is not UTF-8 or a broken multipart form answered 400, which no
operation documents.
"""

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, HTTPException, Request, Response
from pydantic import BaseModel
from together_kit.http.middleware import current_correlation_id, install_http_middleware
from together_kit.metrics import Metrics

pytestmark = pytest.mark.unit

LIMIT = 100


class Body(BaseModel):
    name: str


def make_app() -> FastAPI:
    app = FastAPI()
    install_http_middleware(app, metrics=Metrics(), max_body_bytes=LIMIT, max_in_flight=100)

    @app.post("/json")
    async def json_body(body: Body) -> dict[str, str]:
        return {"name": body.name}

    @app.post("/form")
    async def form_body(request: Request) -> dict[str, list[str]]:
        return {"fields": list((await request.form()).keys())}

    @app.post("/ignores-its-body")
    async def ignores() -> dict[str, bool]:
        return {"done": True}

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        return {"length": len(await request.body())}

    @app.get("/missing")
    async def missing() -> None:
        raise HTTPException(404, "No such thing.")

    @app.get("/correlation")
    async def correlation() -> dict[str, str]:
        return {"correlation_id": current_correlation_id()}

    @app.get("/broken")
    async def broken() -> None:
        raise RuntimeError("a bug")

    return app


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def chunks(size: int) -> AsyncIterator[bytes]:
    for _ in range(size):
        yield b"a"


@pytest.mark.parametrize("path", ["/json", "/form", "/ignores-its-body"])
async def test_a_declared_body_over_the_limit_is_413_in_json(
    http: httpx.AsyncClient, path: str
) -> None:
    response = await http.post(path, content=b"a" * (LIMIT + 1), headers={"X-Request-ID": "r1"})

    assert response.status_code == 413
    assert response.json() == {
        "detail": f"The request body is larger than the {LIMIT} bytes this service accepts."
    }
    assert response.headers["X-Request-ID"] == "r1"


@pytest.mark.parametrize("path", ["/json", "/form", "/ignores-its-body"])
async def test_a_chunked_body_over_the_limit_is_413_even_where_it_is_never_read(
    http: httpx.AsyncClient, path: str
) -> None:
    response = await http.post(path, content=chunks(LIMIT + 1))

    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]


async def test_a_browser_is_told_in_a_page(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/form", content=chunks(LIMIT + 1), headers={"Accept": "text/html,*/*"}
    )

    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert f"larger than the {LIMIT} bytes" in response.text


async def test_a_body_at_the_limit_arrives_whole(http: httpx.AsyncClient) -> None:
    declared = await http.post("/echo", content=b"a" * LIMIT)
    streamed = await http.post("/echo", content=chunks(LIMIT))

    assert declared.json() == {"length": LIMIT}
    assert streamed.json() == {"length": LIMIT}


async def test_json_that_is_not_utf8_is_422_naming_where(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/json", content=b'{"name": "\xff\xfe"}', headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["type"] == "json_invalid"
    assert error["loc"] == ["body", 10]


async def test_a_broken_multipart_form_is_422(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/form",
        content=b"--x\r\nnot a part\r\n--x--\r\n",
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )

    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"] == ["body"]


async def test_other_http_errors_are_answered_as_before(http: httpx.AsyncClient) -> None:
    response = await http.get("/missing")

    assert response.status_code == 404
    assert response.json() == {"detail": "No such thing."}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/correlation", 200),
        ("GET", "/missing", 404),
        ("GET", "/nowhere", 404),
        ("POST", "/json", 422),
        ("POST", "/echo", 413),
        ("GET", "/broken", 500),
    ],
)
async def test_every_response_sends_no_referrer(
    http: httpx.AsyncClient, method: str, path: str, status: int
) -> None:
    body = b"a" * (LIMIT + 1) if status == 413 else b"{}"
    response = await http.request(method, path, content=body)

    assert response.status_code == status
    assert response.headers["Referrer-Policy"] == "no-referrer"


async def test_a_plausible_request_id_is_kept_logged_and_returned(http: httpx.AsyncClient) -> None:
    given = "Stream-7.retry_2-" + "a" * 47

    response = await http.get("/correlation", headers={"X-Request-ID": given})

    assert len(given) == 64
    assert response.headers["X-Request-ID"] == given
    assert response.json() == {"correlation_id": given}


@pytest.mark.parametrize(
    "given",
    ["a" * 65, "two words", "<script>alert(1)</script>", "id;drop", "caf\u00e9", "a/b", "%0a"],
)
async def test_an_implausible_request_id_is_replaced_never_echoed(
    http: httpx.AsyncClient, given: str
) -> None:
    response = await http.get("/correlation", headers=[(b"X-Request-ID", given.encode("latin-1"))])

    returned = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", returned)
    assert response.json() == {"correlation_id": returned}


async def test_a_response_that_sets_its_own_referrer_policy_keeps_it() -> None:
    app = make_app()

    @app.get("/own-policy")
    async def own_policy() -> Response:
        return Response(headers={"Referrer-Policy": "same-origin"})

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/own-policy")

    assert response.headers.get_list("Referrer-Policy") == ["same-origin"]
