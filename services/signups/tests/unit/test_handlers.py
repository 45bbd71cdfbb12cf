"""The handlers of signups driven with small in-memory fakes of its ports, real tokens and links."""

import copy
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import timedelta
from urllib.parse import unquote, urlsplit
from uuid import UUID

import pytest
from itsdangerous import TimestampSigner
from signups.adapters.tokens import Tokens
from signups.domain.links import Purpose
from signups.domain.organisations import Organisation
from signups.domain.people import (
    EmailAlreadyRegisteredError,
    JoinContext,
    Mail,
    Person,
    Status,
    VolunteerDetails,
)
from signups.domain.pledges import DecisionOutcome
from signups.handlers import erasure, links, organisations, pledges, volunteers
from signups.handlers.erasure import ErasureOutcome
from signups.handlers.links import LinkOutcome
from signups.handlers.volunteers import JoinOutcome, JoinVolunteer
from together_contracts import (
    Availability,
    Consent,
    IntegrationEvent,
    Interest,
    PledgeApproved,
    PledgeOutcomeData,
    PledgeRejected,
    email_digest,
    phone_digest,
)

from .fakes import (
    BASE_URL,
    ERASURE_KEY,
    NOW,
    PLEDGE,
    RIVERSIDE,
    FakeMailQuota,
    FakePeople,
    World,
    new_world,
)

pytestmark = pytest.mark.unit


@pytest.fixture
def world() -> World:
    return new_world()


ANN = VolunteerDetails(
    name="Ann Jones",
    email="ann.jones@example.org",
    postcode="CF10 1AA",
    outward_code="CF10",
    travel_radius_km=10,
    language="cy",
    phone="029 2000 0000",
    interests=(Interest.BEFRIENDING, Interest.FOOD_AND_MUTUAL_AID),
    availability=(Availability.WEEKENDS,),
    consents=frozenset({Consent.MATCHED_EVENTS, Consent.NEWS}),
)
PII = (ANN.name, ANN.email, "029 2000 0000", ANN.postcode)


def join(details: VolunteerDetails = ANN, *, source: str = "form") -> JoinVolunteer:
    return JoinVolunteer(details=details, source=source, correlation_id="corr-1")


