"""Every message type, from its event on the real broker to a real SMTP server, in both languages:
subject, a plain-text part and an HTML part, the links in both, and the unsubscribe headers."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from notifications.bootstrap import create_app
from notifications.settings import Settings
from together_contracts import (
    BacklogAlert,
    BacklogAlertData,
    ConnectorMoved,
    ConnectorMovedData,
    ConnectorState,
    ErasureLinkRequested,
    ErasureLinkRequestedData,
    IntegrationEvent,
    LetterConfirmed,
    LetterConfirmedData,
    LetterSigned,
    LetterSignedData,
    OrganisationJoined,
    OrganisationJoinedData,
    PledgePublished,
    PledgePublishedData,
    PledgeUpdateApproved,
    PledgeUpdateOutcomeData,
    PledgeUpdateRejected,
    StoryApproved,
    StoryHeld,
    StoryOutcomeData,
    StoryRejected,
    ThanksApproved,
    ThanksOutcomeData,
    ThanksRejected,
    VolunteerChangeRequested,
    VolunteerChangeRequestedData,
    VolunteerConfirmed,
    VolunteerConfirmedData,
    VolunteerProfile,
    VolunteerRegistered,
    VolunteerRegisteredData,
)
from together_contracts.matches import (
    AttendanceRecorded,
    AttendanceRecordedData,
    EventCancelled,
    EventCancelledData,
    EventChanged,
    EventChangedData,
    EventPublished,
    EventPublishedData,
    EventSummary,
    MatchAccepted,
    MatchAcceptedData,
    MatchProposed,
    MatchProposedData,
    MatchReasons,
    NearbyEvent,
    VolunteerUnmatched,
    VolunteerUnmatchedData,
)
from together_contracts.organising import (
    EventMessagePosted,
    EventMessagePostedData,
    OrganiserLinkRequested,
    OrganiserLinkRequestedData,
)
from together_contracts.sessions import SignInRequested, SignInRequestedData
from together_kit.testing.probe import publish_event

from .conftest import Sink, unique_address

pytestmark = pytest.mark.integration

LINK = "https://links.example/"
DAYTIME = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
"""Invitations wait out quiet hours, so the app's clock says it is midday."""
NOON_SOON = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(
    days=3
)


@dataclass(frozen=True)
class Case:
    make: Callable[[str, uuid.UUID, str], IntegrationEvent]
    links: tuple[str, ...]
    needs_contact: bool = False
    contact_from: str = "volunteer_confirm"
    """The case whose event makes the contact a case that needs one writes to."""
    words: dict[str, str | tuple[str, ...]] | None = None
    subject: dict[str, str] | None = None
    """The whole subject, where what it says matters."""


def env(data: object, cls: type[IntegrationEvent]) -> IntegrationEvent:
    return cls(producer="tests", correlation_id="every-message", data=data)


def summary() -> EventSummary:
    return EventSummary(
        event_id=uuid.uuid4(),
        title="Community lunch",
        event_type="food-and-mutual-aid",  # type: ignore[arg-type]
        starts_at=NOON_SOON,
        ends_at=NOON_SOON + timedelta(hours=2),
        outward_code="M1",
    )


def outcome(address: str, language: str) -> StoryOutcomeData:
    return StoryOutcomeData(
        story_id=uuid.uuid4(),
        title="The street choir",
        author_email=address,
        author_name="Ann",
        language=language,  # type: ignore[arg-type]
        reason="off-topic",
        public_url=f"{LINK}story",
        withdraw_url=f"{LINK}withdraw",
    )


def thanked(address: str, language: str) -> ThanksOutcomeData:
    return ThanksOutcomeData(
        thanks_id=uuid.uuid4(),
        who="the night team on Ward 7",
        author_email=address,
        author_name="Ann",
        language=language,  # type: ignore[arg-type]
        reason="off-topic",
        public_url=f"{LINK}thanks",
    )


def progress_decided(organisation_id: uuid.UUID, reason: str | None = None) -> object:
    return PledgeUpdateOutcomeData(
        update_id=uuid.uuid4(),
        pledge_id=uuid.uuid4(),
        organisation_id=organisation_id,
        text="" if reason else "Six lunches so far.",
        reason=reason,
    )


