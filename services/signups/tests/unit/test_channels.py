"""How a volunteer hears of invitations, reminders and changes (email, text or both): the choice
and its consent log, STOP replied to a text, and what signups tells notifications of them."""

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from signups.domain import phones
from signups.domain.people import ChannelConsent, ConsentRecord, Person
from signups.domain.phones import e164, uk_mobile
from signups.entrypoints.schemas import ReachChange, SignupCreate
from signups.entrypoints.web.forms import CHANNEL_LABELS
from signups.handlers import links, mine, texts, volunteers
from together_contracts import Consent, TextsStopped, TextsStoppedData

from .fakes import NOW, World, context, details, joined, new_world
from .test_handlers import confirm_token

pytestmark = pytest.mark.unit

MOBILE = "+447700900982"
MINIMAL = {"name": "Ann Jones", "email": "ann@example.org", "postcode": "CF10 1AA"}
TEXTS = ChannelConsent.TEXTS


@pytest.fixture
def world() -> World:
    return new_world()


def refused(model: type[SignupCreate | ReachChange], body: dict[str, Any]) -> list[Any]:
    with pytest.raises(ValidationError) as raised:
        model.model_validate(body)
    return [error["loc"] for error in raised.value.errors()]


# The rule: texts need a UK mobile


@pytest.mark.parametrize(
    ("raw", "mobile"),
    [
        ("07700 900982", True),
        ("+44 7911 123456", True),
        ("0044 (0)7911 123456", True),
        ("029 2000 0000", False),
        ("070 1234 5678", False),
        ("076 1234 5678", False),
        ("+353 85 123 4567", False),
        ("+1 202 555 0100", False),
    ],
)
def test_only_a_uk_mobile_takes_texts(raw: str, mobile: bool) -> None:
    assert uk_mobile(e164(raw)) is mobile


def test_email_is_the_channel_unless_another_is_chosen() -> None:
    assert SignupCreate.model_validate(MINIMAL).details().channels == ("email",)
    chosen = SignupCreate.model_validate({**MINIMAL, "channels": ["sms", "email"], "phone": MOBILE})
    assert chosen.details().channels == ("email", "sms")


@pytest.mark.parametrize("model", [SignupCreate, ReachChange])
@pytest.mark.parametrize(
    ("body", "location"),
    [
        ({"channels": ["sms"]}, ("phone",)),
        ({"channels": ["email", "sms"], "phone": "029 2000 0000"}, ("phone",)),
        ({"channels": ["sms"], "phone": "+353 85 123 4567"}, ("phone",)),
        ({"channels": ["sms"], "phone": "call me"}, ("phone",)),
        ({"channels": []}, ("channels",)),
        ({"channels": ["fax"], "phone": MOBILE}, ("channels", 0)),
        ({"channels": "email"}, ("channels",)),
    ],
)
def test_texts_without_a_uk_mobile_are_refused_at_the_phone(
    model: type[SignupCreate | ReachChange], body: dict[str, Any], location: tuple[Any, ...]
) -> None:
    base = MINIMAL if model is SignupCreate else {}
    assert refused(model, {**base, **body}) == [location]


def test_a_landline_is_still_kept_for_email_only() -> None:
    kept = ReachChange.model_validate({"channels": ["email"], "phone": "029 2000 0000"})
    assert (kept.channels, kept.phone) == (["email"], "+442920000000")


def test_the_form_offers_each_choice_of_channels_once() -> None:
    assert sorted(tuple(value.split()) for value in CHANNEL_LABELS) == [
        ("email",),
        ("email", "sms"),
        ("sms",),
    ]


# The consent log


def texts_log(person: Person) -> list[tuple[bool, str]]:
    return [(r.granted, r.source) for r in person.consent_log if r.consent is TEXTS]


def test_choosing_text_on_the_form_is_logged_as_a_consent_given_there() -> None:
    person = Person.join(details(channels=("email", "sms"), phone=MOBILE), context(source="form"))

    assert person.consent_log == [
        ConsentRecord(Consent.MATCHED_EVENTS, True, "2026-11", "form", NOW),
        ConsentRecord(TEXTS, True, "2026-11", "form", NOW),
    ]
    assert texts_log(joined()) == []


def test_stop_drops_text_and_is_logged_with_its_word_once() -> None:
    person = joined(channels=("email", "sms"), phone=MOBILE)
    later = NOW + timedelta(days=3)

    assert person.stop_texts("STOP", at=later, form_version="2026-11")
    assert not person.stop_texts("STOP", at=later, form_version="2026-11")
    assert not person.stop_texts("QUIT", at=later, form_version="2026-11")

    assert person.details.channels == ("email",)
    assert person.details.phone == MOBILE, "the number stays, for erasure and a restart"
    assert texts_log(person) == [(True, "form"), (False, "sms-reply:STOP")]
    stopped = person.texts_stopped
    assert stopped is not None
    assert (stopped.at, stopped.form_version) == (NOW + timedelta(days=3), "2026-11")