def token_of(url: str, path: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE_URL
    prefix, _, token = parts.path.rpartition("/")
    assert prefix == f"/{path}"
    return unquote(token)


def assert_no_pii(event: IntegrationEvent) -> None:
    text = event.model_dump_json()
    for value in PII:
        assert value not in text, f"{event.type} carries {value!r}"


IssueAt = Callable[[float, Callable[[], str]], str]


@pytest.fixture
def issued_days_ago(monkeypatch: pytest.MonkeyPatch) -> IssueAt:
    """Issue a token as if at a past moment: itsdangerous reads its clock through `get_timestamp`."""

    def issue(days: float, make: Callable[[], str]) -> str:
        past = int(time.time() - days * 24 * 3600)
        with monkeypatch.context() as patched:
            patched.setattr(TimestampSigner, "get_timestamp", lambda _self: past)
            return make()

    return issue


# Joining and rejoining


async def test_a_new_email_registers_a_pending_person_with_its_confirmation(world: World) -> None:
    joined = await volunteers.join_volunteer(join(source="api"), world.ctx)

    assert joined.outcome is JoinOutcome.REGISTERED
    assert joined.mail is Mail.CONFIRM_ADDRESS
    person = world.people.people[joined.person_id]
    assert person.status is Status.PENDING
    assert person.confirmation_sent_at == NOW
    assert {(r.consent, r.granted, r.source, r.form_version) for r in person.consent_log} == {
        (Consent.MATCHED_EVENTS, True, "api", "2026-11"),
        (Consent.NEWS, True, "api", "2026-11"),
    }
    [event] = world.events
    assert event.type == "volunteer.registered"
    assert event.producer == "signups"
    assert event.correlation_id == "corr-1"
    data = event.model_dump(mode="json")["data"]
    assert data["person_id"] == str(person.id)
    assert (data["name"], data["email"], data["language"]) == (ANN.name, ANN.email, "cy")
    claims = world.ctx.tokens.read(token_of(data["confirm_url"], "confirm"), max_age=60)
    assert (claims.purpose, claims.subject) == (Purpose.CONFIRM_PERSON, person.id)
    assert claims.nonce == person.confirmation_nonce
    claims = world.ctx.tokens.read(token_of(data["unsubscribe_url"], "stop-emails"), max_age=60)
    assert (claims.purpose, claims.subject) == (Purpose.UNSUBSCRIBE, person.id)


async def test_rejoining_unchanged_within_ten_minutes_does_nothing(world: World) -> None:
    first = await volunteers.join_volunteer(join(), world.ctx)
    world.clock.advance(minutes=5)

    again = await volunteers.join_volunteer(join(), world.ctx)

    assert again.person_id == first.person_id
    assert again.outcome is JoinOutcome.UNCHANGED
    assert again.mail is None
    assert len(world.people.people) == 1
    assert [e.type for e in world.events] == ["volunteer.registered"]


CHANGED = replace(
    ANN,
    name="Someone Else",
    postcode="M1 1AE",
    outward_code="M1",
    phone="0161 000 0000",
    travel_radius_km=30,
    interests=(Interest.SPORT,),
    consents=frozenset({Consent.NEWS}),
)


def change_token(world: World, index: int = -1) -> str:
    requested = world.of_type("volunteer.change_requested")[index]
    return token_of(requested.model_dump()["data"]["confirm_url"], "confirm")


async def confirmed_ann(world: World) -> UUID:
    joined = await volunteers.join_volunteer(join(), world.ctx)
    await links.confirm(confirm_token(world), correlation_id="c", ctx=world.ctx)
    assert joined.person_id is not None
    return joined.person_id


async def test_joining_again_with_other_details_changes_nothing_and_asks_the_address(
    world: World,
) -> None:
    person_id = await confirmed_ann(world)
    before = copy.deepcopy(world.people.people[person_id])
    world.clock.advance(days=1)

    again = await volunteers.join_volunteer(join(CHANGED, source="api"), world.ctx)

    assert (again.person_id, again.outcome, again.mail) == (
        person_id,
        JoinOutcome.CHANGE_PENDING,
        Mail.CONFIRM_CHANGE,
    )
    person = world.people.people[person_id]
    assert person.details == before.details
    assert person.consent_log == before.consent_log
    assert person.pending_change is not None
    assert person.pending_change.details == CHANGED
    assert not world.of_type("volunteer.updated")
    [requested] = world.of_type("volunteer.change_requested")
    data = requested.model_dump(mode="json")["data"]
    assert (data["person_id"], data["email"], data["language"]) == (str(person_id), ANN.email, "cy")
    for given in ("Someone Else", "M1 1AE", "0161 000 0000", ANN.name):
        assert given not in requested.model_dump_json()
    claims = world.ctx.tokens.read(change_token(world), max_age=60)
    assert (claims.purpose, claims.subject) == (Purpose.CONFIRM_CHANGE, person_id)
    assert claims.nonce == person.pending_change.nonce


async def test_following_the_change_link_applies_it_tells_updated_and_logs_the_link(
    world: World,
) -> None:
    person_id = await confirmed_ann(world)
    world.clock.advance(days=1)
    await volunteers.join_volunteer(join(CHANGED, source="api"), world.ctx)
    world.clock.advance(hours=3)

    shown = await links.preview(change_token(world), ctx=world.ctx)
    assert (shown.outcome, shown.volunteer) == (LinkOutcome.READY, CHANGED)
    assert world.people.people[person_id].details == ANN

    first = await links.confirm(change_token(world), correlation_id="ch1", ctx=world.ctx)
    second = await links.confirm(change_token(world), correlation_id="ch2", ctx=world.ctx)

    assert first == links.Followed(LinkOutcome.CONFIRMED, change=True)
    assert second.outcome is LinkOutcome.ALREADY_CONFIRMED
    person = world.people.people[person_id]
    assert person.details == CHANGED
    assert person.pending_change is None
    assert [(r.consent, r.granted, r.source, r.at) for r in person.consent_log[-1:]] == [
        (Consent.MATCHED_EVENTS, False, "change-link", NOW + timedelta(days=1, hours=3))
    ]
    [contact, updated] = world.events[-2:]
    assert contact.model_dump(mode="json")["data"] == {
        "person_id": str(person_id),
        "name": "Someone Else",
        "language": "cy",
        "phone": "0161 000 0000",
        "channels": ["email"],
    }
    assert updated.type == "volunteer.updated"
    assert updated.correlation_id == "ch1"
    assert_no_pii(updated)
    assert updated.model_dump(mode="json")["data"] == {
        "person_id": str(person_id),
        "confirmed": True,
        "profile": {
            "outward_code": "M1",
            "interests": ["sport"],
            "availability": ["weekends"],
            "travel_radius_km": 30,
            "language": "cy",
            "connector": False,
            "consents": ["news"],
        },
    }


async def test_only_the_latest_change_link_works(world: World) -> None:
    person_id = await confirmed_ann(world)
    await volunteers.join_volunteer(join(CHANGED), world.ctx)
    older = change_token(world)
    await volunteers.join_volunteer(join(replace(CHANGED, connector=True)), world.ctx)

    stale = await links.confirm(older, correlation_id="old", ctx=world.ctx)
    latest = await links.confirm(change_token(world), correlation_id="new", ctx=world.ctx)

    assert stale.outcome is LinkOutcome.INVALID
    assert latest.outcome is LinkOutcome.CONFIRMED
    assert world.people.people[person_id].details == replace(CHANGED, connector=True)


async def test_the_same_change_again_within_ten_minutes_sends_nothing_more(world: World) -> None:
    await confirmed_ann(world)
    await volunteers.join_volunteer(join(CHANGED), world.ctx)
    world.clock.advance(minutes=5)

    again = await volunteers.join_volunteer(join(CHANGED), world.ctx)

    assert (again.outcome, again.mail) == (JoinOutcome.UNCHANGED, None)
    assert len(world.of_type("volunteer.change_requested")) == 1


async def test_a_confirmed_person_joining_with_the_same_details_is_sent_nothing(
    world: World,
) -> None:
    await confirmed_ann(world)
    world.clock.advance(days=1)

    again = await volunteers.join_volunteer(join(), world.ctx)

    assert (again.outcome, again.mail) == (JoinOutcome.UNCHANGED, None)
    assert [e.type for e in world.events] == ["volunteer.registered", "volunteer.confirmed"]


async def test_an_unconfirmed_person_joining_with_other_details_keeps_them_pending(
    world: World,
) -> None:
    joined = await volunteers.join_volunteer(join(), world.ctx)
    assert joined.person_id is not None
    world.clock.advance(minutes=1)

    again = await volunteers.join_volunteer(join(CHANGED), world.ctx)

    assert again.outcome is JoinOutcome.CHANGE_PENDING
    person = world.people.people[joined.person_id]
    assert person.details == ANN
    assert person.status is Status.PENDING
    # Following the change link proves the mailbox: the change applies and the address is confirmed.
    followed = await links.confirm(change_token(world), correlation_id="ch", ctx=world.ctx)
    assert followed.outcome is LinkOutcome.CONFIRMED
    person = world.people.people[joined.person_id]
    assert (person.details, person.status) == (CHANGED, Status.CONFIRMED)
    assert [e.type for e in world.events[-2:]] == [
        "volunteer.contact_changed",
        "volunteer.confirmed",
    ]
    [confirmed] = world.of_type("volunteer.confirmed")
    assert confirmed.model_dump(mode="json")["data"]["profile"]["outward_code"] == "M1"
    assert_no_pii(confirmed)


async def test_at_most_one_confirmation_per_ten_minutes_however_often_one_joins(
    world: World,
) -> None:
    for _ in range(5):
        await volunteers.join_volunteer(join(), world.ctx)
        world.clock.advance(minutes=1)
    assert len(world.of_type("volunteer.registered")) == 1

    world.clock.advance(minutes=6)  # eleven minutes after the first
    again = await volunteers.join_volunteer(join(), world.ctx)

    assert again.outcome is JoinOutcome.UNCHANGED
    assert again.mail is Mail.CONFIRM_ADDRESS
    assert len(world.of_type("volunteer.registered")) == 2
    assert len(world.people.people) == 1


class RacingPeople(FakePeople):
    """Another request registers the same email just before our insert, which is turned away."""

    async def add(self, person: Person, *, events: Sequence[IntegrationEvent]) -> None:
        if not self.people:
            rival = Person.join(replace(ANN, name="Rival"), JoinContext(NOW, "form", "v"))
            self.people[rival.id] = rival
        await super().add(person, events=events)


async def test_losing_a_race_to_register_the_same_email_rejoins_instead(world: World) -> None:
    people = RacingPeople()
    ctx = replace(world.ctx, people=people)

    joined = await volunteers.join_volunteer(join(), ctx)

    assert joined.outcome is JoinOutcome.CHANGE_PENDING
    assert len(people.people) == 1
    assert joined.person_id is not None
    stored = people.people[joined.person_id]
    assert stored.details.name == "Rival"
    assert stored.pending_change is not None
    assert stored.pending_change.details.name == ANN.name


class ForgettingPeople(FakePeople):
    """The address's person is forgotten between our insert being turned away and our look-up."""

    turned_away = False

    async def find_by_email(self, email: str) -> Person | None:
        if self.turned_away:
            self.people.clear()
        return await super().find_by_email(email)

    async def add(self, person: Person, *, events: Sequence[IntegrationEvent]) -> None:
        try:
            await super().add(person, events=events)
        except EmailAlreadyRegisteredError:
            self.turned_away = True
            raise


async def test_an_address_forgotten_while_joining_is_registered_anew(world: World) -> None:
    people = ForgettingPeople()
    quota = FakeMailQuota(per_day=3)
    ctx = replace(world.ctx, people=people, mail_quota=quota)
    await volunteers.join_volunteer(join(), ctx)

    again = await volunteers.join_volunteer(join(CHANGED), ctx)

    assert (again.outcome, again.mail) == (JoinOutcome.REGISTERED, Mail.CONFIRM_ADDRESS)
    [person] = people.people.values()
    assert (person.id, person.details) == (again.person_id, CHANGED)
    assert [e.type for e in people.events] == ["volunteer.registered"] * 2
    assert sum(quota.counts.values()) == 2


async def test_a_join_that_sends_nothing_counts_no_email(world: World) -> None:
    """A join takes its email before it knows the address (it inserts first): a known address
    whose join sends nothing gives it back, so repeats never use up the day's allowance."""
    quota = FakeMailQuota(per_day=2)
    ctx = replace(world.ctx, mail_quota=quota)
    first = await volunteers.join_volunteer(join(), ctx)
    for _ in range(3):
        world.clock.advance(minutes=1)
        again = await volunteers.join_volunteer(join(), ctx)
        assert (again.person_id, again.outcome, again.mail) == (
            first.person_id,
            JoinOutcome.UNCHANGED,
            None,
        )

    changed = await volunteers.join_volunteer(join(CHANGED), ctx)

    assert (changed.outcome, changed.mail) == (JoinOutcome.CHANGE_PENDING, Mail.CONFIRM_CHANGE)
    assert list(quota.counts.values()) == [2]


async def test_a_known_address_past_its_allowance_is_answered_as_before(world: World) -> None:
    quota = FakeMailQuota(per_day=1)
    ctx = replace(world.ctx, mail_quota=quota)
    first = await volunteers.join_volunteer(join(), ctx)
    world.clock.advance(minutes=1)

    same = await volunteers.join_volunteer(join(), ctx)
    changed = await volunteers.join_volunteer(join(CHANGED), ctx)

    assert (same.person_id, same.outcome) == (first.person_id, JoinOutcome.UNCHANGED)
    assert (changed.person_id, changed.outcome) == (first.person_id, JoinOutcome.LIMITED)
    assert [e.type for e in world.events] == ["volunteer.registered"]


# Following links


def confirm_token(world: World, index: int = 0) -> str:
    registered = world.of_type("volunteer.registered")[index]
    return token_of(registered.model_dump()["data"]["confirm_url"], "confirm")


def unsubscribe_token(world: World) -> str:
    registered = world.of_type("volunteer.registered")[0]
    return token_of(registered.model_dump()["data"]["unsubscribe_url"], "stop-emails")


async def test_confirming_tells_once_without_personal_data(world: World) -> None:
    joined = await volunteers.join_volunteer(join(), world.ctx)
    world.clock.advance(hours=2)

    first = await links.confirm(confirm_token(world), correlation_id="c1", ctx=world.ctx)
    second = await links.confirm(confirm_token(world), correlation_id="c2", ctx=world.ctx)

    assert first == links.Followed(
        LinkOutcome.CONFIRMED, organisation=False, person_id=joined.person_id
    )
    assert second.outcome is LinkOutcome.ALREADY_CONFIRMED
    assert second.person_id is None, "only the first use signs the person in"
    person = world.people.people[joined.person_id]
    assert person.status is Status.CONFIRMED
    assert person.confirmed_at == NOW + timedelta(hours=2)
    [confirmed] = world.of_type("volunteer.confirmed")
    assert confirmed.correlation_id == "c1"
    assert_no_pii(confirmed)
    data = confirmed.model_dump(mode="json")["data"]
    assert data["person_id"] == str(joined.person_id)
    assert data["profile"]["outward_code"] == "CF10"
    assert data["profile"]["consents"] == ["matched-events", "news"]


async def test_a_resent_confirmation_link_confirms_too(world: World) -> None:
    await volunteers.join_volunteer(join(), world.ctx)
    world.clock.advance(minutes=11)
    await volunteers.join_volunteer(join(), world.ctx)

    followed = await links.confirm(confirm_token(world, 1), correlation_id="c", ctx=world.ctx)

    assert followed.outcome is LinkOutcome.CONFIRMED


async def test_a_confirmation_link_older_than_seven_days_has_expired(
    world: World, issued_days_ago: IssueAt
) -> None:
    joined = await volunteers.join_volunteer(join(), world.ctx)
    person = world.people.people[joined.person_id]
    nonce = person.confirmation_nonce or ""

    def link(days: float) -> str:
        return issued_days_ago(days, lambda: world.ctx.links.confirm_person(person.id, nonce))

    expired = await links.confirm(
        token_of(link(7.01), "confirm"), correlation_id="c", ctx=world.ctx
    )
    assert expired.outcome is LinkOutcome.EXPIRED
    assert not world.of_type("volunteer.confirmed")

    fresh = await links.confirm(token_of(link(6.9), "confirm"), correlation_id="c", ctx=world.ctx)
    assert fresh.outcome is LinkOutcome.CONFIRMED


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        Tokens("another-secret-of-at-least-thirty-two-chars").issue(
            Purpose.CONFIRM_PERSON, uuid.uuid4(), "n"
        ),
    ],
    ids=["garbage", "signed-elsewhere"],
)
async def test_a_forged_confirmation_link_is_invalid(world: World, token: str) -> None:
    await volunteers.join_volunteer(join(), world.ctx)

    followed = await links.confirm(token, correlation_id="c", ctx=world.ctx)

    assert followed.outcome is LinkOutcome.INVALID
    assert not world.of_type("volunteer.confirmed")


