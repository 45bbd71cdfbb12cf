"""Texts as a channel (issue 23), in-process on the real broker and store: the choice of email,
text or both on the API, the join form and "My together"; what it tells notifications; a STOP
replied to a text (told by notifications) in the consent log, once; the phone in erasure and in
subject access."""

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import pytest
from signups.entrypoints.schemas import VOLUNTEER_EXAMPLE
from together_contracts import (
    ChannelsChosen,
    ChannelsChosenData,
    TextsStopped,
    TextsStoppedData,
    phone_digest,
)
from together_kit.testing.probe import EventProbe, event_probe, publish_event
from together_kit.testing.waiting import eventually

from . import test_my_together as my_together
from .test_my_together import Signups, path_of, sent, signed_in_client, volunteer
from .test_web_pages import Page, unique_email, volunteer_form

pytestmark = pytest.mark.integration

start = my_together.start
signups = my_together.signups
"""The app of "My together"'s tests, started in the test's own database."""

Document = dict[str, Any]
MOBILE = "+447700900982"
ADMIN_KEY = "test-admin-key-123"
EVENTS = [
    "volunteer.registered",
    "volunteer.change_requested",
    "volunteer.contact_changed",
    "person.sign_in_requested",
    "person.erasure_requested",
    "person.access_requested",
]


@pytest.fixture
async def probe(rabbitmq_url: str) -> AsyncIterator[EventProbe]:
    async with event_probe(rabbitmq_url, EVENTS) as probe:
        yield probe


async def stored(signups: Signups, person_id: str) -> Document:
    document = await signups.db["people"].find_one({"_id": person_id})
    assert document is not None
    return document


def texts_log(document: Document) -> list[tuple[bool, str]]:
    return [(r["granted"], r["source"]) for r in document["consent_log"] if r["consent"] == "texts"]


# The API


@pytest.mark.parametrize(
    ("changes", "location"),
    [
        ({"channels": ["sms"], "phone": None}, ["body", "phone"]),
        ({"channels": ["email", "sms"], "phone": "029 2000 0000"}, ["body", "phone"]),
        ({"channels": ["sms"], "phone": "+353 85 123 4567"}, ["body", "phone"]),
        ({"channels": ["sms"], "phone": "07700 9009"}, ["body", "phone"]),
        ({"channels": []}, ["body", "channels"]),
        ({"channels": ["pigeon"]}, ["body", "channels", 0]),
        ({"channels": "sms"}, ["body", "channels"]),
    ],
)
async def test_texts_without_a_uk_mobile_are_422_at_the_phone_and_store_nothing(
    signups: Signups, changes: Document, location: list[object]
) -> None:
    body = {**VOLUNTEER_EXAMPLE, "email": unique_email(), **changes}

    async with signups.client() as http:
        response = await http.post("/api/v1/signups", json=body)

    assert response.status_code == 422, response.text
    assert [e["loc"] for e in response.json()["detail"]] == [location]
    assert await signups.db["people"].count_documents({}) == 0


async def test_a_join_without_channels_is_by_email_and_any_phone_is_kept_in_e164(
    signups: Signups, probe: EventProbe
) -> None:
    email = unique_email()
    body = {**VOLUNTEER_EXAMPLE, "email": email, "phone": "029 2000 0000"}
    del body["channels"]

    async with signups.client() as http:
        assert (await http.post("/api/v1/signups", json=body)).status_code == 202

    person = await signups.db["people"].find_one({"email": email})
    assert person is not None
    assert (person["phone"], person["channels"]) == ("+442920000000", ["email"])
    assert texts_log(person) == []
    [registered] = await sent(probe, "volunteer.registered", person["_id"])
    assert (registered["data"]["phone"], registered["data"]["channels"]) == (
        "+442920000000",
        ["email"],
    )


# The join form


