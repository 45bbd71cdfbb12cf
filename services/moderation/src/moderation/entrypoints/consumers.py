"""Who in moderation reacts to which event, as subscription tables (together_kit.messaging.subscriptions).

Each table is one consumer queue, `moderation.<purpose>`; every handler takes `(event, ctx)`.
"""

from together_contracts import (
    EventSubmitted,
    PersonAccessRequested,
    PersonErasureRequested,
    PledgeMade,
)
from together_kit.messaging.subscriptions import subscribe
from together_kit.runtime import ServiceRuntime

from moderation.handlers import Context, access, erasure, listings, pledges


def register(runtime: ServiceRuntime, *, ctx: Context) -> None:
    subscribe(
        runtime,
        "listings",
        {EventSubmitted: [listings.receive_listing]},
        ctx=ctx,
        about="Queue an organiser's event listing for a moderator, screened like a story.",
    )
    subscribe(
        runtime,
        "pledges",
        {PledgeMade: [pledges.receive_pledge]},
        ctx=ctx,
        about="Queue an organisation's confirmed pledge for a moderator, screened like a story.",
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
