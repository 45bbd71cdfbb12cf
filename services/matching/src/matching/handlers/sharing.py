"""A volunteer with a place lets the organiser see their email, or takes that back.

Written for "My together" while `handlers.responses.set_sharing` was being written elsewhere
(issue 17); once both exist, one should call the other. The event's document holds who shares
(`CommunityEvent.sharing`), and `match.sharing_changed` tells notifications, which shows the
organiser the email of those who share it.
"""

from uuid import UUID

from together_contracts import Event, MatchSharingChanged, MatchSharingChangedData

from matching.adapters.events import EventNotFoundError
from matching.adapters.matches import match_id
from matching.domain.events import CommunityEvent
from matching.handlers.context import PRODUCER, Context


async def set_sharing(
    event_id: UUID, person_id: UUID, share: bool, *, correlation_id: str, ctx: Context
) -> bool:
    """Share (or stop sharing) the person's email with the organiser of an event where they have
    a place; True if that changed anything. Only someone with a place can share."""
    changed = False

    def choose(event: CommunityEvent) -> list[Event]:
        nonlocal changed
        sharing = person_id in event.sharing
        if share == sharing or (share and person_id not in event.accepted):
            changed = False
            return []
        if share:
            event.sharing.append(person_id)
        else:
            event.sharing.remove(person_id)
        changed = True
        return [
            MatchSharingChanged(
                producer=PRODUCER,
                correlation_id=correlation_id,
                data=MatchSharingChangedData(
                    match_id=match_id(event.id, person_id),
                    event_id=event.id,
                    person_id=person_id,
                    share_contact=share,
                ),
            )
        ]

    try:
        await ctx.events.change(event_id, choose)
    except EventNotFoundError:
        return False
    return changed