async def test_a_tampered_confirmation_link_is_invalid(world: World) -> None:
    await volunteers.join_volunteer(join(), world.ctx)
    token = confirm_token(world)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    assert (await links.confirm(tampered, correlation_id="c", ctx=world.ctx)).outcome is (
        LinkOutcome.INVALID
    )


async def test_links_of_other_purposes_or_unknown_people_do_not_confirm(world: World) -> None:
    joined = await volunteers.join_volunteer(join(), world.ctx)
    nonce = world.people.people[joined.person_id].confirmation_nonce or ""
    tokens = world.ctx.tokens

    for token in [
        unsubscribe_token(world),
        tokens.issue(Purpose.ERASE, joined.person_id, nonce),
        tokens.issue(Purpose.CONFIRM_PERSON, uuid.uuid4(), nonce),
        tokens.issue(Purpose.CONFIRM_PERSON, joined.person_id, "wrong-nonce"),
        tokens.issue(Purpose.CONFIRM_ORGANISATION, joined.person_id, nonce),
    ]:
        followed = await links.confirm(token, correlation_id="c", ctx=world.ctx)
        assert followed.outcome is LinkOutcome.INVALID, token

    assert world.people.people[joined.person_id].status is Status.PENDING
    assert not world.of_type("volunteer.confirmed")


