"""The erasure key every service shares: one unprefixed setting, refused in production unless real;
and the keyed digest it makes of an address."""

import hashlib

import pytest
from pydantic import ValidationError
from together_contracts import email_digest
from together_kit.settings import DEVELOPMENT_ERASURE_KEY, ServiceSettings

pytestmark = pytest.mark.unit

REAL = "r" * 40


def settings(**values: object) -> ServiceSettings:
    values = {"site_key": "s" * 40, **values}
    return ServiceSettings(service_name="svc", port=0, secret_key=REAL, **values)  # type: ignore[arg-type]


def test_production_refuses_the_placeholder_erasure_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ERASURE_KEY", raising=False)
    with pytest.raises(ValidationError, match="set ERASURE_KEY"):
        settings(environment="production")


def test_production_refuses_a_short_erasure_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ERASURE_KEY", "short")
    with pytest.raises(ValidationError, match="set ERASURE_KEY"):
        settings(environment="production")


def test_every_service_reads_the_same_unprefixed_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ERASURE_KEY", REAL)
    built = settings(environment="production")
    assert built.erasure_digest_key == REAL.encode()


def test_development_keeps_the_placeholder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ERASURE_KEY", raising=False)
    assert settings().erasure_digest_key == DEVELOPMENT_ERASURE_KEY.encode()


def test_the_digest_is_an_hmac_of_the_normalised_address_not_a_sha256() -> None:
    key = REAL.encode()
    address = "Ann.Jones@Example.org "
    assert email_digest(address, key=key) == email_digest("ann.jones@example.org", key=key)
    assert email_digest(address, key=key) != hashlib.sha256(b"ann.jones@example.org").hexdigest()
    assert email_digest(address, key=key) != email_digest(address, key=b"another key")