CASES: dict[str, Case] = {
    "volunteer_confirm": Case(
        lambda a, p, lang: env(
            VolunteerRegisteredData(
                person_id=p, name="Ann", email=a, language=lang, confirm_url=f"{LINK}confirm"
            ),
            VolunteerRegistered,
        ),
        (f"{LINK}confirm",),
    ),
    "volunteer_change": Case(
        lambda a, p, lang: env(
            VolunteerChangeRequestedData(
                person_id=p, email=a, language=lang, confirm_url=f"{LINK}change"
            ),
            VolunteerChangeRequested,
        ),
        (f"{LINK}change",),
    ),
    "volunteer_welcome": Case(
        lambda a, p, lang: env(
            VolunteerConfirmedData(
                person_id=p,
                profile=VolunteerProfile(outward_code="CF10", travel_radius_km=5, language=lang),
            ),
            VolunteerConfirmed,
        ),
        (),
        needs_contact=True,
    ),
    "organisation_welcome": Case(
        lambda a, p, lang: env(
            OrganisationJoinedData(
                organisation_id=p,
                name="Riverside Kitchen",
                organisation_type="charity",
                contact_name="Sam",
                contact_email=a,
                outward_code="M1",
                language=lang,
                confirm_url=f"{LINK}org",
            ),
            OrganisationJoined,
        ),
        (f"{LINK}org",),
        subject={
            "en": "Please confirm your email to publish your organisation's pledge",
            "cy": "Cadarnhewch eich e-bost i gyhoeddi addewid eich sefydliad",
        },
    ),
    "pledge_progress_link": Case(
        lambda a, p, lang: env(
            PledgePublishedData(
                pledge_id=uuid.uuid4(),
                organisation_id=p,
                organisation_name="Riverside Kitchen",
                districts=["M1"],
                progress_url=f"{LINK}progress",
                public_url=f"{LINK}pledge",
            ),
            PledgePublished,
        ),
        (f"{LINK}progress", f"{LINK}pledge"),
        needs_contact=True,
        contact_from="organisation_welcome",
        words={"en": "Riverside Kitchen", "cy": "Riverside Kitchen"},
    ),
    "pledge_update_approved": Case(
        lambda a, p, lang: env(progress_decided(p), PledgeUpdateApproved),
        (),
        needs_contact=True,
        contact_from="organisation_welcome",
        subject={
            "en": "Your progress update is published",
            "cy": "Mae eich diweddariad cynnydd wedi'i gyhoeddi",
        },
    ),
    "pledge_update_rejected": Case(
        lambda a, p, lang: env(progress_decided(p, "commercial"), PledgeUpdateRejected),
        (),
        needs_contact=True,
        contact_from="organisation_welcome",
        words={"en": "Why: It was selling something", "cy": "Pam: Roedd yn gwerthu rhywbeth"},
    ),
    "letter_confirm": Case(
        lambda a, p, lang: env(
            LetterSignedData(signature_id=p, email=a, language=lang, confirm_url=f"{LINK}sign"),
            LetterSigned,
        ),
        (f"{LINK}sign",),
        subject={
            "en": "Confirm your signature of the open letter",
            "cy": "Cadarnhewch eich llofnod ar y llythyr agored",
        },
    ),
    "letter_invitation": Case(
        lambda a, p, lang: env(
            LetterConfirmedData(
                signature_id=p, kind="person", nation="wales", invite=True, language=lang
            ),
            LetterConfirmed,
        ),
        ("http://moderation.test/talk", "http://matching.test/events"),
        needs_contact=True,
        contact_from="letter_confirm",
    ),
    "connector_moved": Case(
        lambda a, p, lang: env(
            ConnectorMovedData(
                person_id=p,
                state=ConnectorState.ACTIVE,
                previous=ConnectorState.TRAINED,
                districts=["LL57"],
                language=lang,  # type: ignore[arg-type]
                moved_at=DAYTIME,
            ),
            ConnectorMoved,
        ),
        ("http://matching.test/gaps/districts/LL57",),
        needs_contact=True,
        subject={
            "en": "You are now a community connector",
            "cy": "Rydych chi bellach yn gysylltydd cymunedol",
        },
    ),
    "story_approved": Case(
        lambda a, p, lang: env(outcome(a, lang), StoryApproved),
        (f"{LINK}story", f"{LINK}withdraw"),
    ),
    "story_rejected": Case(
        lambda a, p, lang: env(outcome(a, lang), StoryRejected),
        (),
        words={  # the reason in words, not moderation's code; the author by the name they gave
            "en": ("Hello Ann,", "Why: It was not about community life"),
            "cy": ("Helo Ann,", "Pam: Nid oedd yn ymwneud â bywyd cymunedol"),
        },
    ),
    "story_held": Case(
        lambda a, p, lang: env(outcome(a, lang), StoryHeld),
        (),
        words={"en": "116 123", "cy": "0808 2000 247"},
    ),
    "thanks_approved": Case(
        lambda a, p, lang: env(thanked(a, lang), ThanksApproved),
        (f"{LINK}thanks",),
        words={"en": "the night team on Ward 7", "cy": "the night team on Ward 7"},
    ),
    "thanks_rejected": Case(
        lambda a, p, lang: env(thanked(a, lang), ThanksRejected),
        (),
        words={
            "en": ("Hello Ann,", "Why: It was not about community life"),
            "cy": ("Helo Ann,", "Pam: Nid oedd yn ymwneud â bywyd cymunedol"),
        },
    ),
    "backlog_alert": Case(
        lambda a, p, lang: env(
            BacklogAlertData(
                item_id=p,
                kind="story",
                safeguarding=True,
                age_hours=4.5,
                target_hours=4,
                lead_emails=[a],
            ),
            BacklogAlert,
        ),
        (),
        words={  # since when, in UK time with GMT or BST
            "en": ("4.5 hours", "It has waited since "),
            "cy": ("4.5 awr", "Mae wedi aros ers "),
        },
    ),
    "erasure_link": Case(
        lambda a, p, lang: env(
            ErasureLinkRequestedData(
                request_id=p, name="Ann", email=a, language=lang, confirm_url=f"{LINK}forget"
            ),
            ErasureLinkRequested,
        ),
        (f"{LINK}forget",),
    ),
    "match_invitation": Case(
        lambda a, p, lang: env(
            MatchProposedData(
                match_id=uuid.uuid4(),
                person_id=p,
                event=summary(),
                distance_km=0.0,
                reasons=["0.0 km away", "likes food and mutual aid", "free at weekends"],
                reasons_text="0.0 km away · likes food and mutual aid · free at weekends",
                why=MatchReasons(
                    distance_km=0.0,
                    interests=["food-and-mutual-aid"],  # type: ignore[list-item]
                    slot="weekends",  # type: ignore[arg-type]
                ),
                respond_url=f"{LINK}respond",
                accept_url=f"{LINK}accept",
                decline_url=f"{LINK}decline",
            ),
            MatchProposed,
        ),
        (f"{LINK}accept", f"{LINK}decline"),
        needs_contact=True,
        words={  # the reasons in the reader's language; the same district is "your area"
            "en": ("In your area", "You like: Food and mutual aid", "usually free then: Weekends"),
            "cy": ("Yn eich ardal chi", "Rydych yn hoffi: Bwyd a chyd-gymorth", "Penwythnosau"),
        },
    ),
    "match_accepted": Case(
        lambda a, p, lang: env(
            MatchAcceptedData(
                match_id=uuid.uuid4(),
                person_id=p,
                event=summary(),
                outcome="accepted",
                respond_url=f"{LINK}respond",
            ),
            MatchAccepted,
        ),
        (f"{LINK}respond",),
        needs_contact=True,
    ),
    "event_changed": Case(
        lambda a, p, lang: env(
            EventChangedData(event=summary(), changes=["starts_at"], accepted=[p]), EventChanged
        ),
        (),
        needs_contact=True,
        words={"en": "12:00", "cy": "12:00"},
    ),
    "event_cancelled": Case(
        lambda a, p, lang: env(EventCancelledData(event=summary(), accepted=[p]), EventCancelled),
        (),
        needs_contact=True,
    ),
    "volunteer_unmatched": Case(
        lambda a, p, lang: env(
            VolunteerUnmatchedData(
                person_id=p,
                language=lang,
                days_waiting=7,
                nearest_events=[
                    NearbyEvent(
                        event_id=uuid.uuid4(),
                        title="Park tidy",
                        starts_at=NOON_SOON,
                        distance_km=18.4,
                    )
                ],
            ),
            VolunteerUnmatched,
        ),
        (),
        needs_contact=True,
        words={"en": "Park tidy", "cy": "Park tidy"},
    ),
    "event_published": Case(
        lambda a, p, lang: env(
            EventPublishedData(
                event=summary().model_copy(update={"language": lang}),
                places=6,
                organiser_email=a,
                public_url=f"{LINK}event",
                cancel_url=f"{LINK}cancel",
            ),
            EventPublished,
        ),
        (f"{LINK}event", f"{LINK}cancel"),
    ),
    "organiser_link": Case(
        lambda a, p, lang: env(
            OrganiserLinkRequestedData(
                event_id=p,
                title="Community lunch",
                organiser_email=a,
                language=lang,
                manage_url=f"{LINK}manage",
            ),
            OrganiserLinkRequested,
        ),
        (f"{LINK}manage",),
        words={"en": "Community lunch", "cy": "Community lunch"},
    ),
    "event_message": Case(
        lambda a, p, lang: env(
            EventMessagePostedData(
                event=summary(), organiser_first_name="Sam", text="Bring a coat.", accepted=[p]
            ),
            EventMessagePosted,
        ),
        (),
        needs_contact=True,
        words={"en": "Bring a coat.", "cy": "Bring a coat."},
    ),
    "attendance_thanks": Case(
        lambda a, p, lang: env(
            AttendanceRecordedData(
                event_id=uuid.uuid4(),
                person_id=p,
                match_id=uuid.uuid4(),
                attended=True,
                event=summary(),
            ),
            AttendanceRecorded,
        ),
        ("http://moderation.test/share",),
        needs_contact=True,
    ),
    "sign_in_link": Case(
        lambda a, p, lang: env(
            SignInRequestedData(person_id=p, language=lang, sign_in_url=f"{LINK}sign-in"),
            SignInRequested,
        ),
        (f"{LINK}sign-in",),
        needs_contact=True,
    ),
}