async def test_unsubscribing_withdraws_email_consent_once_without_personal_data(
    world: World,
) -> None:
    joined = await volunteers.join_volunteer(join(), world.ctx)
    world.clock.advance(days=3)

    first = await links.unsubscribe(unsubscribe_token(world), correlation_id="u1", ctx=world.ctx)
    second = await links.unsubscribe(unsubscribe_token(world), correlation_id="u2", ctx=world.ctx)

    assert first.outcome is LinkOutcome.UNSUBSCRIBED
    assert second.outcome is LinkOutcome.UNSUBSCRIBED
    person = world.people.people[joined.person_id]
    assert person.details.consents == frozenset()
    assert [(r.consent, r.granted, r.source, r.at) for r in person.consent_log[-2:]] == [
        (Consent.MATCHED_EVENTS, False, "link", NOW + timedelta(days=3)),
        (Consent.NEWS, False, "link", NOW + timedelta(days=3)),
    ]
    [unsubscribed] = world.of_type("volunteer.unsubscribed")
    assert_no_pii(unsubscribed)
    assert unsubscribed.model_dump(mode="json")["data"] == {
        "person_id": str(joined.person_id),
        "withdrawn": ["matched-events", "news"],
        "source": "link",
    }


async def test_unsubscribe_refuses_other_links(world: World) -> None:
    joined = await volunteers.join_volunteer(join(), world.ctx)

    for token in [
        confirm_token(world),
        "garbage",
        world.ctx.tokens.issue(Purpose.UNSUBSCRIBE, uuid.uuid4()),
    ]:
        followed = await links.unsubscribe(token, correlation_id="u", ctx=world.ctx)
        assert followed.outcome is LinkOutcome.INVALID

    assert world.people.people[joined.person_id].details.consents == ANN.consents
    assert not world.of_type("volunteer.unsubscribed")


