"""Who in moderation reacts to which event, as subscription tables (together_kit.messaging.subscriptions).

Each table is one consumer queue, `moderation.<purpose>`; every handler takes `(event, ctx)`.
"""

from together_contracts import (
    CallClosed,
    CallOpened,
    ConnectorInterested,
    EventCancelled,
    EventChanged,
    EventSubmitted,
    PersonAccessRequested,
    PersonErasureRequested,
    PledgeMade,
    PledgeUpdateSubmitted,
    TextReceived,
)
from together_kit.messaging.subscriptions import keyed, subscribe
from together_kit.runtime import ServiceRuntime

from moderation.handlers import Context, access, connectors, erasure, listings, pledges, texts


def register(runtime: ServiceRuntime, *, ctx: Context) -> None:
    subscribe(
        runtime,
        "listings",
        {
            EventSubmitted: [listings.receive_listing],
            EventChanged: [listings.note_change],
            EventCancelled: [listings.note_cancellation],
        },
        ctx=ctx,
        about="""Queue an organiser's event listing for a moderator, screened like a story; keep
        its times when they change and whether it was cancelled (for the 5 July page).""",
    )
    subscribe(
        runtime,
        "pledges",
        {
            PledgeMade: [pledges.receive_pledge],
            PledgeUpdateSubmitted: [pledges.receive_update],
        },
        ctx=ctx,
        about="""Queue an organisation's confirmed pledge, and the progress it posts on it once
        published, for a moderator, screened like a story.""",
    )
    subscribe(
        runtime,
        "texts",
        {TextReceived: [keyed(texts.receive_text)]},
        ctx=ctx,
        about="""Queue a story or a thank-you sent by text message, screened like one sent on
        the web; its outcome is told with the text's `reply_ref`.""",
    )
    subscribe(
        runtime,
        "connectors",
        {
            ConnectorInterested: [connectors.receive_interest],
            CallOpened: [connectors.note_call_opened],
            CallClosed: [connectors.note_call_closed],
        },
        ctx=ctx,
        about="""Start a volunteer who wants to be a community connector on their path, for the
        coordinators; keep the districts with an open call to action.""",
    )
    subscribe(
        runtime,
        "erasures",
        {PersonErasureRequested: [erasure.forget_author]},
        ctx=ctx,
        about="Forget an author's name and email in their stories, then answer `person.erased`.",
    )
    if ctx.access_answers is not None:
        subscribe(
            runtime,
            "access",
            {PersonAccessRequested: [access.answer_access]},
            ctx=ctx,
            about="Tell signups which stories the person shared (subject access).",
        )
