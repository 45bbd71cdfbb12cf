"""The weekly digest, chosen on the preferences page: invitations held, then gathered into one
email on Monday at 08:00 London by the periodic job (test clock, real broker, store and SMTP)."""

import uuid
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from notifications.bootstrap import create_app
from notifications.domain.policy import LONDON
from notifications.handlers import digest, sending
from notifications.settings import Settings
from pymongo.asynchronous.database import AsyncDatabase
from together_kit.testing.probe import publish_event
from together_kit.testing.waiting import eventually

from .conftest import Clock, Sink, bodies, join
from .test_invitations import proposal

pytestmark = pytest.mark.integration
Document = dict[str, Any]


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


async def choose(
    app: FastAPI, confirmation: EmailMessage, choice: str, *, language: str = "en"
) -> httpx.Response:
    """Follow the unsubscribe link to the preferences form and submit `choice`."""
    path = confirmation["List-Unsubscribe"].strip("<>").removeprefix("http://notifications.test")
    transport = httpx.ASGITransport(app=app)
    headers = {"Accept-Language": language}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://notifications.test", headers=headers
    ) as web:
        page = await web.get(path)
        assert page.status_code == 200
        action = path.replace("/unsubscribe/", "/preferences/")
        assert f'action="{action}"' in page.text
        return await web.post(action, data={"invitations": choice})


async def invitations(
    db: AsyncDatabase[Document], person_id: uuid.UUID, **query: Any
) -> list[Document]:
    found = db["messages"].find(
        {"person_id": str(person_id), "template": "match_invitation", **query}
    )
    return [d async for d in found]


async def wait_invitations(
    db: AsyncDatabase[Document], person_id: uuid.UUID, count: int, **query: Any
) -> list[Document]:
    return await eventually(
        lambda: invitations(db, person_id, **query),
        until=lambda found: len(found) == count,
        what=f"{count} invitations {query}",
    )


@pytest.mark.parametrize(
    ("language", "subject", "saved"),
    [
        ("en", "Your invitations this week (2)", "Your choice is saved"),
        ("cy", "Eich gwahoddiadau yr wythnos hon (2)", "Mae eich dewis wedi'i gadw"),
    ],
)
async def test_a_weekly_digest_gathers_invitations_into_one_email_on_monday_morning(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    smtp_sink: Sink,
    rabbitmq_url: str,
    language: str,
    subject: str,
    saved: str,
) -> None:
    clock = Clock(london(2026, 11, 25, 12, 0))  # a Wednesday
    app = create_app(settings_for(digest_check_seconds=0.1), clock=clock)
    async with app.router.lifespan_context(app):
        ctx = app.state.context
        person_id, address, confirmation = await join(rabbitmq_url, smtp_sink, language=language)
        chosen = await choose(app, confirmation, "weekly", language=language)
        assert chosen.status_code == 200
        assert saved in chosen.text
        contact = await inspector["contacts"].find_one({"_id": str(person_id)})
        assert contact is not None
        assert contact["digest"] is True

        proposed = [proposal(person_id, f"Digest match {n}") for n in range(2)]
        for invitation in proposed:
            await publish_event(rabbitmq_url, invitation)
        await wait_invitations(inspector, person_id, 2, status="digest")
        assert await sending.dispatch_due(ctx) == 0

        clock.now = london(2026, 11, 30, 7, 59)
        assert await digest.send_digests(ctx) == 0
        late = proposal(person_id, "Digest match next week")
        clock.now = london(2026, 11, 30, 8, 0)  # the periodic job's moment
        mails = await smtp_sink.wait_for(address, 2)
        clock.now = london(2026, 11, 30, 9, 0)
        await publish_event(rabbitmq_url, late)
        await wait_invitations(inspector, person_id, 1, status="digest")

        gathered = await wait_invitations(inspector, person_id, 2, status="sent-in-digest")
        sent = await inspector["messages"].find_one({"template": "invitation_digest"})
        assert sent is not None
        assert {d["digest_key"] for d in gathered} == {sent["_id"]}
        assert sorted(sent["gathers"]) == sorted(d["_id"] for d in gathered)
        assert await digest.send_digests(ctx) == 0
        assert await sending.dispatch_due(ctx) == 0

    assert len(smtp_sink.handler.to(address)) == 2
    mail = mails[1]
    assert mail["Subject"] == subject
    assert mail["Content-Language"] == language
    text, html = bodies(mail)
    for n in range(2):
        assert f"Digest match {n}" in text
        assert f"Digest match {n}" in html
    assert "https://m.example/a" in text
    assert 'href="https://m.example/d"' in html
    assert "next week" not in text


async def test_giving_up_the_digest_sends_what_it_held_one_by_one(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    smtp_sink: Sink,
    rabbitmq_url: str,
) -> None:
    clock = Clock(london(2026, 11, 25, 12, 0))
    app = create_app(settings_for(), clock=clock)
    async with app.router.lifespan_context(app):
        person_id, address, confirmation = await join(rabbitmq_url, smtp_sink)
        assert (await choose(app, confirmation, "weekly")).status_code == 200
        await publish_event(rabbitmq_url, proposal(person_id, "Held back"))
        await wait_invitations(inspector, person_id, 1, status="digest")

        chosen = await choose(app, confirmation, "each")
        assert "comes in an email of its own" in chosen.text
        mails = await smtp_sink.wait_for(address, 2)
        await wait_invitations(inspector, person_id, 1, status="sent")
    assert "Held back" in mails[1]["Subject"]


async def test_the_preferences_form_needs_a_link_of_ours(
    notifications: Any, smtp_sink: Sink, rabbitmq_url: str
) -> None:
    transport = httpx.ASGITransport(app=notifications.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://notifications.test") as web:
        refused = await web.post("/preferences/not-a-token", data={"invitations": "weekly"})
    assert refused.status_code == 404