def test_stop_of_the_only_channel_leaves_none_rather_than_email() -> None:
    person = joined(channels=("sms",), phone=MOBILE)

    assert person.stop_texts("UNSUBSCRIBE", at=NOW, form_version="2026-11")

    assert person.details.channels == ()
    assert texts_log(person)[-1] == (False, "sms-reply:UNSUBSCRIBE")


def test_a_choice_by_reply_is_logged_with_its_word_and_needs_the_address_it_names() -> None:
    person = joined(channels=("email", "sms"), phone=MOBILE)
    phone_only = joined(email=None, channels=("sms",), phone=MOBILE)
    later = NOW + timedelta(days=1)

    assert person.choose_channels_by_reply(("email",), "EMAIL", at=later, form_version="2026-11")
    assert not person.choose_channels_by_reply(("email",), "EBOST", at=later, form_version="x")
    assert not phone_only.choose_channels_by_reply(("email",), "EMAIL", at=later, form_version="x")

    assert person.details.channels == ("email",)
    assert texts_log(person) == [(True, "form"), (False, "sms-reply:EMAIL")]
    assert phone_only.details.channels == ("sms",)


def test_a_reply_sent_before_a_later_choice_is_not_applied_one_after_it_is() -> None:
    """Replies and choices reach signups in any order; the one made last is what holds."""
    person = joined(channels=("email", "sms"), phone=MOBILE)
    assert person.choose_channels(("email",), MOBILE, context(NOW + timedelta(hours=2)))

    sent_before = NOW + timedelta(hours=1)
    assert not person.choose_channels_by_reply(
        ("email", "sms"), "BOTH", at=sent_before, form_version="2026-11"
    )
    assert person.details.channels == ("email",)
    assert person.choose_channels_by_reply(
        ("sms",), "TEXT", at=NOW + timedelta(hours=3), form_version="2026-11"
    )
    assert not person.stop_texts("STOP", at=sent_before, form_version="2026-11")

    assert person.details.channels == ("sms",)
    assert texts_log(person) == [(True, "form"), (False, "form"), (True, "sms-reply:TEXT")]
    assert person.reach_chosen_at == NOW + timedelta(hours=3)


def test_a_change_confirmed_by_its_link_or_entered_by_staff_is_a_choice_too() -> None:
    """The channels in a change count from when it was asked for; staff's entry from when it was
    made: a reply sent before either is not applied over it."""
    person = joined(channels=("email", "sms"), phone=MOBILE)
    asked = NOW + timedelta(hours=2)
    person.rejoin(details(channels=("email",), phone=MOBILE), context(asked))
    nonce = person.pending_change.nonce if person.pending_change else ""
    person.confirm_change(nonce, asked + timedelta(hours=1))
    assert not person.choose_channels_by_reply(
        ("email", "sms"), "BOTH", at=NOW + timedelta(hours=1), form_version="2026-11"
    )
    assert person.details.channels == ("email",)

    by_staff = joined(email=None, channels=("sms",), phone=MOBILE)
    by_staff.witnessed_again(by_staff.details, context(asked, source="paper"))
    assert not by_staff.stop_texts("STOP", at=NOW + timedelta(hours=1), form_version="2026-11")
    assert by_staff.details.channels == ("sms",)


def test_stop_also_drops_text_from_a_change_waiting_for_its_link() -> None:
    person = joined(channels=("email", "sms"), phone=MOBILE)
    person.rejoin(details(channels=("sms",), phone=MOBILE, name="Ann J"), context())

    person.stop_texts("STOP", at=NOW, form_version="2026-11")

    assert person.pending_change is not None
    assert person.pending_change.details.channels == ()
    assert person.pending_change.details.name == "Ann J"


def test_choosing_text_again_restarts_texts_and_clears_the_stop() -> None:
    person = joined(channels=("email", "sms"), phone=MOBILE)
    person.stop_texts("STOP", at=NOW, form_version="2026-11")

    assert person.choose_channels(("sms",), MOBILE, context(source="my-together"))
    assert not person.choose_channels(("sms",), MOBILE, context(source="my-together"))

    assert person.texts_stopped is None
    assert person.details.channels == ("sms",)
    assert texts_log(person) == [(True, "form"), (False, "sms-reply:STOP"), (True, "my-together")]


def test_a_choice_made_while_signed_in_is_not_undone_by_an_older_change_link() -> None:
    person = joined()
    assert person.confirm(person.confirmation_nonce or "", NOW).value == "confirmed"
    person.rejoin(details(name="Ann J"), context())
    nonce = person.pending_change.nonce if person.pending_change else ""

    person.choose_channels(("email", "sms"), MOBILE, context(source="my-together"))
    followed = person.follow_change_link(nonce, NOW)

    assert (person.details.name, person.details.channels) == ("Ann J", ("email", "sms"))
    assert followed.contact_changed
    assert not followed.channels_changed


