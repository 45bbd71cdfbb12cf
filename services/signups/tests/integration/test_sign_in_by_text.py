"""Signing in to "My together" by a texted link, in-process on the real broker and store: a
volunteer staff signed up with only a mobile asks with it in any UK form and `person.sign_in_requested`
goes by sms; the page is the same for a number we do not know (or one given beside an address)
and nothing is sent; a value that is neither an address nor a UK mobile is an inline error; signed
in, they see their details and download their data; all of it in Welsh too."""

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from together_kit.testing.probe import EventProbe, event_probe
from together_kit.testing.welsh import english_left

from . import test_my_together as my_together
from .test_assisted import e164, entry, mobile, signed_in
from .test_my_together import Signups, path_of, sent, volunteer
from .test_web_pages import Page

pytestmark = pytest.mark.integration

start = my_together.start
signups = my_together.signups

ASKED = "person.sign_in_requested"
EVENTS = ["volunteer.registered", ASKED]


@pytest.fixture
async def probe(rabbitmq_url: str) -> AsyncIterator[EventProbe]:
    async with event_probe(rabbitmq_url, EVENTS) as probe:
        yield probe


async def mobile_only(signups: Signups, *, language: str = "en") -> tuple[str, str]:
    """A volunteer staff signed up with only a mobile (confirmed at once): the number as typed,
    and their id."""
    typed = mobile()
    async with signed_in(signups) as (http, csrf):
        entered = await http.post(
            "/assisted/volunteers/new", data=entry(csrf, phone=typed, language=language)
        )
    assert entered.status_code == 303, entered.text
    return typed, entered.headers["location"].split("/")[3]


async def ask(signups: Signups, contact: str, **params: str) -> Any:
    async with signups.client() as http:
        return await http.post("/my/sign-in", params=params, data={"contact": contact})


def asked_for(probe: EventProbe) -> list[dict[str, Any]]:
    return [e for e in probe.events if e["type"] == ASKED]


async def test_a_mobile_only_volunteer_asks_with_their_number_in_any_uk_form_and_it_goes_by_text(
    signups: Signups, probe: EventProbe
) -> None:
    typed, person_id = await mobile_only(signups, language="cy")
    number = e164(typed)
    forms = [typed, number.replace("+44", "+44 ").replace("7700", "7700 "), typed.replace(" ", "")]

    pages = [await ask(signups, form) for form in forms]

    found = await sent(probe, ASKED, person_id, count=len(forms))
    assert {page.status_code for page in pages} == {200}
    assert "Check your phone" in pages[0].text
    assert "If this number belongs to a volunteer, we have texted it a link" in pages[0].text
    assert {e["data"]["channel"] for e in found} == {"sms"}
    assert {e["data"]["language"] for e in found} == {"cy"}
    assert found[0]["data"]["sign_in_url"].startswith(
        signups.settings.public_base_url + "/my/sign-in/"
    )

    async with signups.client() as http:
        signed = await http.post(path_of(found[-1]["data"]["sign_in_url"]))
        assert (signed.status_code, signed.headers["location"]) == (303, "/my")
        mine = await http.get("/my")
        download = await http.get("/my/data.json")
    assert f"Signed in as {typed}." in Page(mine.text).text
    assert "Change your details" not in mine.text
    assert "ask the person who signed you up" in mine.text
    held = json.loads(download.text)["volunteer"]
    assert (held["id"], held["details"]["phone"], held["details"]["email"]) == (
        person_id,
        number,
        None,
    )


async def test_a_number_we_do_not_know_or_given_beside_an_address_gets_the_same_page_and_no_text(
    signups: Signups, probe: EventProbe
) -> None:
    typed, person_id = await mobile_only(signups)
    unknown = typed[:-1] + str((int(typed[-1]) + 1) % 10)
    beside = typed[:-1] + str((int(typed[-1]) + 2) % 10)
    await volunteer(signups, probe, phone=beside, channels="email sms")

    answers = [await ask(signups, number) for number in (unknown, beside, typed)]

    await sent(probe, ASKED, person_id)
    assert {page.status_code for page in answers} == {200}
    assert len({Page(page.text).text for page in answers}) == 1
    assert [e["data"]["person_id"] for e in asked_for(probe)] == [person_id]


@pytest.mark.parametrize(
    ("entered", "message"),
    [
        ("", "Enter your email address or mobile number"),
        ("x", "Enter an email address, like name@example.com, or a UK mobile number"),
        ("029 2000 0000", "Enter an email address, like name@example.com, or a UK mobile number"),
        (
            "+353 85 123 4567",
            "Enter an email address, like name@example.com, or a UK mobile number",
        ),
        ("ann@", "Enter your email address in the correct format, like name@example.com"),
    ],
)
async def test_neither_an_address_nor_a_uk_mobile_is_an_error_at_the_field(
    signups: Signups, probe: EventProbe, entered: str, message: str
) -> None:
    page = await ask(signups, entered)

    assert page.status_code == 422
    shown = Page(page.text)
    assert shown.by_id("contact-error")
    assert message in shown.text
    assert shown.summary_links() == ["#field-contact"]
    assert shown.by_id("field-contact")["value"] == entered
    assert asked_for(probe) == []


async def test_asking_by_text_is_in_welsh(signups: Signups, probe: EventProbe) -> None:
    entries = signups.app.state.pages.catalogues.catalogue_entries("cy")
    typed, person_id = await mobile_only(signups, language="cy")
    cy = {"lang": "cy"}
    pages = {
        "sent": (await ask(signups, typed, **cy)).text,
        "errors": (await ask(signups, "07700", **cy)).text,
    }
    [requested] = await sent(probe, ASKED, person_id)
    async with signups.client() as http:
        await http.post(path_of(requested["data"]["sign_in_url"]))
        pages["mine"] = (await http.get("/my", params=cy)).text
        pages["forget"] = (await http.get("/forget", params=cy)).text

    for name, html in pages.items():
        assert '<html lang="cy">' in html, name
        assert english_left(html, entries) == [], name
    shown = {name: Page(html).text for name, html in pages.items()}
    assert "Gwiriwch eich ffôn" in shown["sent"]
    assert "neu rif ffôn symudol yn y DU" in shown["errors"]
    assert "gofynnwch i'r person a'ch cofrestrodd" in shown["mine"]
    assert "Mewngofnodi gyda'ch rhif ffôn symudol" in shown["forget"]
