"""Pledges with progress in-process against the real broker and store: a pledge names the
districts it serves (in `pledge.made`); once approved it is told as `pledge.published` with its
signed progress link and has a page of its own; an update posted through the link (inline
errors first) is told as `pledge.update_submitted` and shown on the page, and counted on
/pledges as progress this year, only once approved; the link is sent again only to the
contact's address."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from pymongo.asynchronous.database import AsyncDatabase
from signups.bootstrap import create_app
from signups.settings import Settings
from together_contracts import (
    PledgeApproved,
    PledgeOutcomeData,
    PledgeUpdateApproved,
    PledgeUpdateOutcomeData,
    PledgeUpdateRejected,
)
from together_kit.testing.apps import running
from together_kit.testing.probe import EventProbe, event_probe, publish_event
from together_kit.testing.waiting import eventually

pytestmark = pytest.mark.integration

Document = dict[str, Any]
UPDATE = "Our first six lunches fed 240 neighbours."


@dataclass
class Signups:
    http: httpx.AsyncClient
    db: AsyncDatabase[Document]
    rabbitmq_url: str
    probe: EventProbe

    async def told(self, event_type: str, **data: Any) -> dict[str, Any]:
        async def found() -> list[dict[str, Any]]:
            return [
                event["data"]
                for event in self.probe.events
                if event["type"] == event_type
                and all(event["data"].get(k) == v for k, v in data.items())
            ]

        [event, *_] = await eventually(found, what=f"{event_type} {data}")
        return event


@pytest.fixture
async def signups(service_settings: dict[str, Any]) -> AsyncIterator[Signups]:
    settings = Settings(**service_settings, join_rate_limit="1000/minute", outbox_poll_seconds=0.2)
    keys = ["organisation.joined", "pledge.*"]
    async with (
        event_probe(settings.rabbitmq_url, keys) as probe,
        running(
            create_app(settings),
            mongodb_url=settings.mongodb_url,
            database_name=settings.mongodb_database,
        ) as (http, db),
    ):
        yield Signups(http, db, settings.rabbitmq_url, probe)


def path(url: str) -> str:
    return urlsplit(url).path


async def published_pledge(signups: Signups, **changes: str) -> dict[str, Any]:
    """Join, confirm and approve an organisation's pledge; what `pledge.published` said."""
    email = f"sam.{uuid.uuid4().hex[:8]}@example.org"
    form = {
        "name": f"Riverside Kitchen {uuid.uuid4().hex[:6]}",
        "organisation_type": "charity",
        "contact_name": "Sam Patel",
        "contact_email": email,
        "postcode": "CF10 1AA",
        "pledge": "A monthly lunch open to everyone.",
        "pledge_districts": "cf10, CF11 cf10",
        **changes,
    }
    joined = await signups.http.post("/join/organisation", data=form)
    assert joined.status_code == 303, joined.text
    welcome = await signups.told("organisation.joined", contact_email=email)
    assert (await signups.http.post(path(welcome["confirm_url"]))).status_code == 200
    made = await signups.told("pledge.made", organisation_name=form["name"])
    approved = PledgeApproved(
        producer="moderation",
        correlation_id="progress",
        data=PledgeOutcomeData(
            pledge_id=made["pledge_id"],
            organisation_id=made["organisation_id"],
            organisation_name=form["name"],
            text=made["text"],
        ),
    )
    await publish_event(signups.rabbitmq_url, approved)
    published = await signups.told("pledge.published", pledge_id=made["pledge_id"])
    return {**published, "made": made, "email": email}


def decided(update: dict[str, Any], *, approved: bool) -> PledgeUpdateApproved:
    model = PledgeUpdateApproved if approved else PledgeUpdateRejected
    return model(  # type: ignore[return-value]
        producer="moderation",
        correlation_id="progress",
        data=PledgeUpdateOutcomeData(
            update_id=update["update_id"],
            pledge_id=update["pledge_id"],
            organisation_id=update["organisation_id"],
            text=update["text"] if approved else "",
        ),
    )


