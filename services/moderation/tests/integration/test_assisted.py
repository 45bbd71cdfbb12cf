"""Staff and assisted entry (issue 23, point 6) on the real broker and store: a lead creates a
staff account, who signs in with two factors, is kept out of the queue and reaches
/moderation/assisted; "Sign someone up" hands signups a staff pass naming them; a story entered
on someone's behalf is screened, queued once per form and, once approved, published on /stories."""

import html
import re
import uuid
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from moderation.domain.decisions import Moderator, Role
from moderation.handlers import decisions
from together_kit.staff_pass import read_pass
from together_kit.testing.probe import event_probe
from together_kit.testing.tags import unique_tag
from together_kit.testing.waiting import eventually

from .conftest import Document, Moderation, StartModeration
from .moderator_support import accounts, csrf_of, enrol, signed_in

pytestmark = pytest.mark.integration

SECRET = "a-staff-pass-secret-of-this-test-run-0123456789"
SIGNUPS = "http://signups.test"
NONCE = re.compile(r'name="nonce" value="([^"]+)"')
ANN = Moderator("Ann")


@pytest.fixture
async def moderation(start_moderation: StartModeration) -> AsyncIterator[Moderation]:
    async with start_moderation(staff_pass_secret=SECRET, signups_public_url=SIGNUPS) as started:
        yield started


async def story_form(client: httpx.AsyncClient) -> dict[str, str]:
    page = await client.get("/moderation/assisted/story")
    assert page.status_code == 200, page.text
    found = NONCE.search(page.text)
    assert found, page.text
    return {"csrf": await csrf_of(client, "/moderation/assisted/story"), "nonce": found.group(1)}


def a_story(tag: str, **changes: str) -> dict[str, str]:
    return {
        "prompt": "unites-us",
        "title": "",
        "text": f"Siân {tag} rang every Friday. Her neighbour on 07700 900982 brought bread.",
        "region": "CF24",
        "language": "en",
        "came": "phone-call",
        "agreed": "yes",
        **changes,
    }


async def test_a_lead_creates_a_staff_member_who_is_kept_out_of_the_queue(
    moderation: Moderation,
) -> None:
    lead = await signed_in(moderation, "Lena", Role.LEAD)
    email = f"sian.{unique_tag()}@example.org"
    listing = await lead.get("/moderation/moderators")
    assert '<option value="staff">staff</option>' in listing.text
    added = await lead.post(
        "/moderation/moderators",
        data={"csrf": await csrf_of(lead), "email": email, "name": "Siân Roberts", "role": "staff"},
    )
    assert added.status_code == 200, added.text
    temporary = added.text.split('id="temporary-password">')[1].split("<")[0]

    async with moderation.client() as sian:
        await enrol(moderation, sian, email, temporary)
        changed = await sian.post(
            "/moderation/password",
            data={
                "csrf": await csrf_of(sian, "/moderation/password"),
                "current": temporary,
                "new": "a staff member's own password",
                "again": "a staff member's own password",
            },
        )
        assert changed.status_code == 303
        for page in (
            "/moderation",
            "/moderation/items/" + str(uuid.uuid4()),
            "/moderation/moderators",
        ):
            kept_out = await sian.get(page)
            assert (kept_out.status_code, kept_out.headers["location"]) == (
                303,
                "/moderation/assisted",
            ), page
        assisted = await sian.get("/moderation/assisted")
        assert assisted.status_code == 200
        assert "Sign someone up" in assisted.text
        assert "Cofrestru rhywun" in assisted.text
        assert 'href="/moderation">Queue' not in assisted.text
        assert (await sian.get("/moderation/password")).status_code == 200

    lead_page = await lead.get("/moderation/assisted")
    await lead.aclose()
    assert lead_page.status_code == 200


async def test_sign_someone_up_hands_signups_a_pass_naming_the_staff_member(
    moderation: Moderation,
) -> None:
    sian = await signed_in(moderation, "Siân Roberts", Role.STAFF)
    page = await sian.get("/moderation/assisted")
    password_page = await sian.get("/moderation/password")
    assert page.headers["content-security-policy"].endswith(f"form-action 'self' {SIGNUPS}")
    assert password_page.headers["content-security-policy"].endswith("form-action 'self'")
    csrf = await csrf_of(sian, "/moderation/assisted")
    before = moderation.clock.now
    for purpose in ("sign-up", "erase"):
        sent = await sian.post("/moderation/assisted/pass", data={"csrf": csrf, "purpose": purpose})
        assert sent.status_code == 303, sent.text
        location = urlsplit(sent.headers["location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == (
            f"{SIGNUPS}/assisted/start"
        )
        staff = read_pass(SECRET, parse_qs(location.query)["pass"][0])
        me = next(
            a for a in await accounts(moderation).moderators.all() if a.name == "Siân Roberts"
        )
        assert (staff.staff_id, staff.name, staff.role) == (me.id, "Siân Roberts", "staff")
    no_token = await sian.post("/moderation/assisted/pass", data={"purpose": "sign-up"})
    await sian.aclose()
    assert no_token.status_code == 403

    logged = await moderation.db["security_log"].find({"action": "staff-pass"}).to_list()
    assert [(e["actor"], e["actor_id"], e["detail"]) for e in logged] == [
        ("Siân Roberts", str(me.id), "sign-up"),
        ("Siân Roberts", str(me.id), "erase"),
    ]
    assert all(e["at"] >= before.timestamp() for e in logged)


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.COORDINATOR])
async def test_only_staff_and_leads_reach_assisted_entry(
    moderation: Moderation, role: Role
) -> None:
    other = await signed_in(moderation, f"Other {role.value}", role)
    page = await other.get("/moderation/assisted")
    story = await other.get("/moderation/assisted/story")
    csrf = await csrf_of(other, "/moderation/password")
    posted = await other.post(
        "/moderation/assisted/pass", data={"csrf": csrf, "purpose": "sign-up"}
    )
    await other.aclose()
    if role is Role.COORDINATOR:
        assert {page.headers["location"], posted.headers["location"]} == {"/moderation/connectors"}
    else:
        assert (page.status_code, story.status_code, posted.status_code) == (403, 403, 403)
    assert await moderation.db["security_log"].count_documents({"action": "staff-pass"}) == 0


