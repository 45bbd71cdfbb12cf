"""Subscribers of notifications: who reacts to each event, one table per consumer queue.

The queue of each table is `notifications.<purpose>`, bound to the routing keys of its events
(together_kit.messaging.subscriptions); the handlers of one event run in the order listed.
"""

import together_contracts as contracts
from together_kit.messaging.subscriptions import Table, keyed, subscribe
from together_kit.runtime import ServiceRuntime

from notifications.handlers import (
    Context,
    access,
    connectors,
    letter,
    matching,
    messages,
    organisers,
    people,
    pledges,
    reminders,
    text_outcomes,
    texts_in,
)

VOLUNTEERS: Table = {
    contracts.VolunteerRegistered: [
        keyed(messages.confirm_registration),
        keyed(people.record_registration),
    ],
    contracts.VolunteerConfirmed: [people.record_confirmation, messages.welcome_volunteer],
    contracts.VolunteerUnsubscribed: [people.record_unsubscribe],
    contracts.VolunteerChangeRequested: [messages.confirm_change],
    contracts.VolunteerContactChanged: [people.record_contact_change],
}
ORGANISATIONS: Table = {
    contracts.OrganisationJoined: [
        pledges.record_organisation_contact,
        messages.welcome_organisation,
    ],
}
PLEDGES: Table = {
    contracts.PledgeApproved: [pledges.tell_pledge_outcome],
    contracts.PledgeRejected: [pledges.tell_pledge_outcome],
    contracts.PledgePublished: [pledges.send_progress_link, pledges.keep_districts],
    contracts.PledgeProgressLinkRequested: [pledges.send_progress_link],
    contracts.PledgeUpdateApproved: [pledges.tell_update_outcome],
    contracts.PledgeUpdateRejected: [pledges.tell_update_outcome],
}
MODERATION: Table = {
    contracts.StoryApproved: [messages.tell_story_outcome, text_outcomes.text_outcome],
    contracts.StoryRejected: [messages.tell_story_outcome, text_outcomes.text_outcome],
    contracts.StoryHeld: [messages.tell_story_outcome],
    contracts.ThanksApproved: [messages.tell_thanks_outcome, text_outcomes.text_outcome],
    contracts.ThanksRejected: [messages.tell_thanks_outcome, text_outcomes.text_outcome],
    contracts.BacklogAlert: [messages.alert_leads],
}
MATCHES: Table = {
    contracts.MatchProposed: [keyed(matching.invite)],
    contracts.MatchAccepted: [matching.confirm_place, reminders.schedule, organisers.record_place],
    contracts.MatchDeclined: [
        reminders.give_up,
        organisers.record_leaving,
        matching.confirm_answer,
    ],
    contracts.EventChanged: [matching.tell_change, reminders.reschedule],
    contracts.EventCancelled: [
        reminders.cancel_for_event,
        matching.tell_cancellation,
        organisers.close,
    ],
    contracts.EventPublished: [matching.tell_organiser, organisers.keep_event],
    contracts.VolunteerUnmatched: [matching.encourage],
    contracts.MatchSharingChanged: [organisers.record_sharing],
    contracts.EventMessagePosted: [matching.pass_message],
    contracts.OrganiserLinkRequested: [organisers.send_link],
    contracts.AttendanceRecorded: [matching.thank],
}
LETTER: Table = {
    contracts.LetterSigned: [letter.record_signatory, letter.confirm_signature],
    contracts.LetterConfirmed: [letter.invite_signatory],
}
CONNECTORS: Table = {
    contracts.ConnectorMoved: [connectors.tell_connector],
    contracts.CallOpened: [connectors.tell_call],
    contracts.CallClosed: [connectors.forget_call],
}
SESSIONS: Table = {contracts.SignInRequested: [messages.send_sign_in_link]}
ERASURES: Table = {
    contracts.PersonErasureRequested: [texts_in.forget_texts, people.forget_person],
    contracts.ErasureLinkRequested: [messages.send_erasure_link],
}
ACCESS: Table = {contracts.PersonAccessRequested: [access.answer_access]}


def register(runtime: ServiceRuntime, *, ctx: Context) -> None:
    subscribe(
        runtime,
        "volunteers",
        VOLUNTEERS,
        ctx=ctx,
        about="""Keep volunteers' contact details and preferences; send the confirmation link on
        registering, the link that confirms changed details, and a welcome on confirming.""",
    )
    subscribe(
        runtime,
        "organisations",
        ORGANISATIONS,
        ctx=ctx,
        about="""Welcome a new organisation's contact with the link that publishes its pledge, and
        keep the contact to tell them what moderators decide about the pledge.""",
    )
    subscribe(
        runtime,
        "pledges",
        PLEDGES,
        ctx=ctx,
        about="""Tell an organisation's contact whether its pledge was published, send the link
        to post progress on it (again on request) and whether each update was published; keep
        the districts a published pledge serves, to tell the organisation of calls to action
        there.""",
    )
    subscribe(
        runtime,
        "moderation",
        MODERATION,
        ctx=ctx,
        about="""Tell authors who asked what became of their story or thank-you (a held story gets
        a kind holding message with where to find help; one sent by text is texted the
        outcome); alert lead moderators to an overdue item.""",
    )
    subscribe(
        runtime,
        "matches",
        MATCHES,
        ctx=ctx,
        about="""Invite volunteers to matched events (never at night, a few a week at most, or in a
        weekly digest), confirm places and schedule their reminders (the day before and the
        morning of), tell of changes (reminders move) and cancellations (reminders are cancelled,
        as when a place is given up), give the organiser their links, keep who is coming for the
        organiser's page and digest, pass the organiser's messages on, thank those who came, and
        send a kind word to volunteers still waiting for a match.""",
    )
    subscribe(
        runtime,
        "letter",
        LETTER,
        ctx=ctx,
        about="""Send a signatory of the open letter the link that confirms their signature; once
        confirmed, invite them to the national conversation and events if they asked, and forget
        their address.""",
    )
    subscribe(
        runtime,
        "connectors",
        CONNECTORS,
        ctx=ctx,
        about="""Tell a community connector each step of their path (the welcome, their welcome
        call, trained, active in their districts, paused or stepped down) and, while active, of
        each call to action opened in their districts (at most monthly per district).""",
    )
    subscribe(
        runtime,
        "sessions",
        SESSIONS,
        ctx=ctx,
        about='Email a volunteer the single-use link that signs them in to "My together".',
    )
    subscribe(
        runtime,
        "erasures",
        ERASURES,
        ctx=ctx,
        about="Email the link that confirms an erasure; when one is confirmed, forget the person.",
    )
    if ctx.access_answers is not None:
        subscribe(
            runtime,
            "access",
            ACCESS,
            ctx=ctx,
            about="Tell signups the person's contact and delivery log (subject access).",
        )
