"""Unsubscribe links: HMAC-SHA256 with the key derived for them; links from a previous secret,
and links in the old form (never expiring) while legacy links are on, still unsubscribe."""

import asyncio
import hashlib
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from itsdangerous import URLSafeSerializer
from notifications.adapters.tokens import SALT, UnsubscribeLinks
from notifications.bootstrap import create_app
from notifications.settings import Settings
from together_kit.keys import SecretKeys

pytestmark = pytest.mark.unit

OLD, NEW = "o" * 40, "n" * 40


def app_with(**settings: object) -> Iterator[FastAPI]:
    app = create_app(Settings(secret_key=NEW, previous_secret_keys=OLD, **settings), channels={})
    yield app
    asyncio.run(app.state.runtime.client.close())


@pytest.fixture
def links() -> Iterator[UnsubscribeLinks]:
    for app in app_with():
        yield app.state.context.links


@pytest.fixture
def strict_links() -> Iterator[UnsubscribeLinks]:
    for app in app_with(legacy_links=False):
        yield app.state.context.links


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_links_are_signed_with_sha256_and_the_current_derived_key(
    links: UnsubscribeLinks,
) -> None:
    token = token_of(links.url(recipient_hash="h", person_id=None))
    derived = URLSafeSerializer(
        SecretKeys(NEW).derive(SALT), salt=SALT, signer_kwargs={"digest_method": hashlib.sha256}
    )
    assert derived.loads(token) == ["h", ""]


def test_links_from_a_previous_secret_and_in_the_old_form_still_read(
    links: UnsubscribeLinks,
) -> None:
    previous = UnsubscribeLinks(keys=OLD, base_url="https://n.example")
    from_previous = token_of(previous.url(recipient_hash="h1", person_id="p1"))
    old_form = URLSafeSerializer(OLD, salt=SALT).dumps(["h2", ""])
    assert links.read(from_previous) is not None
    claims = links.read(old_form)
    assert claims is not None
    assert claims.recipient_hash == "h2"


def test_old_form_links_are_refused_once_legacy_links_are_off(
    strict_links: UnsubscribeLinks,
) -> None:
    assert strict_links.read(URLSafeSerializer(NEW, salt=SALT).dumps(["h", ""])) is None