async def test_a_story_entered_on_someones_behalf_is_screened_queued_once_and_published(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    tag = unique_tag()
    sian = await signed_in(moderation, "Siân Roberts", Role.STAFF)
    form = await story_form(sian)
    async with event_probe(rabbitmq_url, ["story.*"]) as probe:
        entered = await sian.post("/moderation/assisted/story", data={**form, **a_story(tag)})
        again = await sian.post("/moderation/assisted/story", data={**form, **a_story(tag)})
        assert (entered.status_code, entered.headers["location"]) == (
            303,
            "/moderation/assisted?done=entered",
        )
        assert again.status_code == 303
        stored = await moderation.db["items"].find({"text": {"$regex": tag}}).to_list()
        assert len(stored) == 1
        [item] = stored
        me = next(
            a for a in await accounts(moderation).moderators.all() if a.name == "Siân Roberts"
        )
        assert (item["kind"], item["status"], item["prompt"], item["region"]) == (
            "story",
            "pending",
            "unites-us",
            "CF24",
        )
        assert item["title"] == f"Siân {tag} rang every Friday"
        assert "personal-data" in item["flags"]
        assert item["extra"] == {
            "told_by": "assisted",
            "came": "phone-call",
            "entered_by_id": str(me.id),
            "entered_by": "Siân Roberts",
            "entered_by_role": "staff",
        }
        assert (item["author_name"], item["author_email"]) == (None, None)

        async def submitted() -> list[Document]:
            return [
                e
                for e in probe.events
                if e["type"] == "story.submitted" and e["data"]["story_id"] == item["_id"]
            ]

        told = await eventually(submitted, what="story.submitted")
        assert len(told) == 1
        assert told[0]["data"]["flags"] == item["flags"]

        lead = await signed_in(moderation, "Lena", Role.LEAD)
        page = html.unescape((await lead.get(f"/moderation/items/{item['_id']}")).text)
        await lead.aclose()
        assert "Entered by Siân Roberts (staff) from a phone call" in page
        assert "entered on someone's behalf by Siân Roberts (staff), from a phone call." in page

        item_id = uuid.UUID(item["_id"])
        await decisions.claim(item_id, ANN, ctx=moderation.ctx)
        await decisions.approve(
            item_id, ANN, redacted_text=item["screening"]["suggested_text"], ctx=moderation.ctx
        )
    logged = await moderation.db["security_log"].find({"action": "assisted-story"}).to_list()
    assert [(e["actor"], e["target_id"], e["detail"]) for e in logged] == [
        ("Siân Roberts", item["_id"], "phone-call"),
        ("Siân Roberts", item["_id"], "phone-call"),
    ]
    listed = html.unescape((await moderation.http.get("/stories")).text)
    assert item["title"] in listed
    one = html.unescape((await moderation.http.get(f"/stories/{item_id}")).text)
    assert "07700" not in one
    second = await story_form(sian)
    await sian.aclose()
    assert second["nonce"] != form["nonce"]


async def test_a_story_form_with_errors_is_shown_again_and_nothing_is_written(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    tag = unique_tag()
    sian = await signed_in(moderation, "Siân Roberts", Role.STAFF)
    form = await story_form(sian)
    wrong = a_story(tag, prompt="", region="Atlantis", came="", agreed="")
    refused = await sian.post("/moderation/assisted/story", data={**form, **wrong})
    await sian.aclose()
    assert refused.status_code == 422
    page = html.unescape(refused.text)
    for english, welsh in (
        ("Choose the question the story answers", "Dewiswch y cwestiwn"),
        ("Enter a UK nation or region", "Rhowch wlad neu ranbarth"),
        ("Choose how the story came", "Dewiswch sut y daeth y stori"),
        ("Tick this only once the person has agreed", "Ticiwch hwn"),
    ):
        assert english in page
        assert welsh in page
    assert tag in page
    assert f'value="{form["nonce"]}"' in page
    assert await moderation.db["items"].count_documents({"text": {"$regex": tag}}) == 0
    assert await moderation.db["security_log"].count_documents({"action": "assisted-story"}) == 0
