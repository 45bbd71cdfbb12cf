"""Events from the real broker become emails at a real SMTP server, each exactly once."""

import asyncio
import re
import uuid
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from notifications.bootstrap import create_app
from notifications.entrypoints.dispatcher import Dispatcher
from notifications.settings import Settings
from pymongo.asynchronous.database import AsyncDatabase
from together_contracts import (
    OrganisationJoined,
    OrganisationJoinedData,
    VolunteerChangeRequested,
    VolunteerChangeRequestedData,
    VolunteerConfirmed,
    VolunteerConfirmedData,
    VolunteerContactChanged,
    VolunteerContactChangedData,
    VolunteerProfile,
    VolunteerRegistered,
    VolunteerRegisteredData,
)
from together_kit.testing.probe import event_probe, publish_event
from together_kit.testing.waiting import eventually

from .conftest import ADMIN_KEY, Notifications, Sink, consumed, unique_address

pytestmark = pytest.mark.integration

Document = dict[str, Any]


def registered(address: str, *, language: str = "en") -> VolunteerRegistered:
    return VolunteerRegistered(
        producer="signups",
        correlation_id=f"corr-{uuid.uuid4().hex[:8]}",
        data=VolunteerRegisteredData(
            person_id=uuid.uuid4(),
            name="Bethan Evans",
            email=address,
            language=language,  # type: ignore[arg-type]
            confirm_url=f"https://join.example/confirm/{uuid.uuid4().hex}",
        ),
    )


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    return text.get_content(), html.get_content()


async def status_of(db: AsyncDatabase[Document], address: str, template: str) -> Document:
    async def look() -> Document | None:
        return await db["messages"].find_one({"recipient": address, "template": template})

    found = await eventually(look, what=f"{template} to {address} in the log")
    assert found is not None
    return found


async def final(db: AsyncDatabase[Document], address: str, template: str) -> Document:
    async def look() -> Document | None:
        return await db["messages"].find_one(
            {"recipient": address, "template": template, "status": {"$in": ["sent", "failed"]}}
        )

    found = await eventually(look, what=f"{template} to {address} finished")
    assert found is not None
    return found


async def test_registration_sends_the_confirmation_link_once_for_three_deliveries(
    notifications: Notifications, smtp_sink: Sink, rabbitmq_url: str
) -> None:
    address = unique_address("ann")
    event = registered(address)

    for _ in range(3):
        await publish_event(rabbitmq_url, event)
    [mail] = await smtp_sink.wait_for(address)
    await final(notifications.db, address, "volunteer_confirm")
    await eventually(
        lambda: notifications.consumed("duplicate"),
        until=lambda n: n >= 2,
        what="the two repeated deliveries consumed as duplicates",
    )

    text, html = parts(mail)
    assert event.data.confirm_url in text
    assert f'href="{event.data.confirm_url}"' in html
    assert mail["Subject"] == "Confirm your email address"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["List-Unsubscribe"].startswith("<http://notifications.test/unsubscribe/")
    assert mail["Message-ID"].startswith("<")
    assert len(smtp_sink.handler.to(address)) == 1
    assert await notifications.db["messages"].count_documents({"recipient": address}) == 1


async def test_welsh_registration_is_in_welsh(
    notifications: Notifications, smtp_sink: Sink, rabbitmq_url: str
) -> None:
    address = unique_address("cai")
    await publish_event(rabbitmq_url, registered(address, language="cy"))

    [mail] = await smtp_sink.wait_for(address)
    text, html = parts(mail)
    assert mail["Subject"] == "Cadarnhewch eich cyfeiriad e-bost"
    assert mail["Content-Language"] == "cy"
    assert "Diolch am ymuno" in text
    assert '<html lang="cy">' in html


async def test_451_is_retried_and_sent_once(
    notifications: Notifications, smtp_sink: Sink, rabbitmq_url: str
) -> None:
    address = unique_address("dai")
    smtp_sink.handler.replies[address] = ["451 4.3.0 Try again later"]

    await publish_event(rabbitmq_url, registered(address))
    [_mail] = await smtp_sink.wait_for(address)
    logged = await final(notifications.db, address, "volunteer_confirm")

    assert logged["status"] == "sent"
    assert logged["attempts"] == 2
    assert len(smtp_sink.handler.to(address)) == 1


