"""Signups' keys: production refuses a short admin key; links are signed with the key derived
from the current secret and still read when signed with a previous one or in the old form."""

import asyncio
import hashlib
from collections.abc import Iterator
from uuid import uuid4

import pytest
from fastapi import FastAPI
from itsdangerous import URLSafeTimedSerializer
from pydantic import ValidationError
from signups.adapters.tokens import Tokens
from signups.bootstrap import create_app
from signups.domain.links import Purpose
from signups.settings import Settings
from together_kit.keys import SecretKeys
from together_kit.signing import TokenInvalidError

pytestmark = pytest.mark.unit

OLD, NEW = "o" * 40, "n" * 40
SALT = "together.signups.links"


def test_production_refuses_an_admin_key_under_32_characters() -> None:
    with pytest.raises(ValidationError, match="SIGNUPS_ADMIN_API_KEY"):
        Settings(
            environment="production",
            secret_key=NEW,
            erasure_key=NEW,
            site_key=NEW,
            admin_api_key="k" * 16,
        )
    accepted = Settings(
        environment="production",
        secret_key=NEW,
        erasure_key=NEW,
        site_key=NEW,
        admin_api_key="k" * 32,
        staff_pass_secret=NEW,
    )
    assert accepted.admin_api_key is not None


@pytest.mark.parametrize("secret", [None, "s" * 31])
def test_production_refuses_the_development_staff_pass_secret_or_a_short_one(
    secret: str | None,
) -> None:
    given = {} if secret is None else {"staff_pass_secret": secret}
    with pytest.raises(ValidationError, match="SIGNUPS_STAFF_PASS_SECRET"):
        Settings(environment="production", secret_key=NEW, erasure_key=NEW, site_key=NEW, **given)


def app_with(**settings: object) -> Iterator[FastAPI]:
    app = create_app(Settings(secret_key=NEW, previous_secret_keys=OLD, **settings))
    yield app
    asyncio.run(app.state.runtime.client.close())


@pytest.fixture
def app() -> Iterator[FastAPI]:
    yield from app_with()


@pytest.fixture
def strict_app() -> Iterator[FastAPI]:
    yield from app_with(legacy_links=False)


def test_links_are_signed_with_sha256_and_the_current_derived_key(app: FastAPI) -> None:
    token = app.state.context.tokens.issue(Purpose.CONFIRM_PERSON, uuid4(), "n")
    derived = URLSafeTimedSerializer(
        SecretKeys(NEW).derive(SALT), salt=SALT, signer_kwargs={"digest_method": hashlib.sha256}
    )
    assert derived.loads(token)[0] == "confirm-person"


def test_links_from_a_previous_secret_and_in_the_old_form_still_read(app: FastAPI) -> None:
    person = uuid4()
    previous = Tokens(OLD).issue(Purpose.CONFIRM_PERSON, person, "n")
    old_form = URLSafeTimedSerializer(OLD, salt=SALT).dumps(["erase", str(person), "n"])
    tokens = app.state.context.tokens
    assert tokens.read(previous, max_age=60).subject == person
    assert tokens.read(old_form, max_age=60).purpose == Purpose.ERASE


def test_old_form_links_are_refused_once_legacy_links_are_off(strict_app: FastAPI) -> None:
    old_form = URLSafeTimedSerializer(NEW, salt=SALT).dumps(["erase", str(uuid4()), "n"])
    with pytest.raises(TokenInvalidError):
        strict_app.state.context.tokens.read(old_form, max_age=60)