def bodies(mail: EmailMessage) -> tuple[str, str]:
    text = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    return text.get_content(), html.get_content()


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("template", sorted(CASES))
async def test_message_renders_with_both_parts_and_working_links(
    settings_for: Callable[..., Settings],
    smtp_sink: Sink,
    rabbitmq_url: str,
    template: str,
    language: str,
) -> None:
    settings = settings_for(
        staff_language=language,
        moderation_public_url="http://moderation.test",
        matching_public_url="http://matching.test",
        signups_public_url="http://signups.test",
    )
    app = create_app(settings, clock=lambda: DAYTIME)
    async with app.router.lifespan_context(app):
        await _renders(smtp_sink, rabbitmq_url, template, language)


async def _renders(smtp_sink: Sink, rabbitmq_url: str, template: str, language: str) -> None:
    case = CASES[template]
    address = unique_address(template.replace("_", ""))
    person_id = uuid.uuid4()
    expected = 1
    if case.needs_contact:
        joined = CASES[case.contact_from].make(address, person_id, language)
        await publish_event(rabbitmq_url, joined)
        await smtp_sink.wait_for(address)
        expected = 2

    await publish_event(rabbitmq_url, case.make(address, person_id, language))
    mail = (await smtp_sink.wait_for(address, expected))[-1]

    text, html = bodies(mail)
    assert mail["Content-Language"] == language
    assert f'<html lang="{language}">' in html
    assert mail["Subject"].strip()
    assert mail.get_content_type() == "multipart/alternative"
    unsubscribe = mail["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("http://notifications.test/unsubscribe/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in text
    assert f'href="{unsubscribe}"' in html
    for link in case.links:
        assert link in text
        assert f'href="{link}"' in html
    said = (case.words or {}).get(language, "")
    for word in (said,) if isinstance(said, str) else said:
        assert word in text
        assert word in html.replace("&#39;", "'")
    assert "km away" not in text
    if case.subject:
        assert mail["Subject"] == case.subject[language]
    footer = "Atal e-byst gennym ni" if language == "cy" else "Stop emails from us"
    assert footer in text
    if case.needs_contact and case.contact_from == "volunteer_confirm":
        # every email to a volunteer links to My together
        assert "http://signups.test/my" in text
        assert 'href="http://signups.test/my"' in html