async def test_451_every_time_fails_with_notification_failed(
    notifications: Notifications, smtp_sink: Sink, rabbitmq_url: str
) -> None:
    address = unique_address("eli")
    smtp_sink.handler.replies[address] = ["451 4.3.0 Try again later"] * 10
    event = registered(address)

    async with event_probe(rabbitmq_url, ["notification.failed"]) as probe:
        await publish_event(rabbitmq_url, event)
        logged = await final(notifications.db, address, "volunteer_confirm")
        failures = await eventually(
            lambda: _mine(probe.events, event),
            until=lambda found: len(found) >= 1,
            what="notification.failed",
        )

    assert logged["status"] == "failed"
    assert logged["attempts"] == 3
    assert "451" in logged["reason"]
    assert failures[0]["data"]["permanent"] is False
    assert failures[0]["causation_id"] == str(event.id)
    assert smtp_sink.handler.to(address) == []


async def _mine(events: list[dict[str, Any]], cause: VolunteerRegistered) -> list[dict[str, Any]]:
    return [e for e in events if e["data"]["cause_event_id"] == str(cause.id)]


async def test_550_suppresses_the_address(
    notifications: Notifications, smtp_sink: Sink, rabbitmq_url: str
) -> None:
    address = unique_address("fflur")
    smtp_sink.handler.refuse[address] = "550 5.1.1 No such mailbox"
    first = registered(address)

    async with event_probe(rabbitmq_url, ["notification.failed"]) as probe:
        await publish_event(rabbitmq_url, first)
        logged = await final(notifications.db, address, "volunteer_confirm")
        [failure] = await eventually(
            lambda: _mine(probe.events, first), until=bool, what="notification.failed"
        )
    assert logged["status"] == "failed"
    assert logged["permanent"]
    assert failure["data"]["permanent"] is True
    assert await notifications.db["suppressions"].count_documents({"reason": "bounced"}) == 1
    assert address not in str(await notifications.db["suppressions"].find_one({}))

    del smtp_sink.handler.refuse[address]
    again = registered(address)
    await publish_event(rabbitmq_url, again)
    later = await eventually(
        lambda: notifications.db["messages"].find_one({"cause_event_id": str(again.id)}),
        what="second message logged",
    )
    assert later is not None
    assert later["status"] == "suppressed"
    assert smtp_sink.handler.to(address) == []


async def test_confirmed_volunteer_is_welcomed_and_organisation_gets_its_link(
    notifications: Notifications, smtp_sink: Sink, rabbitmq_url: str
) -> None:
    address = unique_address("gwen")
    joined = registered(address, language="cy")
    await publish_event(rabbitmq_url, joined)
    await smtp_sink.wait_for(address)
    confirmed = VolunteerConfirmed(
        producer="signups",
        correlation_id="c-1",
        data=VolunteerConfirmedData(
            person_id=joined.data.person_id,
            profile=VolunteerProfile(outward_code="CF10", travel_radius_km=5, language="cy"),
        ),
    )
    await publish_event(rabbitmq_url, confirmed)
    mails = await smtp_sink.wait_for(address, 2)
    assert mails[1]["Subject"] == "Croeso i together"

    contact = unique_address("sam")
    organisation = OrganisationJoined(
        producer="signups",
        correlation_id="c-2",
        data=OrganisationJoinedData(
            organisation_id=uuid.uuid4(),
            name="Riverside Kitchen",
            organisation_type="community-group",  # type: ignore[arg-type]
            contact_name="Sam Patel",
            contact_email=contact,
            outward_code="M1",
            confirm_url="https://join.example/confirm/org-token",
        ),
    )
    await publish_event(rabbitmq_url, organisation)
    [mail] = await smtp_sink.wait_for(contact)
    text, html = parts(mail)
    assert mail["Subject"] == "Please confirm your email to publish your organisation's pledge"
    assert "https://join.example/confirm/org-token" in text
    assert 'href="https://join.example/confirm/org-token"' in html