# Organisations


async def test_an_organisation_joins_pending_and_confirming_makes_its_pledge(
    world: World,
) -> None:
    command = organisations.JoinOrganisation(RIVERSIDE, PLEDGE, correlation_id="o1")

    organisation_id = await organisations.join_organisation(command, world.ctx)

    organisation = world.organisations.organisations[organisation_id]
    assert not organisation.confirmed
    [joined] = world.events
    assert joined.type == "organisation.joined"
    data = joined.model_dump(mode="json")["data"]
    assert data["organisation_id"] == str(organisation_id)
    assert (data["name"], data["contact_email"], data["outward_code"]) == (
        "Riverside Kitchen",
        "sam@example.org",
        "M1",
    )
    token = token_of(data["confirm_url"], "confirm")

    first = await links.confirm(token, correlation_id="o2", ctx=world.ctx)
    second = await links.confirm(token, correlation_id="o3", ctx=world.ctx)

    assert first == links.Followed(LinkOutcome.CONFIRMED, organisation=True)
    assert second == links.Followed(LinkOutcome.ALREADY_CONFIRMED, organisation=True)
    assert world.organisations.organisations[organisation_id].confirmed_at == NOW
    [pledge] = world.of_type("pledge.made")
    assert pledge.correlation_id == "o2"
    assert pledge.model_dump(mode="json")["data"] == {
        "pledge_id": str(PLEDGE.id),
        "organisation_id": str(organisation_id),
        "organisation_name": "Riverside Kitchen",
        "text": "A monthly community lunch.",
        "categories": ["food-and-mutual-aid"],
        "language": "en",
        "outward_code": "M1",
        "districts": [],
    }
    assert "sam@example.org" not in pledge.model_dump_json()


async def test_an_organisation_link_with_a_wrong_nonce_is_invalid(world: World) -> None:
    command = organisations.JoinOrganisation(RIVERSIDE, PLEDGE, correlation_id="o1")
    organisation_id = await organisations.join_organisation(command, world.ctx)
    token = world.ctx.tokens.issue(Purpose.CONFIRM_ORGANISATION, organisation_id, "wrong")

    followed = await links.confirm(token, correlation_id="c", ctx=world.ctx)

    assert followed == links.Followed(LinkOutcome.INVALID, organisation=True)
    assert not world.of_type("pledge.made")


# Erasure


def erase_token(world: World) -> str:
    [requested] = world.of_type("person.erasure_link_requested")
    return token_of(requested.model_dump()["data"]["confirm_url"], "forget")


