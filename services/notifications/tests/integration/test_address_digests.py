"""Address digests are keyed by a key derived for them, never by the raw secret; what was stored
under the raw secret (before keys were derived) or under a previous secret is still found, so no
suppressed address is mailed and no message is recorded twice after the upgrade or a rotation."""

import hashlib
import hmac
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from notifications.bootstrap import create_app
from notifications.domain.messages import MessageRequest, Recipient, message_key
from notifications.handlers import delivery
from notifications.settings import Settings
from pymongo.asynchronous.database import AsyncDatabase
from together_kit.keys import SecretKeys
from together_kit.testing.probe import publish_event

from .conftest import Document, Sink, unique_address
from .test_email_delivery import final, registered, status_of

pytestmark = pytest.mark.integration

NEW, OLD = "n" * 40, "o" * 40
ADDRESS_DIGESTS = "together.notifications.address-digests"


def raw_digest(address: str, secret: str) -> str:
    """As every digest was keyed before keys were derived: by the secret itself."""
    return hmac.new(secret.encode(), address.lower().encode(), hashlib.sha256).hexdigest()


def derived_digest(address: str, secret: str) -> str:
    key = SecretKeys(secret).derive(ADDRESS_DIGESTS)
    return hmac.new(key, address.lower().encode(), hashlib.sha256).hexdigest()


@asynccontextmanager
async def running(
    settings_for: Callable[..., Settings], **overrides: object
) -> AsyncIterator[FastAPI]:
    app = create_app(settings_for(**overrides))
    async with app.router.lifespan_context(app):
        yield app


async def bounced(db: AsyncDatabase[Document], digest: str) -> None:
    """A suppression as an earlier version wrote it."""
    at = datetime(2026, 1, 5, tzinfo=UTC).timestamp()
    document = {"_id": digest, "reason": "bounced", "at": at, "person_id": None, "detail": "550"}
    await db["suppressions"].insert_one(document)


@pytest.mark.parametrize(
    ("previous", "stored_under"),
    [
        ("", lambda address: raw_digest(address, NEW)),
        (OLD, lambda address: raw_digest(address, OLD)),
        (OLD, lambda address: derived_digest(address, OLD)),
    ],
    ids=["raw-secret", "rotated-raw-secret", "rotated-derived-key"],
)
async def test_a_suppression_stored_under_an_older_key_still_suppresses(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    smtp_sink: Sink,
    rabbitmq_url: str,
    previous: str,
    stored_under: Callable[[str], str],
) -> None:
    address = unique_address("Older")
    await bounced(inspector, stored_under(address))

    async with running(settings_for, secret_key=NEW, previous_secret_keys=previous):
        await publish_event(rabbitmq_url, registered(address))
        logged = await status_of(inspector, address, "volunteer_confirm")

    assert logged["status"] == "suppressed"
    assert logged["reason"] == "address suppressed: bounced"
    assert logged["recipient_hash"] == derived_digest(address, NEW)
    assert smtp_sink.handler.to(address) == []


async def test_new_digests_are_keyed_by_the_derived_key_not_the_raw_secret(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    smtp_sink: Sink,
    rabbitmq_url: str,
) -> None:
    address = unique_address("Newkey")
    smtp_sink.handler.refuse[address] = "550 5.1.1 No such mailbox"

    async with running(settings_for, secret_key=NEW):
        await publish_event(rabbitmq_url, registered(address))
        logged = await final(inspector, address, "volunteer_confirm")

    suppressed = await inspector["suppressions"].find_one({"_id": derived_digest(address, NEW)})
    assert suppressed is not None
    assert suppressed["reason"] == "bounced"
    assert derived_digest(address, NEW) != raw_digest(address, NEW)
    assert await inspector["suppressions"].find_one({"_id": raw_digest(address, NEW)}) is None
    assert logged["recipient_hash"] == derived_digest(address, NEW)


async def test_a_message_recorded_under_the_raw_secret_digest_is_not_recorded_again(
    settings_for: Callable[..., Settings], inspector: AsyncDatabase[Document], smtp_sink: Sink
) -> None:
    """An event that an earlier version recorded a message for (keyed by the raw secret, since
    rotated), delivered again after the upgrade (its inbox record was lost with a crash), finds
    that message: it is not sent twice."""
    address = unique_address("Twice")
    cause = str(uuid.uuid4())
    template = "volunteer_confirm"
    earlier = message_key(
        cause_event_id=cause, recipient_hash=raw_digest(address, OLD), template=template
    )
    now = datetime.now(UTC)
    await inspector["messages"].insert_one(
        {
            "_id": earlier,
            "cause_event_id": cause,
            "template": template,
            "status": "sent",
            "queued_at": now.timestamp(),
            "retained_from": now,
        }
    )
    wanted = MessageRequest(
        cause_event_id=cause,
        template=template,
        recipient=Recipient(address),
        context={"confirm_url": "https://join.example/confirm/x"},
    )

    async with running(settings_for, secret_key=NEW, previous_secret_keys=OLD) as app:
        key = await delivery.request(wanted, app.state.context)

    assert key == earlier
    assert await inspector["messages"].count_documents({"cause_event_id": cause}) == 1
    assert smtp_sink.handler.to(address) == []


async def test_after_a_rotation_the_insert_itself_refuses_a_message_recorded_before(
    settings_for: Callable[..., Settings], inspector: AsyncDatabase[Document], smtp_sink: Sink
) -> None:
    """Recorded under the old secret's key (by this version, so with `once`), and once more
    before this version (with its address, but neither digest nor `once`, which start-up fills
    in): after the rotation neither is looked up by its older key, and neither is recorded twice.
    """
    first, legacy = unique_address("Rotated"), unique_address("Legacy")
    requests = {
        address: MessageRequest(
            cause_event_id=str(uuid.uuid4()),
            template="volunteer_confirm",
            recipient=Recipient(address),
            context={"confirm_url": "https://join.example/confirm/x"},
        )
        for address in (first, legacy)
    }
    async with running(settings_for, secret_key=OLD) as app:
        earlier = await delivery.request(requests[first], app.state.context)
        await smtp_sink.wait_for(first)
    legacy_key = message_key(
        cause_event_id=requests[legacy].cause_event_id,
        recipient_hash=derived_digest(legacy, OLD),
        template="volunteer_confirm",
    )
    now = datetime.now(UTC)
    await inspector["messages"].insert_one(
        {
            "_id": legacy_key,
            "cause_event_id": requests[legacy].cause_event_id,
            "template": "volunteer_confirm",
            "recipient": legacy,
            "recipient_hash": derived_digest(legacy, OLD),
            "status": "sent",
            "queued_at": now.timestamp(),
            "retained_from": now,
        }
    )

    async with running(settings_for, secret_key=NEW, previous_secret_keys=OLD) as app:
        keys = [await delivery.request(requests[a], app.state.context) for a in (first, legacy)]

    assert keys == [earlier, legacy_key]
    for address in (first, legacy):
        cause = requests[address].cause_event_id
        assert await inspector["messages"].count_documents({"cause_event_id": cause}) == 1
    assert len(smtp_sink.handler.to(first)) == 1
    assert smtp_sink.handler.to(legacy) == []
