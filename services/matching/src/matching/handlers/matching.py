"""Proposing events to volunteers: when an event is published, and when a volunteer is confirmed.

A proposal first claims a slot in the volunteer's week (their profile, under its version, so the
weekly cap holds however many matchings run at once), then records the match with its
`match.proposed` event. A wave of proposals claims its slots in one write and records its matches
in one write (ADR 0008). Should the process die between the two, the slots stay used and those
proposals are not made: the safe side of the cap.
"""

from uuid import UUID

from together_contracts.matches import MatchProposed, MatchProposedData, MatchReasons

from matching.domain import scoring
from matching.domain.community_events import CommunityEvent
from matching.domain.matches import match_id
from matching.domain.scoring import Candidate
from matching.domain.volunteers import Volunteer
from matching.handlers.context import PRODUCER, Context, summary
from matching.handlers.listings import Published

ONLINE_CANDIDATES_PER_PROPOSAL = 20
CANDIDATES_PER_PROPOSAL = 4
"""Eligible volunteers read per proposal wanted for a located event, nearest blocks first: the
score chooses among them (ADR 0008)."""


async def match_published(published: Published, ctx: Context) -> int:
    """A listing just published is proposed under its decision's correlation id."""
    return await match_event(published.event, correlation_id=published.correlation_id, ctx=ctx)


async def match_event(event: CommunityEvent, *, correlation_id: str, ctx: Context) -> int:
    """Propose a published event to up to places x K eligible volunteers, best first."""
    now = ctx.clock()
    wanted = event.places * ctx.rules.proposals_per_place - event.proposed
    if wanted <= 0 or not event.open or event.starts_at <= now:
        return 0
    already = await ctx.matches.people_proposed(event.id)
    if event.venue.online:
        limit = wanted * ONLINE_CANDIDATES_PER_PROPOSAL
        found = await ctx.volunteers.liking(event.interests, limit=limit)
    elif event.venue.location is not None:
        found = await _candidates_near(event, wanted, already, ctx)
    else:
        return 0
    fresh = [volunteer for volunteer in found if volunteer.person_id not in already]
    ranked = scoring.ranked(fresh, event, now=now, cap=ctx.rules.weekly_cap)
    made = 0
    tried = 0
    while made < wanted and tried < len(ranked):
        # The next best as many as are still wanted, at once: each claims a slot on a different
        # volunteer, so they never contend, and a wave can never make more than are wanted.
        wave = ranked[tried : tried + wanted - made]
        tried += len(wave)
        made += await propose(wave, event, correlation_id=correlation_id, ctx=ctx)
    if made:
        await ctx.events.count_proposals(event.id, made)
    return made


async def _candidates_near(
    event: CommunityEvent, wanted: int, already: set[UUID], ctx: Context
) -> list[Volunteer]:
    """Eligible volunteers from the nearest blocks, enough to choose among (ADR 0008)."""
    now = ctx.clock()

    def keep(volunteer: Volunteer) -> bool:
        return volunteer.person_id not in already and scoring.eligible(
            volunteer, event, now=now, cap=ctx.rules.weekly_cap
        )

    return await ctx.volunteers.nearest(event, enough=wanted * CANDIDATES_PER_PROPOSAL, keep=keep)


async def match_volunteer(volunteer: Volunteer, *, correlation_id: str, ctx: Context) -> int:
    """A newly confirmed volunteer, as just stored: propose the best N upcoming events within
    their reach."""
    if not volunteer.matchable or volunteer.location is None:
        return 0
    now = ctx.clock()
    events = await ctx.events.upcoming(
        now=now, near=(volunteer.location, float(volunteer.travel_radius_km))
    )
    if not events:
        return 0
    already = await ctx.matches.events_of(volunteer.person_id)
    scored: list[tuple[float, CommunityEvent, Candidate]] = []
    for event in events:
        if event.id in already or event.proposed >= event.places * ctx.rules.proposals_per_place:
            continue
        for candidate in scoring.ranked([volunteer], event, now=now, cap=ctx.rules.weekly_cap):
            scored.append((candidate.score, event, candidate))
    scored.sort(key=lambda item: (-item[0], item[1].starts_at))
    made = 0
    for _, event, candidate in scored[: ctx.rules.events_per_new_volunteer]:
        if await propose([candidate], event, correlation_id=correlation_id, ctx=ctx):
            await ctx.events.count_proposals(event.id, 1)
            made += 1
    return made


async def propose(
    candidates: list[Candidate], event: CommunityEvent, *, correlation_id: str, ctx: Context
) -> int:
    """Propose the event to each candidate whose week and state still allow it; how many were."""
    now = ctx.clock()

    def allowed(volunteer: Volunteer) -> bool:
        return scoring.eligible(volunteer, event, now=now, cap=ctx.rules.weekly_cap)

    slots = await ctx.volunteers.claim_slots(
        [c.volunteer.person_id for c in candidates], event_id=event.id, at=now, allowed=allowed
    )
    claimed = [c for c in candidates if c.volunteer.person_id in slots]
    if not claimed:
        return 0
    made = await ctx.matches.add(
        event_id=event.id,
        at=now,
        proposals=[
            (c.volunteer.person_id, proposed(c, event, correlation_id=correlation_id, ctx=ctx))
            for c in claimed
        ],
        reasons={c.volunteer.person_id: reasons_kept(c, event) for c in claimed},
    )
    return len(made)


def reasons_kept(candidate: Candidate, event: CommunityEvent) -> dict[str, object]:
    """The reasons as stored with the match (shown again on the volunteer's page)."""
    why = scoring.why(candidate, event)
    return {
        "distance_km": None if why.distance_km is None else round(why.distance_km, 1),
        "interests": [str(i) for i in why.interests],
        "slot": None if why.slot is None else str(why.slot),
    }


def proposed(
    candidate: Candidate, event: CommunityEvent, *, correlation_id: str, ctx: Context
) -> MatchProposed:
    identifier = match_id(event.id, candidate.volunteer.person_id)
    said = scoring.reasons(candidate, event)
    distance = candidate.distance_km
    links = ctx.links.answers(identifier)
    return MatchProposed(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=MatchProposedData(
            match_id=identifier,
            person_id=candidate.volunteer.person_id,
            event=summary(event),
            distance_km=None if distance is None else round(distance, 1),
            reasons=said,
            reasons_text=" · ".join(said),
            why=MatchReasons.model_validate(reasons_kept(candidate, event)),
            respond_url=links.page,
            accept_url=links.accept,
            decline_url=links.decline,
        ),
    )