async def test_any_address_is_sent_a_link_without_a_name_and_can_be_forgotten(
    world: World,
) -> None:
    """A story author or event organiser signups does not know: the link names a request that
    holds only the keyed digest; confirming it tells every service that digest."""
    await volunteers.join_volunteer(join(), world.ctx)
    author = "story.author@example.org"

    await erasure.request_erasure_link(author, correlation_id="e", ctx=world.ctx, language="cy")

    [link] = world.of_type("person.erasure_link_requested")
    data = link.model_dump(mode="json")["data"]
    assert (data["name"], data["email"], data["language"]) == (None, author, "cy")
    digest = email_digest(author, key=ERASURE_KEY)
    assert [r["email_digest"] for r in world.erasures.requests.values()] == [digest]
    assert author.lower() not in str(world.erasures.requests).lower()
    token = token_of(data["confirm_url"], "forget")

    outcome = await erasure.erase(token, correlation_id="e2", ctx=world.ctx)

    assert outcome is ErasureOutcome.ERASED
    [told] = world.of_type("person.erasure_requested")
    [record] = world.erasures.records.values()
    assert told.model_dump(mode="json")["data"] == {
        "erasure_id": record["_id"],
        "person_id": None,
        "email_digest": digest,
        "phone_digest": None,
    }
    assert world.erasures.tombstones == {digest}
    assert record["answers"] == {"signups": NOW}
    assert len(world.people.people) == 1, "the volunteer who joined is not touched"
    assert await erasure.erase(token, correlation_id="e3", ctx=world.ctx) is (
        ErasureOutcome.ALREADY_ERASED
    )
    assert len(world.of_type("person.erasure_requested")) == 1


def test_the_digest_is_keyed_not_a_plain_sha256() -> None:
    import hashlib

    plain = hashlib.sha256(ANN.email.encode()).hexdigest()
    assert email_digest(ANN.email, key=ERASURE_KEY) != plain
    assert email_digest(" ANN.Jones@example.org ", key=ERASURE_KEY) == email_digest(
        ANN.email, key=ERASURE_KEY
    )
    assert email_digest(ANN.email, key=b"another key") != email_digest(ANN.email, key=ERASURE_KEY)


async def add_organisation(world: World, contact_email: str) -> None:
    details = replace(RIVERSIDE, contact_email=contact_email)
    await world.organisations.add(Organisation(details, PLEDGE, joined_at=NOW), events=[])


async def test_an_organisation_contact_is_forgotten_with_their_organisation(
    world: World,
) -> None:
    await add_organisation(world, RIVERSIDE.contact_email)
    await add_organisation(world, "someone.else@example.org")
    contact = RIVERSIDE.contact_email
    await erasure.request_erasure_link(contact, correlation_id="e", ctx=world.ctx)
    [link] = world.of_type("person.erasure_link_requested")

    outcome = await erasure.erase(
        token_of(link.model_dump()["data"]["confirm_url"], "forget"),
        correlation_id="e",
        ctx=world.ctx,
    )

    assert outcome is ErasureOutcome.ERASED
    assert [o.details.contact_email for o in world.organisations.organisations.values()] == [
        "someone.else@example.org"
    ]


async def test_a_volunteer_who_is_also_an_organisation_contact_loses_both(world: World) -> None:
    await volunteers.join_volunteer(join(), world.ctx)
    await add_organisation(world, ANN.email)
    await erasure.request_erasure_link(ANN.email, correlation_id="e1", ctx=world.ctx)

    assert await erasure.erase(erase_token(world), correlation_id="e2", ctx=world.ctx) is (
        ErasureOutcome.ERASED
    )

    assert world.people.people == {}
    assert world.organisations.organisations == {}


async def test_an_erasure_told_again_deletes_what_a_restore_brought_back(world: World) -> None:
    joined = await volunteers.join_volunteer(join(), world.ctx)
    await erasure.request_erasure_link(ANN.email, correlation_id="e1", ctx=world.ctx)
    await erasure.erase(erase_token(world), correlation_id="e2", ctx=world.ctx)
    [told] = world.of_type("person.erasure_requested")
    restored = await volunteers.join_volunteer(join(), world.ctx)  # as a backup would bring back
    world.people.people[joined.person_id] = world.people.people.pop(restored.person_id)
    world.people.people[joined.person_id].id = joined.person_id

    await erasure.erase_again(told, world.ctx)  # type: ignore[arg-type]
    await erasure.erase_again(told, world.ctx)  # type: ignore[arg-type]

    assert world.people.people == {}


async def test_erasure_deletes_the_person_keeps_a_tombstone_and_tells_everyone(
    world: World,
) -> None:
    joined = await volunteers.join_volunteer(join(), world.ctx)
    await erasure.request_erasure_link(ANN.email, correlation_id="e1", ctx=world.ctx)
    [requested] = world.of_type("person.erasure_link_requested")
    data = requested.model_dump(mode="json")["data"]
    assert (data["name"], data["email"], data["language"]) == (None, ANN.email, "cy")
    assert joined.person_id in world.people.people
    world.clock.advance(hours=1)

    outcome = await erasure.erase(erase_token(world), correlation_id="e2", ctx=world.ctx)

    assert outcome is ErasureOutcome.ERASED
    assert world.people.people == {}
    assert world.erasures.tombstones == {email_digest(ANN.email, key=ERASURE_KEY)}
    [record] = world.erasures.records.values()
    assert record["person_id"] == str(joined.person_id)
    assert record["reason"] == "asked"
    assert record["answers"] == {"signups": NOW + timedelta(hours=1)}
    [told] = world.of_type("person.erasure_requested")
    assert told.correlation_id == "e2"
    assert told.model_dump(mode="json")["data"] == {
        "erasure_id": record["_id"],
        "person_id": str(joined.person_id),
        "email_digest": email_digest(ANN.email, key=ERASURE_KEY),
        "phone_digest": phone_digest("+44 29 2000 0000", key=ERASURE_KEY),
    }
    assert_no_pii(told)

    again = await erasure.erase(erase_token(world), correlation_id="e3", ctx=world.ctx)
    assert again is ErasureOutcome.ALREADY_ERASED
    assert len(world.of_type("person.erasure_requested")) == 1