async def test_one_click_unsubscribe_tells_and_suppresses(
    notifications: Notifications, smtp_sink: Sink, rabbitmq_url: str
) -> None:
    address = unique_address("huw")
    joined = registered(address)
    await publish_event(rabbitmq_url, joined)
    [mail] = await smtp_sink.wait_for(address)
    link = mail["List-Unsubscribe"].strip("<>")
    path = link.removeprefix("http://notifications.test")

    transport = httpx.ASGITransport(app=notifications.app)
    async with (
        event_probe(rabbitmq_url, ["volunteer.unsubscribed"]) as probe,
        httpx.AsyncClient(transport=transport, base_url="http://notifications.test") as client,
    ):
        page = await client.get(path)
        assert page.status_code == 200
        assert '<form method="post">' in page.text
        for _ in range(2):
            done = await client.post(path, content=b"List-Unsubscribe=One-Click")
            assert done.status_code == 200
        told = await eventually(
            lambda: _about(probe.events, joined), until=bool, what="volunteer.unsubscribed"
        )
        assert (await client.post(path + "x")).status_code == 404

    assert told[0]["data"]["source"] == "notifications"
    assert sorted(told[0]["data"]["withdrawn"]) == ["matched-events", "news"]
    assert len(told) == 1
    contact = await notifications.db["contacts"].find_one({"_id": str(joined.data.person_id)})
    assert contact is not None
    assert sorted(contact["withdrawn"]) == ["matched-events", "news"]

    welcome = VolunteerConfirmed(
        producer="signups",
        correlation_id="c-3",
        data=VolunteerConfirmedData(
            person_id=joined.data.person_id,
            profile=VolunteerProfile(outward_code="CF10", travel_radius_km=5),
        ),
    )
    await publish_event(rabbitmq_url, welcome)
    logged = await eventually(
        lambda: notifications.db["messages"].find_one({"cause_event_id": str(welcome.id)}),
        what="welcome logged",
    )
    assert logged is not None
    assert logged["status"] == "suppressed"


async def _about(events: list[dict[str, Any]], joined: VolunteerRegistered) -> list[dict[str, Any]]:
    return [e for e in events if e["data"]["person_id"] == str(joined.data.person_id)]