def test_a_confirmed_change_of_channels_is_logged_as_given_through_the_link() -> None:
    person = joined()
    person.confirm(person.confirmation_nonce or "", NOW)
    person.rejoin(details(channels=("sms",), phone=MOBILE), context(source="api"))
    nonce = person.pending_change.nonce if person.pending_change else ""

    followed = person.follow_change_link(nonce, NOW)

    assert followed.channels_changed
    assert not followed.contact_changed
    assert texts_log(person) == [(True, "change-link")]


# What signups tells


async def test_a_join_tells_notifications_the_phone_and_channels(world: World) -> None:
    chosen = details(channels=("email", "sms"), phone=MOBILE)
    command = volunteers.JoinVolunteer(details=chosen, source="form", correlation_id="j")

    await volunteers.join_volunteer(command, world.ctx)

    [registered] = world.of_type("volunteer.registered")
    data = registered.model_dump(mode="json")["data"]
    assert (data["phone"], data["channels"]) == (MOBILE, ["email", "sms"])


async def confirmed_volunteer(world: World, **changes: object) -> Person:
    command = volunteers.JoinVolunteer(
        details=details(**changes), source="form", correlation_id="j"
    )
    await volunteers.join_volunteer(command, world.ctx)
    await links.confirm(confirm_token(world), correlation_id="c", ctx=world.ctx)
    [person] = world.people.people.values()
    return person


async def test_choosing_channels_on_my_together_applies_at_once_and_tells_them(
    world: World,
) -> None:
    person = await confirmed_volunteer(world)

    changed = await mine.choose_reach(
        person, ("email", "sms"), MOBILE, correlation_id="reach", ctx=world.ctx
    )
    again = await mine.choose_reach(
        person, ("email", "sms"), MOBILE, correlation_id="again", ctx=world.ctx
    )

    assert (changed, again) == (True, False)
    stored = world.people.people[person.id]
    assert (stored.details.channels, stored.details.phone) == (("email", "sms"), MOBILE)
    [told] = world.of_type("volunteer.contact_changed")
    assert told.correlation_id == "reach"
    data = told.model_dump(mode="json")["data"]
    assert (data["phone"], data["channels"], data["name"]) == (
        MOBILE,
        ["email", "sms"],
        "Ann Jones",
    )
    assert texts_log(stored) == [(True, "my-together")]


async def test_a_details_change_on_my_together_keeps_the_phone_and_channels(world: World) -> None:
    person = await confirmed_volunteer(world, channels=("sms",), phone=MOBILE)

    await mine.change_details(
        person, replace(person.details, name="Ann J", phone=None), correlation_id="d", ctx=world.ctx
    )

    pending = world.people.people[person.id].pending_change
    assert pending is not None
    assert (pending.details.name, pending.details.phone, pending.details.channels) == (
        "Ann J",
        MOBILE,
        ("sms",),
    )


def stop_event(person: Person, keyword: str = "STOP") -> TextsStopped:
    return TextsStopped(
        producer="notifications",
        correlation_id="sms-in",
        occurred_at=NOW + timedelta(days=1),
        data=TextsStoppedData(person_id=person.id, keyword=keyword),
    )


async def test_a_stop_from_notifications_is_recorded_and_told_to_nobody(world: World) -> None:
    person = await confirmed_volunteer(world, channels=("email", "sms"), phone=MOBILE)
    told_before = len(world.events)
    event = stop_event(person, keyword="stop")

    await texts.note_texts_stopped(event, world.ctx)
    await texts.note_texts_stopped(event, world.ctx)

    stored = world.people.people[person.id]
    assert stored.details.channels == ("email",)
    assert texts_log(stored) == [(True, "form"), (False, "sms-reply:STOP")]
    assert stored.consent_log[-1].at == NOW + timedelta(days=1)
    assert len(world.events) == told_before


async def test_a_stop_for_someone_forgotten_is_dropped(world: World) -> None:
    person = await confirmed_volunteer(world, channels=("sms",), phone=MOBILE)
    await world.ctx.people.delete(person.id)

    await texts.note_texts_stopped(stop_event(person), world.ctx)

    assert world.people.people == {}


@pytest.mark.parametrize(
    ("kept", "shown"),
    [
        ("+447700900982", "07700 900982"),
        ("+442920000000", "029 2000 0000"),
        ("+33612345678", "+33 6 12 34 56 78"),
        (None, ""),
    ],
)
def test_a_number_is_shown_as_people_write_it(kept: str | None, shown: str) -> None:
    assert phones.shown(kept) == shown
