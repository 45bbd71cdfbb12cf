"""Subscribers of notifications: the event model in each signature is the contract."""

from typing import Annotated

from pydantic import Field
from together_contracts import (
    BacklogAlert,
    ErasureLinkRequested,
    OrganisationJoined,
    PersonAccessRequested,
    PersonErasureRequested,
    PledgeApproved,
    PledgeRejected,
    StoryApproved,
    StoryHeld,
    StoryRejected,
    VolunteerChangeRequested,
    VolunteerConfirmed,
    VolunteerContactChanged,
    VolunteerRegistered,
    VolunteerUnsubscribed,
)
from together_contracts.matches import (
    AttendanceRecorded,
    EventCancelled,
    EventChanged,
    EventPublished,
    MatchAccepted,
    MatchDeclined,
    MatchProposed,
    VolunteerUnmatched,
)
from together_contracts.organising import (
    EventMessagePosted,
    MatchSharingChanged,
    OrganiserLinkRequested,
)
from together_contracts.sessions import SignInRequested
from together_kit.access import AccessAnswers
from together_kit.runtime import ServiceRuntime

from notifications.handlers import (
    Context,
    access,
    matching,
    messages,
    organisers,
    people,
    pledges,
    reminders,
)

VolunteerEvent = Annotated[
    VolunteerRegistered
    | VolunteerConfirmed
    | VolunteerUnsubscribed
    | VolunteerChangeRequested
    | VolunteerContactChanged,
    Field(discriminator="type"),
]
ModerationEvent = Annotated[
    StoryApproved | StoryRejected | StoryHeld | BacklogAlert, Field(discriminator="type")
]
MatchingEvent = Annotated[
    MatchProposed
    | MatchAccepted
    | MatchDeclined
    | EventChanged
    | EventCancelled
    | EventPublished
    | VolunteerUnmatched
    | MatchSharingChanged
    | EventMessagePosted
    | OrganiserLinkRequested
    | AttendanceRecorded,
    Field(discriminator="type"),
]
PledgeDecided = Annotated[PledgeApproved | PledgeRejected, Field(discriminator="type")]
ErasureEvent = Annotated[PersonErasureRequested | ErasureLinkRequested, Field(discriminator="type")]


