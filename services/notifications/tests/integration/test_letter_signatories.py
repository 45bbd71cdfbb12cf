"""Signatories of the open letter, through the real broker and store: the confirmation link goes at
once; once confirmed, an invitation only for those who asked (held to quiet hours like every
invitation), and the address is not kept as a contact either way."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from notifications.bootstrap import create_app
from notifications.settings import Settings
from pymongo.asynchronous.database import AsyncDatabase
from together_contracts import (
    LetterConfirmed,
    LetterConfirmedData,
    LetterSigned,
    LetterSignedData,
)
from together_kit.testing.probe import publish_event
from together_kit.testing.waiting import eventually

from .conftest import Clock, Document, Sink, unique_address

pytestmark = pytest.mark.integration

LATE_EVENING = datetime(2026, 11, 25, 22, 30, tzinfo=UTC)
NEXT_MORNING = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
"""08:00 in London (GMT in November): when quiet hours end."""


async def sign_and_confirm(
    rabbitmq_url: str, sink: Sink, inspector: AsyncDatabase[Document], *, invite: bool
) -> tuple[str, str]:
    address = unique_address("signatory")
    signature_id = uuid.uuid4()
    signed = LetterSigned(
        producer="signups",
        correlation_id="letter",
        data=LetterSignedData(
            signature_id=signature_id, email=address, confirm_url="https://links.example/sign"
        ),
    )
    await publish_event(rabbitmq_url, signed)
    [mail] = await sink.wait_for(address)
    assert "https://links.example/sign" in str(mail.get_body(preferencelist=("plain",)))
    assert await inspector["contacts"].count_documents({"_id": str(signature_id)}) == 1
    confirmed = LetterConfirmed(
        producer="signups",
        correlation_id="letter",
        data=LetterConfirmedData(
            signature_id=signature_id, kind="organisation", nation="england", invite=invite
        ),
    )
    await publish_event(rabbitmq_url, confirmed)

    async def kept() -> int:
        return await inspector["contacts"].count_documents({"_id": str(signature_id)})

    await eventually(kept, until=lambda n: n == 0, what="the signatory's contact forgotten")
    return address, str(confirmed.id)


async def test_a_signatory_who_wanted_no_invitation_gets_none_and_is_not_kept(
    settings_for: Callable[..., Settings],
    smtp_sink: Sink,
    rabbitmq_url: str,
    inspector: AsyncDatabase[Document],
) -> None:
    app = create_app(settings_for())
    async with app.router.lifespan_context(app):
        address, _ = await sign_and_confirm(rabbitmq_url, smtp_sink, inspector, invite=False)

    logged = await inspector["messages"].find({"recipient": address}).to_list()
    assert [m["template"] for m in logged] == ["letter_confirm"]


async def test_an_invitation_is_held_to_quiet_hours_like_every_invitation(
    settings_for: Callable[..., Settings],
    smtp_sink: Sink,
    rabbitmq_url: str,
    inspector: AsyncDatabase[Document],
) -> None:
    app = create_app(settings_for(), clock=Clock(LATE_EVENING))
    async with app.router.lifespan_context(app):
        address, cause = await sign_and_confirm(rabbitmq_url, smtp_sink, inspector, invite=True)

    [invitation] = await inspector["messages"].find({"cause_event_id": cause}).to_list()
    assert invitation["template"] == "letter_invitation"
    assert invitation["kind"] == "invitation"
    assert invitation["status"] == "queued"
    assert invitation["not_before"] == NEXT_MORNING.timestamp(), "stored as epoch seconds"
    assert len(smtp_sink.handler.to(address)) == 1, "only the confirmation link went tonight"