async def test_progress_through_the_link_is_shown_on_the_pledge_page_once_approved(
    signups: Signups,
) -> None:
    published = await published_pledge(signups)
    assert published["made"]["districts"] == ["CF10", "CF11"]
    assert published["districts"] == ["CF10", "CF11"]
    page = f"/pledges/{published['pledge_id']}"
    assert path(published["public_url"]) == page
    progress = path(published["progress_url"])
    before = await signups.http.get(page)
    assert before.status_code == 200
    assert "A monthly lunch open to everyone." in before.text
    assert "CF10, CF11" in before.text
    assert "No progress reported yet." in before.text

    form = await signups.http.get(progress)
    assert form.status_code == 200
    assert "Post progress on your pledge" in form.text
    empty = await signups.http.post(progress, data={"text": "  "})
    assert empty.status_code == 422
    assert "Enter your progress update" in empty.text
    too_long = await signups.http.post(progress, data={"text": "x" * 2001})
    assert too_long.status_code == 422
    assert "Your update must be 2,000 characters or fewer" in too_long.text
    posted = await signups.http.post(progress, data={"text": UPDATE})
    assert posted.status_code == 303
    assert posted.headers["location"].endswith("/pledges/progress/sent")
    update = await signups.told("pledge.update_submitted", pledge_id=published["pledge_id"])
    assert update["text"] == UPDATE
    assert set(update) == {
        "update_id",
        "pledge_id",
        "organisation_id",
        "organisation_name",
        "text",
        "language",
    }
    waiting = await signups.http.get(page)
    assert UPDATE not in waiting.text

    await publish_event(signups.rabbitmq_url, decided(update, approved=True))

    async def shown() -> str:
        return (await signups.http.get(page)).text

    await eventually(shown, until=lambda text: UPDATE in text, what="the approved update")
    listed = (await signups.http.get("/pledges")).text
    assert "Reported progress this year" in listed
    assert 'id="pledge-nations"' in listed
    assert "Wales" in listed
    assert "Charity" in listed
    for private in (published["email"], "Sam Patel", "CF10 1AA"):
        assert private not in listed
        assert private not in (await shown())


async def test_a_rejected_update_is_never_shown_and_broken_links_say_so(
    signups: Signups,
) -> None:
    published = await published_pledge(signups, pledge_districts="")
    assert published["districts"] == []
    progress = path(published["progress_url"])
    assert (await signups.http.post(progress, data={"text": "Buy our kitchens"})).status_code == 303
    update = await signups.told("pledge.update_submitted", pledge_id=published["pledge_id"])
    await publish_event(signups.rabbitmq_url, decided(update, approved=False))
    await publish_event(signups.rabbitmq_url, decided(update, approved=True))  # late, refused

    async def kept() -> Document | None:
        organisation = await signups.db["organisations"].find_one(
            {"_id": published["organisation_id"]}
        )
        return organisation if organisation and organisation["updates"][0]["decided_at"] else None

    organisation = await eventually(kept, what="the decision kept")
    assert organisation is not None
    assert organisation["updates"][0]["status"] == "rejected"
    page = await signups.http.get(f"/pledges/{published['pledge_id']}")
    assert "Buy our kitchens" not in page.text
    assert (await signups.http.get("/pledges/progress/not-a-token")).status_code == 404
    assert (await signups.http.get(f"/pledges/{uuid.uuid4()}")).status_code == 404


async def test_districts_that_are_not_postcode_districts_are_shown_inline(
    signups: Signups,
) -> None:
    form = {
        "name": "Riverside Kitchen",
        "organisation_type": "charity",
        "contact_name": "Sam Patel",
        "contact_email": "sam@example.org",
        "postcode": "CF10 1AA",
        "pledge": "A monthly lunch.",
    }
    for districts in ("M1 nowhere", "M1 M2 M3 M4 M5 M6"):
        refused = await signups.http.post(
            "/join/organisation", data={**form, "pledge_districts": districts}
        )
        assert refused.status_code == 422
        assert "Enter up to 5 postcode districts" in refused.text
        assert districts.split()[-1] in refused.text


async def test_the_link_is_sent_again_only_to_the_contact(signups: Signups) -> None:
    published = await published_pledge(signups)
    asking = f"/pledges/{published['pledge_id']}/link"
    assert (await signups.http.get(asking)).status_code == 200
    stranger = await signups.http.post(asking, data={"email": "someone@example.org"})
    contact = await signups.http.post(asking, data={"email": published["email"].upper()})
    assert stranger.status_code == contact.status_code == 303
    assert stranger.headers["location"] == contact.headers["location"]
    again = await signups.told("pledge.progress_link_requested", pledge_id=published["pledge_id"])
    assert path(again["progress_url"]).startswith("/pledges/progress/")
    wrong = await signups.http.post(asking, data={"email": "not an address"})
    assert wrong.status_code == 422
    requests = [e for e in signups.probe.events if e["type"] == "pledge.progress_link_requested"]
    assert len(requests) == 1
