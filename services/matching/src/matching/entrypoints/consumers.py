"""Who in matching reacts to what: one table per consumer queue; the event types are the contract.

The profile events' handlers write once, keyed by the event id (`Volunteer.applied`), so they keep
no inbox record; the others (several writes, or an answer published) are guarded by the inbox.
"""

from together_contracts import (
    ConnectorMoved,
    ListingApproved,
    ListingRejected,
    ListingWithdrawn,
    MatchAnswered,
    PersonAccessRequested,
    PersonErasureRequested,
    VolunteerConfirmed,
    VolunteerUnsubscribed,
    VolunteerUpdated,
)
from together_kit.messaging.subscriptions import keyed, subscribe, then
from together_kit.runtime import ServiceRuntime

from matching.handlers import (
    Context,
    access,
    connectors,
    erasure,
    listings,
    matching,
    text_answers,
    volunteers,
)


def register(runtime: ServiceRuntime, *, ctx: Context) -> None:
    subscribe(
        runtime,
        "volunteers",
        {
            VolunteerConfirmed: [keyed(volunteers.volunteer_confirmed)],
            VolunteerUpdated: [keyed(volunteers.volunteer_updated)],
            VolunteerUnsubscribed: [keyed(volunteers.volunteer_unsubscribed)],
            PersonErasureRequested: [erasure.erase_person],
            ConnectorMoved: [connectors.note_connector],
        },
        ctx=ctx,
        about="""Keep the profile matching needs (with the districts where they are an active
        community connector); propose events to newly confirmed volunteers.""",
    )
    subscribe(
        runtime,
        "listings",
        {
            ListingApproved: [then(listings.publish_event, matching.match_published)],
            ListingRejected: [listings.reject_event],
            ListingWithdrawn: [listings.withdraw_event],
        },
        ctx=ctx,
        about="Publish an approved event and propose it to volunteers; mark a rejected one; "
        "cancel a withdrawn one (people with a place are told).",
    )
    subscribe(
        runtime,
        "answers",
        {MatchAnswered: [text_answers.answer_by_text]},
        ctx=ctx,
        about="Take or decline a place a volunteer answered by text, as the invitation's link "
        "does (match.accepted / match.declined).",
    )
    subscribe(
        runtime,
        "access",
        {PersonAccessRequested: [access.answer_access]},
        ctx=ctx,
        about="Tell signups the person's profile, offers and listed events (subject access).",
    )
