"""Publication safety in the moderator UI, on the real broker and store: nothing flagged as
personal data goes out as sent by accident, leads and authors take published items down, held
and escalated items are for leads only, and reading an item claims nothing."""

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx
import pytest
from moderation.adapters.tokens import Purpose, Tokens
from moderation.domain.decisions import Role
from moderation.handlers import listings
from together_contracts import EventSubmitted, EventSubmittedData
from together_kit.signing import Signer
from together_kit.testing.probe import event_probe

from .conftest import Moderation
from .moderator_support import claim, csrf_of, share, signed_in

pytestmark = pytest.mark.integration

PHONE = "07700 900123"


async def stored(moderation: Moderation, item: uuid.UUID) -> dict[str, object]:
    found = await moderation.db["items"].find_one({"_id": str(item)})
    assert found is not None
    return found


async def post(client: httpx.AsyncClient, path: str, **data: str) -> httpx.Response:
    return await client.post(
        f"/moderation/items/{path}", data={"csrf": await csrf_of(client), **data}
    )


# Point 8: reading claims nothing; held and escalated items are for leads only.


async def test_opening_an_item_claims_nothing_and_claiming_is_a_post(
    moderation: Moderation,
) -> None:
    item = await share(moderation)
    ann = await signed_in(moderation, "Ann")
    bob = await signed_in(moderation, "Bob")

    first = await ann.get(f"/moderation/items/{item}")

    assert first.status_code == 200
    assert (await stored(moderation, item))["claim"] is None
    assert 'id="claim"' in first.text
    assert 'id="approve"' not in first.text
    assert (await claim(bob, item)).status_code == 303
    assert (await stored(moderation, item))["claim"]["moderator"] == "Bob"  # type: ignore[index]
    assert 'id="approve"' in (await bob.get(f"/moderation/items/{item}")).text
    theirs = await ann.get(f"/moderation/items/{item}")
    assert "Bob is working on this until" in theirs.text
    assert (await claim(ann, item)).status_code == 409


async def test_held_and_escalated_items_are_for_leads_only(moderation: Moderation) -> None:
    held = await share(moderation, text="I want to end my life.")
    escalated = await share(moderation, text="Is this libel? The mayor stole the funds.")
    ann = await signed_in(moderation, "Ann")
    lena = await signed_in(moderation, "Lena", Role.LEAD)
    await claim(ann, escalated)
    assert (await post(ann, f"{escalated}/escalate", reason="legal")).status_code == 303

    for item in (held, escalated):
        page = await ann.get(f"/moderation/items/{item}")
        assert page.status_code == 403, item
        assert "for lead moderators only" in page.text
        assert "end my life" not in page.text
        assert "mayor" not in page.text
        assert (await claim(ann, item)).status_code == 403
        assert (await post(ann, f"{item}/reject", reason="spam")).status_code == 403
        again = await post(ann, f"{item}/escalate", reason="legal")
        assert again.status_code == 403
        assert "mayor" not in again.text
        assert (await stored(moderation, item))["claim"] is None
        assert (await lena.get(f"/moderation/items/{item}")).status_code == 200
        assert (await claim(lena, item)).status_code == 303
    assert (await stored(moderation, held))["status"] == "held"


# Point 5: nothing flagged as personal data is published unredacted by accident.


async def test_bulk_approval_leaves_out_items_flagged_personal_data(
    moderation: Moderation,
) -> None:
    clean = await share(moderation, title="Bread for the street", text="We baked bread.")
    flagged = await share(moderation, title="Ring me", text=f"Ring me on {PHONE} to help.")
    ann = await signed_in(moderation, "Ann")

    result = await ann.post(
        "/moderation/bulk",
        data={
            "csrf": await csrf_of(ann),
            "action": "approve",
            "item": [str(clean), str(flagged)],
        },
    )

    assert result.status_code == 200
    assert "1 item approved." in result.text
    assert f'href="/moderation/items/{flagged}">Ring me</a>' in result.text
    assert "Screening flagged personal data in this item" in result.text
    assert (await stored(moderation, clean))["status"] == "approved"
    assert (await stored(moderation, flagged))["status"] == "pending"
    assert (await moderation.http.get(f"/api/v1/stories/{flagged}")).status_code == 404


