"""Matching's links: HMAC-SHA256 with the key derived for them; links signed with a previous
secret, or in the old form until they expire (organiser links live a year), still read."""

import asyncio
import hashlib
from collections.abc import Iterator
from uuid import uuid4

import pytest
from fastapi import FastAPI
from itsdangerous import URLSafeTimedSerializer
from matching.adapters.tokens import Tokens
from matching.bootstrap import create_app
from matching.domain.links import ORGANISER_MAX_AGE_SECONDS, Purpose
from matching.settings import Settings
from together_kit.keys import SecretKeys
from together_kit.signing import TokenInvalidError

pytestmark = pytest.mark.unit

OLD, NEW = "o" * 40, "n" * 40
SALT = "together.matching.links"


def app_with(**settings: object) -> Iterator[FastAPI]:
    app = create_app(Settings(secret_key=NEW, previous_secret_keys=OLD, **settings))
    yield app
    asyncio.run(app.state.runtime.client.close())


@pytest.fixture
def tokens() -> Iterator[Tokens]:
    for app in app_with():
        yield app.state.context.tokens


@pytest.fixture
def strict_tokens() -> Iterator[Tokens]:
    for app in app_with(legacy_links=False):
        yield app.state.context.tokens


def test_links_are_signed_with_sha256_and_the_current_derived_key(tokens: Tokens) -> None:
    token = tokens.issue(Purpose.RESPOND, uuid4())
    derived = URLSafeTimedSerializer(
        SecretKeys(NEW).derive(SALT), salt=SALT, signer_kwargs={"digest_method": hashlib.sha256}
    )
    assert derived.loads(token)[0] == "respond"


def test_links_from_a_previous_secret_and_in_the_old_form_still_read(tokens: Tokens) -> None:
    event = uuid4()
    previous = Tokens(OLD).issue(Purpose.ORGANISER, event)
    old_form = URLSafeTimedSerializer(OLD, salt=SALT).dumps(["organiser", str(event)])
    for token in (previous, old_form):
        assert tokens.subject(token, Purpose.ORGANISER, max_age=ORGANISER_MAX_AGE_SECONDS) == event


def test_old_form_links_are_refused_once_legacy_links_are_off(strict_tokens: Tokens) -> None:
    old_form = URLSafeTimedSerializer(NEW, salt=SALT).dumps(["organiser", str(uuid4())])
    with pytest.raises(TokenInvalidError):
        strict_tokens.read(old_form, max_age=60)