async def test_after_erasure_the_same_email_may_join_again(world: World) -> None:
    first = await volunteers.join_volunteer(join(), world.ctx)
    await erasure.request_erasure_link(ANN.email, correlation_id="e", ctx=world.ctx)
    await erasure.erase(erase_token(world), correlation_id="e", ctx=world.ctx)

    again = await volunteers.join_volunteer(join(), world.ctx)

    assert again.outcome is JoinOutcome.REGISTERED
    assert again.person_id != first.person_id


async def test_an_erasure_link_older_than_a_day_has_expired(
    world: World, issued_days_ago: IssueAt
) -> None:
    joined = await volunteers.join_volunteer(join(), world.ctx)
    old = issued_days_ago(1.1, lambda: world.ctx.tokens.issue(Purpose.ERASE, joined.person_id))

    outcome = await erasure.erase(old, correlation_id="e", ctx=world.ctx)

    assert outcome is ErasureOutcome.EXPIRED
    assert joined.person_id in world.people.people


async def test_erase_refuses_other_links(world: World) -> None:
    joined = await volunteers.join_volunteer(join(), world.ctx)

    for token in [
        confirm_token(world),
        unsubscribe_token(world),
        "garbage",
        world.ctx.tokens.issue(Purpose.ERASE, uuid.uuid4()),
    ]:
        assert await erasure.erase(token, correlation_id="e", ctx=world.ctx) is (
            ErasureOutcome.INVALID
        )

    assert joined.person_id in world.people.people
    assert not world.of_type("person.erasure_requested")


async def test_purge_erases_only_people_pending_for_30_days(world: World) -> None:
    old = await volunteers.join_volunteer(join(), world.ctx)
    confirmed = await volunteers.join_volunteer(
        join(replace(ANN, email="bethan@example.org")), world.ctx
    )
    await links.confirm(confirm_token(world, 1), correlation_id="c", ctx=world.ctx)
    world.clock.advance(days=20)
    recent = await volunteers.join_volunteer(join(replace(ANN, email="cai@example.org")), world.ctx)
    world.clock.advance(days=10, seconds=1)

    purged = await erasure.purge_unconfirmed(ctx=world.ctx)

    assert purged == 1
    assert set(world.people.people) == {confirmed.person_id, recent.person_id}
    [record] = world.erasures.records.values()
    assert (record["person_id"], record["reason"]) == (str(old.person_id), "unconfirmed")
    assert world.erasures.tombstones == set()
    [told] = world.of_type("person.erasure_requested")
    assert told.model_dump(mode="json")["data"]["person_id"] == str(old.person_id)
    assert await erasure.purge_unconfirmed(ctx=world.ctx) == 0


# At most a few emails to one address a day, whatever asks for them


async def test_emails_to_one_address_stop_at_the_daily_allowance_whatever_asks(
    world: World,
) -> None:
    ctx = replace(world.ctx, mail_quota=FakeMailQuota(per_day=3))
    contact = replace(RIVERSIDE, contact_email=ANN.email)
    joined = await volunteers.join_volunteer(join(), ctx)
    await organisations.join_organisation(
        organisations.JoinOrganisation(contact, PLEDGE, correlation_id="o"), ctx
    )
    await volunteers.join_volunteer(join(CHANGED), ctx)
    before = copy.deepcopy(world.people.people)

    over = await volunteers.join_volunteer(join(replace(CHANGED, connector=True)), ctx)
    org_over = await organisations.join_organisation(
        organisations.JoinOrganisation(contact, PLEDGE, correlation_id="o2"), ctx
    )

    assert (over.outcome, over.mail, org_over) == (JoinOutcome.LIMITED, None, None)
    assert world.people.people == before
    assert len(world.organisations.organisations) == 1
    assert [e.type for e in world.events] == [
        "volunteer.registered",
        "volunteer.change_requested",
        "organisation.joined",
    ]
    world.clock.advance(days=1)
    tomorrow = await volunteers.join_volunteer(join(replace(CHANGED, connector=True)), ctx)
    assert (tomorrow.person_id, tomorrow.mail) == (joined.person_id, Mail.CONFIRM_CHANGE)


async def test_erasure_links_count_against_the_daily_allowance_and_name_only_the_confirmed(
    world: World,
) -> None:
    ctx = replace(world.ctx, mail_quota=FakeMailQuota(per_day=2))
    await volunteers.join_volunteer(join(replace(ANN, name="Click evil.example now")), ctx)

    await erasure.request_erasure_link(ANN.email, correlation_id="e1", ctx=ctx)
    await erasure.request_erasure_link(ANN.email, correlation_id="e2", ctx=ctx)
    await erasure.request_erasure_link("someone@example.org", correlation_id="e3", ctx=ctx)

    [link, other] = world.of_type("person.erasure_link_requested")
    assert link.model_dump()["data"]["name"] is None, "unconfirmed: the name is the joiner's"
    assert other.model_dump()["data"]["email"] == "someone@example.org"