async def test_approving_a_flagged_item_as_sent_needs_an_override_with_a_reason(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    item = await share(moderation, text=f"Ring Mrs Jones on {PHONE} for soup.")
    ann = await signed_in(moderation, "Ann")
    lena = await signed_in(moderation, "Lena", Role.LEAD)
    await claim(ann, item)
    page = await ann.get(f"/moderation/items/{item}")
    assert 'id="override-form"' in page.text
    assert 'id="approve"' not in page.text
    assert 'data-flagged="personal-data"' in page.text

    plain = await post(ann, f"{item}/approve")
    blank = await post(ann, f"{item}/approve", override="   ")
    assert (plain.status_code, blank.status_code) == (409, 409)
    assert "approve it as sent with an override" in plain.text
    assert (await stored(moderation, item))["status"] == "pending"

    why = "The number is the community centre's public line."
    async with event_probe(rabbitmq_url, ["story.approved"]) as probe:
        done = await post(ann, f"{item}/approve", override=why)
        events = await probe.wait_for(1)

    assert done.status_code == 303
    assert events[0]["data"]["story_id"] == str(item)
    public = await moderation.http.get(f"/api/v1/stories/{item}")
    assert PHONE in public.json()["text"]
    decision = (await stored(moderation, item))["decisions"][0]  # type: ignore[index]
    assert (decision["action"], decision["note"]) == ("approve-despite-personal-data", why)
    audit = await lena.get(f"/moderation/items/{item}/audit")
    assert "approve-despite-personal-data" in audit.text
    assert why.replace("'", "&#39;") in audit.text


# Point 6: take-down by a lead, withdrawal by the author.


async def test_a_lead_withdraws_a_published_story_with_a_reason(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    item = await share(moderation, title="Soon gone", text="We sang on the doorsteps.")
    ann = await signed_in(moderation, "Ann")
    lena = await signed_in(moderation, "Lena", Role.LEAD)
    await post(ann, f"{item}/approve")
    assert f"story-{item}" in (await moderation.http.get("/stories")).text
    assert 'id="withdraw"' not in (await ann.get(f"/moderation/items/{item}")).text
    assert (await post(ann, f"{item}/withdraw", reason="mine")).status_code == 403
    assert (await post(lena, f"{item}/withdraw", reason=" ")).status_code == 409
    assert (await stored(moderation, item))["status"] == "approved"

    async with event_probe(rabbitmq_url, ["story.withdrawn"]) as probe:
        done = await post(lena, f"{item}/withdraw", reason="A neighbour recognised herself.")
        events = await probe.wait_for(1)

    assert done.status_code == 303
    assert done.headers["location"] == f"/moderation/items/{item}/audit?done=withdrawn"
    assert events[0]["data"] == {"story_id": str(item), "by": "lead"}
    assert f"story-{item}" not in (await moderation.http.get("/stories")).text
    assert (await moderation.http.get(f"/stories/{item}")).status_code == 404
    assert (await moderation.http.get(f"/api/v1/stories/{item}")).status_code == 404
    listed = (await moderation.http.get("/api/v1/stories")).json()["stories"]
    assert str(item) not in [story["id"] for story in listed]
    document = await stored(moderation, item)
    assert document["status"] == "withdrawn"
    last = document["decisions"][-1]  # type: ignore[index]
    assert (last["action"], last["moderator"], last["note"]) == (
        "withdraw",
        "Lena",
        "A neighbour recognised herself.",
    )
    audit = await lena.get(done.headers["location"])
    assert "Withdrawn: the item is no longer published." in audit.text
    assert "A neighbour recognised herself." in audit.text
    again = await post(lena, f"{item}/withdraw", reason="twice")
    assert again.status_code == 409
    logged = await moderation.db["security_log"].find({"action": "take-down"}).to_list()
    assert [(e["actor"], e["target_id"], e["outcome"]) for e in logged] == [
        ("Lena", str(item), "failure"),
        ("Lena", str(item), "success"),
        ("Lena", str(item), "failure"),
    ]


async def test_a_lead_withdraws_an_approved_listing(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    event_id = uuid.uuid4()
    starts = datetime.now(UTC) + timedelta(days=3)
    submitted = EventSubmitted(
        producer="tests",
        correlation_id="listing",
        data=EventSubmittedData(
            event_id=event_id,
            title="Community lunch",
            description="Soup and chat.",
            event_type="food-and-mutual-aid",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            outward_code="M1",
            places=6,
        ),
    )
    assert await listings.receive_listing(submitted, moderation.ctx)
    lena = await signed_in(moderation, "Lena", Role.LEAD)
    assert (await post(lena, f"{event_id}/approve")).status_code == 303

    async with event_probe(rabbitmq_url, ["listing.withdrawn"]) as probe:
        done = await post(lena, f"{event_id}/withdraw", reason="The venue is unsafe.")
        events = await probe.wait_for(1)

    assert done.status_code == 303
    assert events[0]["data"] == {"event_id": str(event_id)}
    assert (await stored(moderation, event_id))["status"] == "withdrawn"


async def test_the_author_withdraws_their_story_with_the_signed_link(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    item = await share(moderation, title="My own story", text="We sang on the doorsteps.")
    ann = await signed_in(moderation, "Ann")
    async with event_probe(rabbitmq_url, ["story.approved"]) as probe:
        await post(ann, f"{item}/approve")
        approved = (await probe.wait_for(1))[0]["data"]
    link = urlsplit(approved["withdraw_url"])
    assert approved["withdraw_url"].startswith("http://moderation.test/stories/withdraw/")

    shown = await moderation.http.get(link.path)
    assert shown.status_code == 200
    assert shown.headers["referrer-policy"] == "no-referrer"
    assert shown.headers["cache-control"] == "no-store"
    assert "My own story" in shown.text
    assert f'<form method="post" action="{link.path}"' in shown.text
    assert (await stored(moderation, item))["status"] == "approved"
    token = link.path.rsplit("/", 1)[1]
    tampered = f"/stories/withdraw/{token[:-2]}xx"
    assert (await moderation.http.post(tampered)).status_code == 404
    assert (await stored(moderation, item))["status"] == "approved"

    async with event_probe(rabbitmq_url, ["story.withdrawn"]) as probe:
        done = await moderation.http.post(link.path)
        events = await probe.wait_for(1)

    assert done.status_code == 200
    assert "Your story is withdrawn" in done.text
    assert events[0]["data"] == {"story_id": str(item), "by": "author"}
    assert (await moderation.http.get(f"/api/v1/stories/{item}")).status_code == 404
    assert f"story-{item}" not in (await moderation.http.get("/stories")).text
    last = (await stored(moderation, item))["decisions"][-1]  # type: ignore[index]
    assert last["action"] == "author-withdraw"
    again = await moderation.http.post(link.path)
    assert "This story is not published" in again.text


async def test_a_withdraw_link_works_only_for_its_own_story(moderation: Moderation) -> None:
    mine = await share(moderation, title="Mine")
    theirs = await share(moderation, title="Theirs")
    lena = await signed_in(moderation, "Lena", Role.LEAD)
    for item in (mine, theirs):
        await post(lena, f"{item}/approve")
    links = moderation.ctx.links
    assert links is not None
    secret = moderation.settings.secret_key.get_secret_value()
    forged = [
        Tokens("another secret").issue(Purpose.WITHDRAW_STORY, theirs),
        Signer(secret, salt="together.matching.links", purposes=Purpose).issue(
            Purpose.WITHDRAW_STORY, theirs
        ),
    ]

    for token in forged:
        refused = await moderation.http.post(f"/stories/withdraw/{token}")
        assert refused.status_code == 404
        assert "This link does not work" in refused.text
    path = urlsplit(links.withdraw_story(mine)).path
    assert (await moderation.http.post(path)).status_code == 200

    assert (await stored(moderation, mine))["status"] == "withdrawn"
    assert (await stored(moderation, theirs))["status"] == "approved"


async def test_leads_find_what_is_published_to_take_it_down(moderation: Moderation) -> None:
    shown = await share(moderation, title="Shown now")
    pending = await share(moderation, title="Not yet")
    ann = await signed_in(moderation, "Ann")
    lena = await signed_in(moderation, "Lena", Role.LEAD)
    await post(lena, f"{shown}/approve")

    listed = await lena.get("/moderation/published")

    assert listed.status_code == 200
    assert f'href="/moderation/items/{shown}">Shown now</a>' in listed.text
    assert str(pending) not in listed.text
    assert (await ann.get("/moderation/published")).status_code == 403
    await post(lena, f"{shown}/withdraw", reason="Asked to.")
    assert str(shown) not in (await lena.get("/moderation/published")).text


async def test_asyncapi_lists_the_withdrawals_moderation_tells(moderation: Moderation) -> None:
    document = (await moderation.http.get("/asyncapi.json")).json()

    channels = document["channels"]
    sent = {
        channels[o["channel"]["$ref"].rpartition("/")[2]]["address"]
        for o in document["operations"].values()
        if o["action"] == "send"
    }

    assert {"story.withdrawn", "listing.withdrawn", "story.approved"} <= sent
