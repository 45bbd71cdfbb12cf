"""The HTTP limit H of B1: a bare FastAPI POST with a pydantic body, served like a service.

`python -m bench.bare_app --port N` runs uvicorn with the same options as `together_kit.serve`,
so the difference between this and signups is what signups does per request, not the server.
"""

import argparse

import uvicorn
from fastapi import FastAPI, status
from pydantic import BaseModel, Field


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    port: int = parser.parse_args().port
    uvicorn.run(create_app(), host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
