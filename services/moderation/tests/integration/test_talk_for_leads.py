"""Leads run talk/together from the moderator UI (issue 21, point 1): open a conversation with
its seeds and last day, invite a host and hand them their link, find the results now; a
moderator who is not a lead cannot. Through the real store, the app's clock moved by the test."""

import html
import re
from datetime import UTC, datetime

import pytest
from moderation.domain.decisions import Role

from .conftest import Moderation
from .moderator_support import csrf_of, signed_in

pytestmark = pytest.mark.integration

CONVERSATION = re.compile(r"^/moderation/conversations/([0-9a-f-]{36})\?done=opened$")
HOST_LINK = re.compile(r'id="link-[0-9a-f-]{36}" value="([^"]+)"')


async def test_a_lead_opens_a_conversation_invites_a_host_and_finds_the_results(
    moderation: Moderation,
) -> None:
    moderation.clock.now = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
    lead = await signed_in(moderation, "Lowri", Role.LEAD)
    csrf = await csrf_of(lead, "/moderation/conversations")

    refused = await lead.post(
        "/moderation/conversations",
        data={
            "csrf": csrf,
            "question": "x" * 201,
            "seeds": "A fine first statement.\n" + "y" * 141,
            "closes_on": "2027-05-31",
        },
    )

    assert refused.status_code == 422
    assert "Enter the question, on one line, at most 200 characters." in refused.text
    assert "each at most 140 characters." in refused.text
    assert "Enter a closing day that has not passed" in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert "A fine first statement." in refused.text, "what was typed is kept"
    assert await moderation.db["conversations"].count_documents({}) == 0

    opened = await lead.post(
        "/moderation/conversations",
        data={
            "csrf": csrf,
            "question": "What would bring your community closer after lockdown?",
            "description": "Add what you think; vote on what others think.",
            "seeds": "Neighbours checking on each other should carry on.\n\nKey workers deserve thanks.",
            "closes_on": "2027-07-05",
            "language": "en",
        },
    )

    assert opened.status_code == 303
    found = CONVERSATION.match(opened.headers["location"])
    assert found, opened.headers["location"]
    cid = found.group(1)
    public = (await moderation.http.get(f"/api/v1/talk/{cid}")).json()
    assert public["question"] == "What would bring your community closer after lockdown?"
    assert [s["text"] for s in public["statements"]] == [
        "Neighbours checking on each other should carry on.",
        "Key workers deserve thanks.",
    ]
    assert public["closes_at"].startswith("2027-07-05T23:00:00"), "the end of 5 July, BST"
    page = await lead.get(opened.headers["location"])
    assert "The conversation is open: its page is public now." in page.text
    assert "by Lowri" in page.text
    assert "No host has been invited yet." in page.text

    blank = await lead.post(
        f"/moderation/conversations/{cid}/hosts", data={"csrf": csrf, "name": "  "}
    )
    assert blank.status_code == 422
    assert "Enter the host&#39;s name" in blank.text
    assert await moderation.db["talk_hosts"].count_documents({}) == 0

    invited = await lead.post(
        f"/moderation/conversations/{cid}/hosts",
        data={"csrf": csrf, "name": "Grangetown Community Centre"},
    )
    assert invited.status_code == 303
    page = await lead.get(invited.headers["location"])
    assert "Grangetown Community Centre" in page.text
    [link] = HOST_LINK.findall(page.text)
    form = await moderation.http.get(html.unescape(link).removeprefix("http://test"))
    assert form.status_code == 200
    assert "For Grangetown Community Centre, hosting:" in form.text
    recorded = await moderation.http.post(
        html.unescape(link).removeprefix("http://test"),
        data={
            "place": "Grangetown Community Centre, Cardiff",
            "region": "Wales",
            "held_on": "2027-05-29",
            "people": "14",
            "statements": "Bus routes to the village matter.\nThe lunch club brought people back.",
        },
    )
    assert recorded.status_code == 303, recorded.text
    page = await lead.get(f"/moderation/conversations/{cid}")
    assert "Grangetown Community Centre, Cardiff, 2027-05-29: 14 people, 2 statements" in page.text
    assert '<a href="/moderation?kind=statement">2</a>' in page.text
    queue = await lead.get("/moderation")
    assert queue.status_code == 200
    assert "2 statements" in queue.text

    assert "not yet" in page.text
    analysed = await lead.post(f"/moderation/conversations/{cid}/analysis", data={"csrf": csrf})
    assert analysed.status_code == 303
    assert (await moderation.http.get(f"/api/v1/talk/{cid}/results")).status_code == 200
    listing = await lead.get("/moderation/conversations")
    assert "Tue 1 Jun 2027, 10:00 BST" in listing.text, "results found, shown in UK time"


async def test_only_leads_run_conversations(moderation: Moderation) -> None:
    moderator = await signed_in(moderation, "Mo")
    csrf = await csrf_of(moderator)

    assert (await moderator.get("/moderation/conversations")).status_code == 403
    opened = await moderator.post(
        "/moderation/conversations", data={"csrf": csrf, "question": "Should this open?"}
    )
    assert opened.status_code == 403
    assert await moderation.db["conversations"].count_documents({}) == 0
    queue = await moderator.get("/moderation")
    assert "/moderation/conversations" not in queue.text


async def test_a_missing_conversation_is_a_page_not_an_error(moderation: Moderation) -> None:
    lead = await signed_in(moderation, "Lowri", Role.LEAD)

    page = await lead.get("/moderation/conversations/00000000-0000-4000-8000-000000000000")

    assert page.status_code == 404
    assert "No such conversation" in page.text