async def test_a_new_address_past_its_allowance_is_not_even_stored(world: World) -> None:
    ctx = replace(world.ctx, mail_quota=FakeMailQuota(per_day=0))

    joined = await volunteers.join_volunteer(join(), ctx)

    assert (joined.person_id, joined.outcome) == (None, JoinOutcome.LIMITED)
    assert world.people.people == {}
    assert world.events == []


async def test_looking_at_a_confirm_link_confirms_nothing(world: World) -> None:
    joined = await volunteers.join_volunteer(join(), world.ctx)
    assert joined.person_id is not None
    organisation_id = await organisations.join_organisation(
        organisations.JoinOrganisation(RIVERSIDE, PLEDGE, correlation_id="o"), world.ctx
    )
    assert organisation_id is not None
    [org_joined] = world.of_type("organisation.joined")
    org_token = token_of(org_joined.model_dump()["data"]["confirm_url"], "confirm")

    person = await links.preview(confirm_token(world), ctx=world.ctx)
    organisation = await links.preview(org_token, ctx=world.ctx)

    assert (person.outcome, person.volunteer) == (LinkOutcome.READY, ANN)
    assert organisation.outcome is LinkOutcome.READY
    assert organisation.organisation is not None
    assert organisation.organisation.details == RIVERSIDE
    assert world.people.people[joined.person_id].status is Status.PENDING
    assert not world.organisations.organisations[organisation_id].confirmed
    assert [e.type for e in world.events] == ["volunteer.registered", "organisation.joined"]
    forged = await links.preview("garbage", ctx=world.ctx)
    assert forged.outcome is LinkOutcome.INVALID


async def test_a_change_nobody_confirmed_is_forgotten_when_its_link_expires(world: World) -> None:
    person_id = await confirmed_ann(world)
    await volunteers.join_volunteer(join(CHANGED), world.ctx)
    token = change_token(world)
    world.clock.advance(days=6, hours=23)
    assert await volunteers.drop_stale_changes(ctx=world.ctx) == 0
    world.clock.advance(hours=1)

    assert await volunteers.drop_stale_changes(ctx=world.ctx) == 1

    person = world.people.people[person_id]
    assert (person.details, person.pending_change) == (ANN, None)
    assert (await links.confirm(token, correlation_id="late", ctx=world.ctx)).outcome is (
        LinkOutcome.INVALID
    )


# Moderators' decisions on pledges


def decided(
    model: type[PledgeApproved] | type[PledgeRejected],
    organisation: Organisation,
    *,
    text: str = "",
    reason: str | None = None,
) -> PledgeApproved | PledgeRejected:
    data = PledgeOutcomeData(
        pledge_id=organisation.pledge.id,
        organisation_id=organisation.id,
        organisation_name=organisation.details.name,
        text=text,
        reason=reason,
    )
    return model(producer="moderation", correlation_id="m1", data=data)


async def confirmed_organisation(world: World) -> Organisation:
    command = organisations.JoinOrganisation(RIVERSIDE, PLEDGE, correlation_id="o1")
    organisation_id = await organisations.join_organisation(command, world.ctx)
    [joined] = world.of_type("organisation.joined")
    token = token_of(joined.model_dump(mode="json")["data"]["confirm_url"], "confirm")
    await links.confirm(token, correlation_id="o2", ctx=world.ctx)
    return world.organisations.organisations[organisation_id]


async def shown(world: World) -> list[str]:
    return [
        organisation.pledge_decision.text
        async for organisation in world.organisations.approved_pledges(limit=10)
        if organisation.pledge_decision is not None
    ]


async def test_a_confirmed_pledge_is_shown_only_once_a_moderator_approves_it(
    world: World,
) -> None:
    organisation = await confirmed_organisation(world)
    assert await shown(world) == []

    approval = decided(PledgeApproved, organisation, text="A monthly lunch [redacted].")
    outcome = await pledges.record_decision(approval, world.ctx)

    assert outcome is DecisionOutcome.PUBLISHED
    assert await shown(world) == ["A monthly lunch [redacted]."]
    assert world.of_type("pledge.approved") == [], "signups tells nothing of it"


async def test_a_rejected_pledge_is_taken_down_and_never_shown_again(world: World) -> None:
    organisation = await confirmed_organisation(world)
    await pledges.record_decision(decided(PledgeApproved, organisation, text="Lunch"), world.ctx)

    rejected = await pledges.record_decision(
        decided(PledgeRejected, organisation, reason="off-topic"), world.ctx
    )
    again = await pledges.record_decision(
        decided(PledgeApproved, organisation, text="Lunch"), world.ctx
    )

    assert (rejected, again) == (DecisionOutcome.WITHDRAWN, DecisionOutcome.REFUSED)
    assert await shown(world) == []


async def test_a_decision_on_an_unknown_organisation_is_ignored(world: World) -> None:
    stranger = Organisation(RIVERSIDE, PLEDGE, joined_at=NOW)

    outcome = await pledges.record_decision(decided(PledgeApproved, stranger), world.ctx)

    assert outcome is DecisionOutcome.REFUSED
