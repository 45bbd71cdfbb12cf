"""The site-wide session and organiser links: one key all services share, refused in production
unless real; a cookie any service reads; tokens that name their purpose."""

import uuid

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient
from pydantic import ValidationError
from together_kit.keys import SecretKeys
from together_kit.settings import ServiceSettings
from together_kit.signing import TokenInvalidError
from together_kit.web.site import (
    SESSION_COOKIE,
    SitePurpose,
    SiteTokens,
    end_session,
    signed_in,
    start_session,
)

pytestmark = pytest.mark.unit

REAL = "r" * 40


def production(**values: object) -> ServiceSettings:
    return ServiceSettings(  # type: ignore[arg-type]
        service_name="svc",
        port=0,
        secret_key=REAL,
        erasure_key=REAL,
        environment="production",
        **values,
    )


def test_production_refuses_the_placeholder_and_short_site_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SITE_KEY", raising=False)
    with pytest.raises(ValidationError, match="set SITE_KEY"):
        production()
    with pytest.raises(ValidationError, match="set SITE_KEY"):
        production(site_key="short")
    assert production(site_key=REAL).site_keys().current == REAL


def test_every_service_reads_the_unprefixed_site_key_and_addresses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SITE_KEY", REAL)
    monkeypatch.setenv("MATCHING_PUBLIC_BASE_URL", "https://events.example/")
    built = ServiceSettings(service_name="svc", port=0)  # type: ignore[call-arg]
    assert built.site_keys().current == REAL
    assert built.addresses().url("matching", "/my/events") == "https://events.example/my/events"


def test_a_token_of_one_service_verifies_at_another_but_not_for_another_purpose() -> None:
    person = uuid.uuid4()
    issued = SiteTokens(SecretKeys(REAL)).issue(SitePurpose.SIGN_IN, person, "n1")
    elsewhere = SiteTokens(SecretKeys(REAL))
    assert elsewhere.read(issued, max_age=60).subject == person
    with pytest.raises(TokenInvalidError):
        elsewhere.subject(issued, SitePurpose.SESSION, max_age=60)
    with pytest.raises(TokenInvalidError):
        SiteTokens(SecretKeys("x" * 40)).read(issued, max_age=60)


def test_the_session_cookie_signs_in_and_out_and_ignores_forgeries() -> None:
    tokens = SiteTokens(SecretKeys(REAL))
    person = uuid.uuid4()
    app = FastAPI()

    @app.post("/in")
    def sign_in() -> Response:
        response = Response()
        start_session(response, tokens, person, secure=False)
        return response

    @app.post("/out")
    def sign_out() -> Response:
        response = Response()
        end_session(response, secure=False)
        return response

    @app.get("/who")
    def who(request: Request) -> dict[str, str | None]:
        found = signed_in(request, tokens)
        return {"person": str(found) if found else None}

    client = TestClient(app)
    assert client.get("/who").json() == {"person": None}
    client.post("/in")
    assert client.get("/who").json() == {"person": str(person)}
    forged = SiteTokens(SecretKeys("x" * 40)).issue(SitePurpose.SESSION, person)
    client.cookies.set(SESSION_COOKIE, forged)
    assert client.get("/who").json() == {"person": None}
    client.post("/in")
    client.post("/out")
    assert client.get("/who").json() == {"person": None}
