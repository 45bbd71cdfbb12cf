"""After the event the organiser marks who came; `attendance.recorded` feeds the score.

Volunteers are shown to the organiser only by their place code (from the match id), which each
volunteer sees on their own answer page: matching knows no names.
"""

from dataclasses import dataclass
from uuid import UUID

from together_contracts import IntegrationEvent
from together_contracts.matches import AttendanceRecorded, AttendanceRecordedData

from matching.domain.community_events import CommunityEvent
from matching.domain.matches import match_id
from matching.domain.volunteers import Volunteer, VolunteerNotFoundError
from matching.handlers.context import PRODUCER, Context
from matching.handlers.context import summary as event_summary


def place_code(event_id: UUID, person_id: UUID) -> str:
    return match_id(event_id, person_id).hex[:6].upper()


@dataclass(frozen=True)
class Summary:
    """What the organiser sees: anonymous counts and a code per place."""

    places: int
    proposed: int
    accepted: int
    waitlisted: int
    declined: int
    attended: int
    no_shows: int
    codes: dict[str, bool | None]


def summary(event: CommunityEvent) -> Summary:
    marks = list(event.attendance.values())
    return Summary(
        places=event.places,
        proposed=event.proposed,
        accepted=len(event.accepted),
        waitlisted=len(event.waitlist),
        declined=len(event.declined),
        attended=marks.count(True),
        no_shows=marks.count(False),
        codes={place_code(event.id, p): event.attendance.get(p) for p in event.accepted},
    )


async def record_attendance(
    event_id: UUID, marks: dict[str, bool], *, correlation_id: str, ctx: Context
) -> CommunityEvent:
    """`marks` by place code; unknown codes, and marks before the event began, are ignored."""
    now = ctx.clock()
    changed: dict[UUID, tuple[bool | None, bool]] = {}

    def mark(event: CommunityEvent) -> list[IntegrationEvent]:
        staged: list[IntegrationEvent] = []
        changed.clear()
        for person_id in list(event.accepted):
            came = marks.get(place_code(event.id, person_id))
            before = event.attendance.get(person_id)
            if came is None or not event.mark(person_id, attended=came, now=now):
                continue
            changed[person_id] = (before, came)
            staged.append(
                AttendanceRecorded(
                    producer=PRODUCER,
                    correlation_id=correlation_id,
                    data=AttendanceRecordedData(
                        event_id=event.id,
                        person_id=person_id,
                        match_id=match_id(event.id, person_id),
                        attended=came,
                        event=event_summary(event),
                    ),
                )
            )
        return staged

    event = await ctx.events.change(event_id, mark)
    for person_id, (before, came) in changed.items():
        await _count(person_id, before, came, ctx)
    return event


async def _count(person_id: UUID, before: bool | None, came: bool, ctx: Context) -> None:
    """A changed mark moves the volunteer's counts; best effort, after the event is settled."""

    def count(volunteer: Volunteer) -> list[IntegrationEvent]:
        if before is True:
            volunteer.attended = max(0, volunteer.attended - 1)
        elif before is False:
            volunteer.no_shows = max(0, volunteer.no_shows - 1)
        if came:
            volunteer.attended += 1
        else:
            volunteer.no_shows += 1
        return []

    try:
        await ctx.volunteers.change(person_id, count)
    except VolunteerNotFoundError:
        return