async def test_delivery_log_api_needs_the_admin_key(
    notifications: Notifications, smtp_sink: Sink, rabbitmq_url: str
) -> None:
    address = unique_address("iolo")
    await publish_event(rabbitmq_url, registered(address))
    await smtp_sink.wait_for(address)
    await final(notifications.db, address, "volunteer_confirm")

    transport = httpx.ASGITransport(app=notifications.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        refused = await client.get("/api/v1/messages", params={"recipient": address})
        answer = await client.get(
            "/api/v1/messages",
            params={"recipient": f"  {address.upper()} "},
            headers={"X-API-Key": ADMIN_KEY},
        )
        page = await client.get(
            "/support/messages", params={"recipient": address}, auth=("support", ADMIN_KEY)
        )
        no_page = await client.get("/support/messages", params={"recipient": address})

    assert refused.status_code == 401
    assert answer.status_code == 200
    [logged] = answer.json()
    assert logged["template"] == "volunteer_confirm"
    assert logged["status"] == "sent"
    assert logged["recipient"] == address
    assert page.status_code == 200
    assert "volunteer_confirm" in page.text
    assert re.search(r"<td>\w+ \d{1,2} \w+ \d{4}, \d\d:\d\d (GMT|BST)</td>", page.text), "UK time"
    assert "+00:00" not in page.text
    assert no_page.status_code == 401


async def test_crash_between_claim_and_hand_over_sends_once_after_restart(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    smtp_sink: Sink,
    rabbitmq_url: str,
) -> None:
    """The first app claims the email and dies before handing it to SMTP (as in a SIGKILL while
    rendering); after a restart the message is queued again and sent exactly once."""
    from notifications.bootstrap import build_channels

    settings = settings_for(claim_stale_seconds=0.0)
    real = build_channels(settings)

    class DieBeforeHandOver:
        name = "email"

        async def send(self, message: Any, *, handing_over: Any, committing: Any) -> None:
            raise asyncio.CancelledError  # the dispatcher dies before its point of no return

        async def close(self) -> None:
            await real["email"].close()

    address = unique_address("ffion")
    event = registered(address)
    first = create_app(
        settings, channels={"email": DieBeforeHandOver(), "webhook": real["webhook"]}
    )
    async with first.router.lifespan_context(first):
        await publish_event(rabbitmq_url, event)
        await eventually(
            lambda: status_of(inspector, address, "volunteer_confirm"),
            until=lambda logged: logged["status"] == "sending",
            what="the message claimed by the dying dispatcher",
        )

    second = create_app(settings)
    async with second.router.lifespan_context(second):
        await smtp_sink.wait_for(address)
        logged = await final(inspector, address, "volunteer_confirm")

    assert logged["status"] == "sent"
    assert logged["attempts"] == 2
    assert len(smtp_sink.handler.to(address)) == 1


async def test_a_process_dying_between_the_claimed_insert_and_the_hand_over_sends_once(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    smtp_sink: Sink,
    rabbitmq_url: str,
) -> None:
    """A confirmation is recorded already claimed (`sending`, its first attempt) by the process
    that sends it; this one dies right after the insert, before its sender starts. After a
    restart the reconciler queues it again, and a redelivery of the event (never acknowledged, as
    after a real crash) sends nothing more: it is sent exactly once."""
    settings = settings_for(claim_stale_seconds=0.0, send_from_consumer=True)
    address = unique_address("gwil")
    event = registered(address)
    first = create_app(settings)
    sender = first.state.context.sender
    assert isinstance(sender, Dispatcher)
    sender.send = lambda message: None  # type: ignore[method-assign]  # died after the insert
    async with first.router.lifespan_context(first):
        await publish_event(rabbitmq_url, event)
        claimed = await status_of(inspector, address, "volunteer_confirm")
    assert (claimed["status"], claimed["attempts"], claimed["handed_over_at"]) == ("sending", 1, 0)

    second = create_app(settings)
    async with second.router.lifespan_context(second):
        await publish_event(rabbitmq_url, event)
        await smtp_sink.wait_for(address)
        logged = await final(inspector, address, "volunteer_confirm")
        await eventually(
            lambda: _value(consumed(second, "processed") + consumed(second, "duplicate")),
            until=lambda n: n >= 1,
            what="the redelivered event consumed",
        )

    assert (logged["status"], logged["attempts"]) == ("sent", 2)
    assert len(smtp_sink.handler.to(address)) == 1
    assert await inspector["messages"].count_documents({"cause_event_id": str(event.id)}) == 1


class DiesAt:
    """The real email channel, in a dispatcher that dies (as in a SIGKILL) at `moment`: after
    recording the hand-over, or after the final dot."""

    name = "email"

    def __init__(self, real: Any, moment: str) -> None:
        self.real, self.moment = real, moment

    async def send(self, message: Any, *, handing_over: Any, committing: Any) -> None:
        if self.moment == "before the dot":
            await handing_over()
            raise asyncio.CancelledError
        await self.real.send(message, handing_over=handing_over, committing=committing)
        raise asyncio.CancelledError

    async def close(self) -> None:
        await self.real.close()


@pytest.mark.parametrize(
    ("moment", "status", "attempts", "reason"),
    [
        ("before the dot", "sent", 2, ""),
        ("after the dot", "sent", 1, "sent just before a crash; the server's reply was not seen"),
    ],
)
async def test_a_dispatcher_killed_at_its_point_of_no_return_settles_it_on_restart(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    smtp_sink: Sink,
    rabbitmq_url: str,
    tmp_path: Path,
    moment: str,
    status: str,
    attempts: int,
    reason: str,
) -> None:
    """The hand-over is in the delivery log either way; the restarted dispatcher's journal tells
    whether the dot went: then the message is sent (with `notification.sent`), else it is queued
    again and sent once."""
    from notifications.bootstrap import build_channels

    settings = settings_for(handover_journal_path=tmp_path / "journal", sending_stale_seconds=0.0)
    real = build_channels(settings)
    address = unique_address(moment.replace(" ", "-"))
    event = registered(address)
    first = create_app(
        settings, channels={"email": DiesAt(real["email"], moment), **_webhook(real)}
    )
    async with first.router.lifespan_context(first):
        await publish_event(rabbitmq_url, event)
        await eventually(
            lambda: status_of(inspector, address, "volunteer_confirm"),
            until=lambda logged: logged["status"] == "sending" and logged["handed_over_at"] > 0,
            what="the message handed over by the dying dispatcher",
        )

    async with event_probe(rabbitmq_url, ["notification.sent"]) as probe:
        second = create_app(settings)
        async with second.router.lifespan_context(second):
            await smtp_sink.wait_for(address)
            logged = await final(inspector, address, "volunteer_confirm")
            await probe.wait_for(1)
            told = [e for e in probe.events if e["data"]["message_id"] == logged["_id"]]
    assert len(told) == 1

    assert (logged["status"], logged["attempts"], logged["reason"]) == (status, attempts, reason)
    assert len(smtp_sink.handler.to(address)) == 1


async def test_a_message_whose_dispatcher_never_returns_is_marked_unknown_and_never_resent(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    smtp_sink: Sink,
    rabbitmq_url: str,
) -> None:
    """Its journal is gone with it (each app here has its own, in memory): the reconciler cannot
    know whether the dot went, so the message ends `unknown` and a redelivered event sends
    nothing again."""
    from notifications.bootstrap import build_channels

    settings = settings_for(sending_stale_seconds=0.0)
    real = build_channels(settings)
    address = unique_address("jac")
    event = registered(address)
    first = create_app(
        settings, channels={"email": DiesAt(real["email"], "after the dot"), **_webhook(real)}
    )
    async with first.router.lifespan_context(first):
        await publish_event(rabbitmq_url, event)
        await smtp_sink.wait_for(address)
        logged = await status_of(inspector, address, "volunteer_confirm")
        assert logged["status"] == "sending"

    second = create_app(settings)
    async with second.router.lifespan_context(second):
        await publish_event(rabbitmq_url, event)
        await eventually(
            lambda: _value(consumed(second, "processed") + consumed(second, "duplicate")),
            until=lambda n: n >= 1,
            what="the redelivered event consumed",
        )
        logged = await status_of(inspector, address, "volunteer_confirm")

    assert logged["status"] == "unknown"
    assert len(smtp_sink.handler.to(address)) == 1


async def _value(value: int) -> int:
    return value


def _webhook(channels: dict[str, Any]) -> dict[str, Any]:
    return {"webhook": channels["webhook"]}


async def test_an_outcome_recorded_late_overrules_the_reconcilers_unknown(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    smtp_sink: Sink,
    rabbitmq_url: str,
) -> None:
    """A live dispatcher whose outcome waited out a store outage longer than the stale limit
    finds its message marked `unknown` by the reconciler; what it knows (sent) is recorded."""
    from notifications.bootstrap import build_channels

    settings = settings_for(sending_stale_seconds=0.0, reconcile_interval_seconds=0.2)
    real = build_channels(settings)
    address = unique_address("late")

    class SendThenWaitOutTheReconciler:
        name = "email"

        async def send(self, message: Any, *, handing_over: Any, committing: Any) -> None:
            await real["email"].send(message, handing_over=handing_over, committing=committing)
            marked = await status_of(inspector, address, "volunteer_confirm")
            await eventually(
                lambda: inspector["messages"].find_one({"_id": marked["_id"]}),
                until=lambda found: found is not None and found["status"] == "unknown",
                what="the reconciler's unknown",
            )

        async def close(self) -> None:
            await real["email"].close()

    app = create_app(
        settings, channels={"email": SendThenWaitOutTheReconciler(), "webhook": real["webhook"]}
    )
    async with app.router.lifespan_context(app):
        await publish_event(rabbitmq_url, registered(address))
        await smtp_sink.wait_for(address)
        logged = await eventually(
            lambda: status_of(inspector, address, "volunteer_confirm"),
            until=lambda found: found["status"] == "sent",
            what="the dispatcher's own outcome",
        )

    assert logged["attempts"] == 1
    assert len(smtp_sink.handler.to(address)) == 1


async def test_emails_to_unconfirmed_addresses_carry_nothing_the_joiner_wrote(
    notifications: Notifications, smtp_sink: Sink, rabbitmq_url: str
) -> None:
    """Whoever joins may not own the address: no name or organisation name they chose reaches it,
    in the subject, the To header or either body (issue 16, point 4)."""
    chosen = "Visit evil.example now"
    volunteer = unique_address("ffion")
    joined = registered(volunteer)
    joined = joined.model_copy(update={"data": joined.data.model_copy(update={"name": chosen})})
    contact = unique_address("gethin")
    organisation = OrganisationJoined(
        producer="signups",
        correlation_id="c-3",
        data=OrganisationJoinedData(
            organisation_id=uuid.uuid4(),
            name=f"{chosen} Ltd",
            organisation_type="business",  # type: ignore[arg-type]
            contact_name=chosen,
            contact_email=contact,
            outward_code="M1",
            confirm_url="https://join.example/confirm/org-token",
        ),
    )
    person_id = uuid.uuid4()
    change = VolunteerChangeRequested(
        producer="signups",
        correlation_id="c-4",
        data=VolunteerChangeRequestedData(
            person_id=person_id,
            email=unique_address("heledd"),
            language="cy",
            confirm_url="https://join.example/confirm/change-token",
        ),
    )

    for event in (joined, organisation, change):
        await publish_event(rabbitmq_url, event)
    mails = [*(await smtp_sink.wait_for(volunteer)), *(await smtp_sink.wait_for(contact))]
    for mail in mails:
        text, html = parts(mail)
        for part in (mail["Subject"], mail["To"], text, html):
            assert "evil.example" not in part, mail["Subject"]

    [changed] = await smtp_sink.wait_for(str(change.data.email))
    text, html = parts(changed)
    assert "evil.example" not in str(changed)
    assert changed["Subject"] == "Cadarnhewch y newidiadau i'ch manylion"
    assert "https://join.example/confirm/change-token" in text
    assert 'href="https://join.example/confirm/change-token"' in html


async def test_a_confirmed_change_of_name_is_the_name_written_to_from_then_on(
    notifications: Notifications, smtp_sink: Sink, rabbitmq_url: str
) -> None:
    """The name from `volunteer.registered` was given before anyone proved the address; the one
    the address's owner confirmed replaces it (and the welcome uses it)."""
    address = unique_address("iolo")
    joined = registered(address)
    await publish_event(rabbitmq_url, joined)
    await smtp_sink.wait_for(address)
    person_id = joined.data.person_id

    for event in (
        VolunteerContactChanged(
            producer="signups",
            correlation_id="c-5",
            data=VolunteerContactChangedData(
                person_id=person_id, name="Iolo Morgan", language="en"
            ),
        ),
        VolunteerConfirmed(
            producer="signups",
            correlation_id="c-5",
            data=VolunteerConfirmedData(
                person_id=person_id,
                profile=VolunteerProfile(outward_code="CF10", travel_radius_km=5, language="en"),
            ),
        ),
    ):
        await publish_event(rabbitmq_url, event)
    welcome = (await smtp_sink.wait_for(address, 2))[-1]

    text, html = parts(welcome)
    assert "Iolo Morgan" in text
    assert "Bethan Evans" not in text + html + str(welcome["To"])
    contact = await notifications.db["contacts"].find_one({"_id": str(person_id)})
    assert contact is not None
    assert contact["name"] == "Iolo Morgan"