async def test_the_join_form_offers_email_text_or_both_and_tells_the_choice(
    signups: Signups, probe: EventProbe
) -> None:
    email = unique_email()
    async with signups.client() as http:
        form = Page((await http.get("/join")).text)
        choices = form.find("input", name="channels")
        joined = await http.post(
            "/join", data=volunteer_form(email, channels="email sms", phone="07700 900 982")
        )

    assert [(c["value"], "checked" in c) for c in choices] == [
        ("email", True),
        ("sms", False),
        ("email sms", False),
    ]
    assert "How should we tell you about invitations, reminders and changes?" in form.text
    assert joined.status_code == 303
    person = await signups.db["people"].find_one({"email": email})
    assert person is not None
    assert (person["phone"], person["channels"]) == (MOBILE, ["email", "sms"])
    assert texts_log(person) == [(True, "form")]
    [registered] = await sent(probe, "volunteer.registered", person["_id"])
    assert (registered["data"]["phone"], registered["data"]["channels"]) == (
        MOBILE,
        ["email", "sms"],
    )


@pytest.mark.parametrize(
    ("language", "phone", "message"),
    [
        ("en", "", "Enter a UK mobile number for text messages, like 07700 900 982"),
        ("en", "029 2000 0000", "Text messages need a UK mobile number, like 07700 900 982"),
        ("cy", "", "Rhowch rif ffôn symudol yn y DU ar gyfer negeseuon testun"),
    ],
)
async def test_texts_without_a_mobile_are_refused_inline_keeping_the_choice(
    signups: Signups, language: str, phone: str, message: str
) -> None:
    async with signups.client() as http:
        response = await http.post(
            "/join",
            params={"lang": language},
            data=volunteer_form(unique_email(), channels="sms", phone=phone),
        )

    assert response.status_code == 422
    page = Page(response.text)
    assert page.summary_links() == ["#field-phone"]
    assert message in response.text
    assert page.by_id("field-phone")["aria-invalid"] == "true"
    [chosen] = [c["value"] for c in page.find("input", name="channels") if "checked" in c]
    assert chosen == "sms"
    assert await signups.db["people"].count_documents({}) == 0


async def test_a_choice_the_form_does_not_offer_is_refused_inline(signups: Signups) -> None:
    async with signups.client() as http:
        response = await http.post(
            "/join", data=volunteer_form(unique_email(), channels="pigeon", phone="")
        )

    assert response.status_code == 422
    assert Page(response.text).summary_links() == ["#field-channels"]
    assert "Choose email, text messages or both" in response.text


# My together


async def test_my_together_changes_channels_and_phone_at_once_and_tells_notifications(
    signups: Signups, probe: EventProbe
) -> None:
    email, person_id = await volunteer(signups, probe)
    async with signed_in_client(signups, probe, email, person_id) as http:
        refused = await http.post("/my/reach", data={"channels": "sms", "phone": "029 2000 0000"})
        assert refused.status_code == 422
        assert "Text messages need a UK mobile number" in refused.text
        assert (await stored(signups, person_id))["channels"] == ["email"]

        chosen = await http.post("/my/reach", data={"channels": "sms", "phone": "07700 900982"})

        assert chosen.status_code == 303
        assert chosen.headers["location"].endswith("/my?done=reach-changed")
        page = await http.get("/my")
    assert "By text message" in page.text
    assert "07700 900982" in page.text, "the number shown as people write it"
    assert MOBILE not in page.text
    document = await stored(signups, person_id)
    assert (document["phone"], document["channels"]) == (MOBILE, ["sms"])
    assert texts_log(document) == [(True, "my-together")]
    [told] = await sent(probe, "volunteer.contact_changed", person_id)
    assert (told["data"]["phone"], told["data"]["channels"]) == (MOBILE, ["sms"])


async def test_a_details_change_on_my_together_leaves_the_phone_and_channels_alone(
    signups: Signups, probe: EventProbe
) -> None:
    email, person_id = await volunteer(signups, probe, channels="sms", phone="07700 900982")
    async with signed_in_client(signups, probe, email, person_id) as http:
        form = {**volunteer_form(email), "name": "Ann Newname"}
        del form["phone"]
        asked = await http.post("/my/details", data=form)
    assert asked.status_code == 303
    [requested] = await sent(probe, "volunteer.change_requested", person_id)
    async with signups.client() as http:
        followed = await http.post(path_of(requested["data"]["confirm_url"]))
    assert followed.status_code == 200
    document = await stored(signups, person_id)
    assert (document["name"], document["phone"], document["channels"]) == (
        "Ann Newname",
        MOBILE,
        ["sms"],
    )
    [told] = await sent(probe, "volunteer.contact_changed", person_id)
    assert (told["data"]["name"], told["data"]["channels"]) == ("Ann Newname", None)