def register(
    runtime: ServiceRuntime, *, ctx: Context, access_answers: AccessAnswers | None = None
) -> None:
    volunteers = runtime.consumer(
        "volunteers",
        [
            VolunteerRegistered.routing_key,
            VolunteerConfirmed.routing_key,
            VolunteerUnsubscribed.routing_key,
            VolunteerChangeRequested.routing_key,
            VolunteerContactChanged.routing_key,
        ],
    )

    @volunteers.subscriber()
    async def on_volunteer_event(event: VolunteerEvent) -> None:
        """Keep volunteers' contact details and preferences; send the confirmation link on
        registering, the link that confirms changed details, and a welcome on confirming."""
        if isinstance(event, VolunteerChangeRequested):
            await messages.confirm_change(event, ctx)
        elif isinstance(event, VolunteerContactChanged):
            await people.record_contact_change(event, ctx)
        elif isinstance(event, VolunteerRegistered):
            await people.record_registration(event, contacts=ctx.contacts)
            await messages.confirm_registration(event, ctx)
        elif isinstance(event, VolunteerConfirmed):
            await people.record_confirmation(event, ctx)
            await messages.welcome_volunteer(event, ctx)
        else:
            await people.record_unsubscribe(event, ctx)

    organisations = runtime.consumer("organisations", [OrganisationJoined.routing_key])

    @organisations.subscriber()
    async def on_organisation_joined(event: OrganisationJoined) -> None:
        """Welcome a new organisation's contact with the link that publishes its pledge, and
        keep the contact to tell them what moderators decide about the pledge."""
        await pledges.record_organisation_contact(event, ctx)
        await messages.welcome_organisation(event, ctx)

    pledge_outcomes = runtime.consumer(
        "pledges", [PledgeApproved.routing_key, PledgeRejected.routing_key]
    )

    @pledge_outcomes.subscriber()
    async def on_pledge_decided(event: PledgeDecided) -> None:
        """Tell an organisation's contact whether its pledge was published."""
        await pledges.tell_pledge_outcome(event, ctx)

    moderation = runtime.consumer(
        "moderation",
        [
            StoryApproved.routing_key,
            StoryRejected.routing_key,
            StoryHeld.routing_key,
            BacklogAlert.routing_key,
        ],
    )

    @moderation.subscriber()
    async def on_moderation_event(event: ModerationEvent) -> None:
        """Tell authors who asked what became of their story (a held story gets a kind holding
        message with where to find help); alert lead moderators to an overdue item."""
        if isinstance(event, BacklogAlert):
            await messages.alert_leads(event, ctx)
        else:
            await messages.tell_story_outcome(event, ctx)

    matches = runtime.consumer(
        "matches",
        [
            MatchProposed.routing_key,
            MatchAccepted.routing_key,
            MatchDeclined.routing_key,
            EventChanged.routing_key,
            EventCancelled.routing_key,
            EventPublished.routing_key,
            VolunteerUnmatched.routing_key,
            MatchSharingChanged.routing_key,
            EventMessagePosted.routing_key,
            OrganiserLinkRequested.routing_key,
            AttendanceRecorded.routing_key,
        ],
    )

    @matches.subscriber()
    async def on_matching_event(event: MatchingEvent) -> None:
        """Invite volunteers to matched events (never at night, a few a week at most, or in a
        weekly digest), confirm places and schedule their reminders (the day before and the
        morning of), tell of changes (reminders move) and cancellations (reminders are cancelled,
        as when a place is given up), give the organiser their links, keep who is coming for the
        organiser's page and digest, pass the organiser's messages on, thank those who came, and
        send a kind word to volunteers still waiting for a match."""
        if isinstance(event, MatchProposed):
            await matching.invite(event, ctx)
        elif isinstance(event, MatchAccepted):
            await matching.confirm_place(event, ctx)
            await reminders.schedule(event, ctx)
            await organisers.record_place(event, ctx)
        elif isinstance(event, MatchDeclined):
            await reminders.give_up(event, ctx)
            await organisers.record_leaving(event, ctx)
        elif isinstance(event, EventChanged):
            if any(matching.worth_telling(event.data)):
                await matching.tell_change(event, ctx)
                await reminders.reschedule(event, ctx)
        elif isinstance(event, EventCancelled):
            await reminders.cancel_for_event(event, ctx)
            await matching.tell_cancellation(event, ctx)
            await organisers.close(event, ctx)
        elif isinstance(event, EventPublished):
            await matching.tell_organiser(event, ctx)
            await organisers.keep_event(event, ctx)
        elif isinstance(event, MatchSharingChanged):
            await organisers.record_sharing(event, ctx)
        elif isinstance(event, EventMessagePosted):
            await matching.pass_message(event, ctx)
        elif isinstance(event, OrganiserLinkRequested):
            await organisers.send_link(event, ctx)
        elif isinstance(event, AttendanceRecorded):
            await matching.thank(event, ctx)
        else:
            await matching.encourage(event, ctx)

    sessions = runtime.consumer("sessions", [SignInRequested.routing_key])

    @sessions.subscriber()
    async def on_sign_in_requested(event: SignInRequested) -> None:
        """Email a volunteer the single-use link that signs them in to "My together"."""
        await messages.send_sign_in_link(event, ctx)

    erasures = runtime.consumer(
        "erasures", [PersonErasureRequested.routing_key, ErasureLinkRequested.routing_key]
    )

    @erasures.subscriber()
    async def on_erasure_event(event: ErasureEvent) -> None:
        """Email the link that confirms an erasure; when one is confirmed, forget the person."""
        if isinstance(event, ErasureLinkRequested):
            await messages.send_erasure_link(event, ctx)
        else:
            await people.forget_person(event, ctx)

    if access_answers is not None:
        accesses = runtime.consumer("access", [PersonAccessRequested.routing_key])

        @accesses.subscriber()
        async def on_person_access_requested(event: PersonAccessRequested) -> None:
            """Tell signups the person's contact and delivery log (subject access)."""
            await access.answer_access(event, answers=access_answers, ctx=ctx)
