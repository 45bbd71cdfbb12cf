"""Subject access: what matching holds about a person (their volunteer profile and the events they
were offered, by their id; the events they listed, by the keyed digest of their email), told to
signups as `person.access_answered`."""

import dataclasses
from typing import Any

from together_contracts import PersonAccessRequested

from matching.domain.community_events import CommunityEvent
from matching.handlers.context import Context


def listed(event: CommunityEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "title": event.title,
        "starts_at": event.starts_at,
        "status": event.status.value,
        "organiser_email": event.organiser_email,
        "organiser_name": event.organiser.name,
        "organiser_phone": event.organiser.phone,
        "venue_name": event.venue.name,
        "venue_address_lines": list(event.venue.address_lines),
        "venue_town": event.venue.town,
        "venue_postcode": event.venue.postcode,
        "submitted_at": event.submitted_at,
    }


async def answer_access(request: PersonAccessRequested, ctx: Context) -> None:
    held: dict[str, Any] = {"volunteer": None, "offered_events": [], "events_listed": []}
    person_id = request.data.person_id
    if person_id is not None:
        profile = await ctx.volunteers.get(person_id)
        held["volunteer"] = dataclasses.asdict(profile) if profile else None
        held["offered_events"] = sorted(str(e) for e in await ctx.matches.events_of(person_id))
    found = await ctx.events.by_organiser_digest(request.data.email_digest)
    held["events_listed"] = [listed(event) for event in found]
    await ctx.access.answer(request, held)