# STOP, told by notifications


def stop(person_id: str, keyword: str = "STOP") -> TextsStopped:
    return TextsStopped(
        producer="notifications",
        correlation_id="sms-inbound",
        occurred_at=datetime(2026, 12, 3, 18, 30, tzinfo=UTC),
        data=TextsStoppedData(person_id=uuid.UUID(person_id), keyword=keyword),
    )


async def test_a_stop_is_recorded_once_shown_on_my_together_and_choosing_text_restarts(
    signups: Signups, probe: EventProbe, rabbitmq_url: str
) -> None:
    email, person_id = await volunteer(signups, probe, channels="email sms", phone="07700 900982")
    stopped = stop(person_id)

    await publish_event(rabbitmq_url, stopped)

    async def channels() -> list[str]:
        return list((await stored(signups, person_id))["channels"])

    await eventually(channels, until=lambda c: c == ["email"], what="texts stopped")
    assert texts_log(await stored(signups, person_id)) == [
        (True, "form"),
        (False, "sms-reply:STOP"),
    ]
    async with signed_in_client(signups, probe, email, person_id) as http:
        page = await http.get("/my")
        welsh = await http.get("/my", params={"lang": "cy"})
        assert "You stopped texts by replying STOP on 3 December 2026" in page.text
        assert "drwy ateb STOP ar 3 Rhagfyr 2026" in welsh.text
        restarted = await http.post("/my/reach", data={"channels": "email sms", "phone": MOBILE})
        assert restarted.status_code == 303
        assert "You stopped texts" not in (await http.get("/my")).text
    [*_, told] = await sent(probe, "volunteer.contact_changed", person_id)
    assert told["data"]["channels"] == ["email", "sms"]

    # The same event again (a redelivery), then another after it on the same queue: by the time
    # the second is recorded, the first has been taken, and must have changed nothing.
    _, other = await volunteer(signups, probe, channels="sms", phone="07700 900123")
    await publish_event(rabbitmq_url, stopped)
    await publish_event(rabbitmq_url, stop(other, keyword="QUIT"))

    async def other_log() -> list[tuple[bool, str]]:
        return texts_log(await stored(signups, other))

    await eventually(other_log, until=lambda log: len(log) == 2, what="the second STOP")
    document = await stored(signups, person_id)
    assert document["channels"] == ["email", "sms"]
    assert texts_log(document) == [
        (True, "form"),
        (False, "sms-reply:STOP"),
        (True, "my-together"),
    ]
    assert (await stored(signups, other))["channels"] == []
    assert len([e for e in probe.events if e["type"] == "volunteer.contact_changed"]) == 1


def reply(
    person_id: str, keyword: str, *channels: Literal["email", "sms"], at: datetime | None = None
) -> ChannelsChosen:
    """Notifications telling of a reply choosing `channels`, sent `at` (now by default)."""
    return ChannelsChosen(
        producer="notifications",
        correlation_id="sms-inbound",
        occurred_at=at or datetime.now(UTC),
        data=ChannelsChosenData(
            person_id=uuid.UUID(person_id), channels=list(channels), keyword=keyword
        ),
    )


