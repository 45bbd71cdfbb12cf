"""Subscribers of matching: the event model in each signature is the contract."""

from typing import Annotated

from pydantic import Field
from together_contracts import (
    ListingApproved,
    ListingRejected,
    ListingWithdrawn,
    PersonAccessRequested,
    PersonErasureRequested,
    VolunteerConfirmed,
    VolunteerUnsubscribed,
    VolunteerUpdated,
)
from together_kit.erasure import ErasureAnswers
from together_kit.runtime import ServiceRuntime

from matching.handlers import Context, access, erasure, events, matching, volunteers

VolunteerEvent = Annotated[
    VolunteerConfirmed | VolunteerUpdated | VolunteerUnsubscribed | PersonErasureRequested,
    Field(discriminator="type"),
]
ListingDecision = Annotated[
    ListingApproved | ListingRejected | ListingWithdrawn, Field(discriminator="type")
]


def register(
    runtime: ServiceRuntime,
    *,
    ctx: Context,
    answers: ErasureAnswers,
    access_answers: access.AccessAnswerer | None = None,
) -> None:
    people = runtime.consumer(
        "volunteers",
        [
            VolunteerConfirmed.routing_key,
            VolunteerUpdated.routing_key,
            VolunteerUnsubscribed.routing_key,
            PersonErasureRequested.routing_key,
        ],
    )
    listings = runtime.consumer(
        "listings",
        [ListingApproved.routing_key, ListingRejected.routing_key, ListingWithdrawn.routing_key],
    )

    @people.subscriber()
    async def on_volunteer(event: VolunteerEvent) -> None:
        """Keep the profile matching needs; propose events to newly confirmed volunteers."""
        if isinstance(event, VolunteerConfirmed):
            await volunteers.volunteer_confirmed(event, ctx)
        elif isinstance(event, VolunteerUpdated):
            await volunteers.volunteer_updated(event, ctx)
        elif isinstance(event, VolunteerUnsubscribed):
            await volunteers.volunteer_unsubscribed(event, ctx)
        else:
            await erasure.erase_person(event, answers=answers, ctx=ctx)

    @listings.subscriber()
    async def on_listing(event: ListingDecision) -> None:
        """Publish an approved event and propose it to volunteers; mark a rejected one; cancel
        a withdrawn one (people with a place are told)."""
        if isinstance(event, ListingRejected):
            await events.reject_event(event, ctx)
            return
        if isinstance(event, ListingWithdrawn):
            await events.withdraw_event(event, ctx)
            return
        published = await events.publish_event(event, ctx)
        if published is not None:
            await matching.match_event(published, correlation_id=event.correlation_id, ctx=ctx)

    if access_answers is not None:
        accesses = runtime.consumer("access", [PersonAccessRequested.routing_key])

        @accesses.subscriber()
        async def on_person_access_requested(event: PersonAccessRequested) -> None:
            """Tell signups the person's profile, offers and listed events (subject access)."""
            await access.answer_access(event, answers=access_answers, ctx=ctx)
