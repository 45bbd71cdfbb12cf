"""The HTTP plumbing every service shares: body limits and bodies that cannot be read.

Regression tests for what the hostile-input tests (tests/hostile) found: a body over the limit
answered in plain text when its size was declared, a chunked one let through to a route that
never read it, and JSON that is not UTF-8 or a broken multipart form answered 400, which no
operation documents.
"""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, HTTPException, Request
from pydantic import BaseModel
from together_kit.http import install_http_middleware
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

    return app


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app())
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