async def test_a_channel_chosen_by_reply_applies_is_logged_and_told_to_notifications(
    signups: Signups, probe: EventProbe, rabbitmq_url: str
) -> None:
    _, person_id = await volunteer(signups, probe, channels="email sms", phone="07700 900982")

    def chosen(keyword: str, *channels: Literal["email", "sms"]) -> ChannelsChosen:
        return reply(person_id, keyword, *channels)

    async def channels() -> list[str]:
        return list((await stored(signups, person_id))["channels"])

    await publish_event(rabbitmq_url, chosen("EMAIL", "email"))
    await eventually(channels, until=lambda c: c == ["email"], what="email only")
    await publish_event(rabbitmq_url, chosen("EMAIL", "email"))
    await publish_event(rabbitmq_url, chosen("BOTH", "email", "sms"))
    await eventually(channels, until=lambda c: c == ["email", "sms"], what="both again")

    assert texts_log(await stored(signups, person_id)) == [
        (True, "form"),
        (False, "sms-reply:EMAIL"),
        (True, "sms-reply:BOTH"),
    ]
    told = await sent(probe, "volunteer.contact_changed", person_id, count=2)
    assert [event["data"]["channels"] for event in told] == [["email"], ["email", "sms"]]
    assert {event["data"]["phone"] for event in told} == {MOBILE}


async def test_a_reply_sent_before_a_later_choice_changes_nothing(
    signups: Signups, probe: EventProbe, rabbitmq_url: str
) -> None:
    """Replies and choices can reach signups out of order: a reply sent before the choice the
    person made since on My together is not applied, nor logged, nor told to notifications."""
    email, person_id = await volunteer(signups, probe, channels="email sms", phone="07700 900982")
    async with signed_in_client(signups, probe, email, person_id) as http:
        chose = await http.post("/my/reach", data={"channels": "email", "phone": MOBILE})
        assert chose.status_code == 303
    await sent(probe, "volunteer.contact_changed", person_id)
    stale = reply(person_id, "BOTH", "email", "sms", at=datetime.now(UTC) - timedelta(minutes=1))

    await publish_event(rabbitmq_url, stale)
    await eventually(
        lambda: signups.db["inbox"].find_one({"event_id": str(stale.id)}),
        what="the earlier reply consumed",
    )

    document = await stored(signups, person_id)
    assert document["channels"] == ["email"]
    assert texts_log(document) == [(True, "form"), (False, "my-together")]
    told = [e for e in probe.events if e["type"] == "volunteer.contact_changed"]
    assert [e["data"]["channels"] for e in told if e["data"]["person_id"] == person_id] == [
        ["email"]
    ]


# Erasure and subject access


async def test_forgetting_tells_the_keyed_digest_of_the_phone(
    signups: Signups, probe: EventProbe
) -> None:
    email, person_id = await volunteer(signups, probe, channels="email sms", phone="07700 900982")
    async with signed_in_client(signups, probe, email, person_id) as http:
        forgotten = await http.post("/my/forget")

    assert forgotten.status_code == 200
    [erasure] = await sent(probe, "person.erasure_requested", person_id)
    key = signups.settings.erasure_digest_key
    assert erasure["data"]["phone_digest"] == phone_digest(MOBILE, key=key)
    assert "7700900982" not in str(erasure)


async def test_subject_access_shows_the_phone_channels_and_text_consents(
    start: Callable[..., Awaitable[Signups]], probe: EventProbe, rabbitmq_url: str
) -> None:
    signups = await start(admin_api_key=ADMIN_KEY)
    email, person_id = await volunteer(signups, probe, channels="email sms", phone="07700 900982")
    await publish_event(rabbitmq_url, stop(person_id, keyword="END"))

    async def channels() -> list[str]:
        return list((await stored(signups, person_id))["channels"])

    await eventually(channels, until=lambda c: c == ["email"], what="texts stopped")
    async with signups.client() as http:
        asked = await http.post(
            "/api/v1/admin/access", json={"email": email}, headers={"X-API-Key": ADMIN_KEY}
        )

    assert asked.status_code == 202, asked.text
    own = await signups.db["access_requests"].find_one({"_id": asked.json()["id"]})
    assert own is not None
    held = own["answers"]["signups"]["volunteer"]
    assert (held["details"]["phone"], held["details"]["channels"]) == (MOBILE, ["email"])
    assert [
        (r["granted"], r["source"], r["at"]) for r in held["consent_log"] if r["consent"] == "texts"
    ] == [
        (True, "form", held["joined_at"]),
        (False, "sms-reply:END", "2026-12-03T18:30:00+00:00"),
    ]
