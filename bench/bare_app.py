"""The HTTP limit H of B1: a bare FastAPI POST with a pydantic body, served like a service.

`python -m bench.bare_app --port N` runs uvicorn with the same options as `together_kit.serve`,
so the difference between this and signups is what signups does per request, not the server.
"""

import argparse

import uvicorn
from fastapi import FastAPI, status
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Receive, Scope, Send


class Body(BaseModel):
    name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    postcode: str = Field(max_length=16)
    interests: list[str] = Field(default_factory=list)
    availability: list[str] = Field(default_factory=list)
    travel_radius_km: int = Field(10, ge=1, le=200)
    language: str = "en"
    consent_matched_events: bool = False


class Answer(BaseModel):
    id: str
    status: str


def create_app() -> FastAPI:
    app = FastAPI(title="bench bare app")

    @app.post("/api/v1/signups", status_code=status.HTTP_202_ACCEPTED)
    async def create(body: Body) -> Answer:
        return Answer(id=body.email, status="registered")

    @app.get("/readyz")
    async def ready() -> dict[str, bool]:
        return {"ready": True}

    return app


SHED_BODY = b'{"detail":"busy"}'


async def shed_everything(scope: Scope, receive: Receive, send: Send) -> None:
    """The cheapest answer the services' server can give: a 503 at once, as load shedding's, to
    every request (`--shed`, B7's floor); nothing read, nothing built per request."""
    if scope["type"] != "http":
        return
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(SHED_BODY)).encode()),
                (b"retry-after", b"1"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": SHED_BODY})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--shed", action="store_true", help="answer every request 503 at once")
    args = parser.parse_args()
    app: ASGIApp = shed_everything if args.shed else create_app()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
