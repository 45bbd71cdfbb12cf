"""Answers by text, driven with the fakes: which answers stand, and that they take the link's path."""

import uuid
from datetime import timedelta

import pytest
from matching.domain.community_events import Answer, CommunityEvent, EventStatus
from matching.handlers import listings, matching, text_answers, volunteers
from matching.handlers.context import Context
from matching.handlers.text_answers import Ignored
from together_contracts import IntegrationEvent, MatchAnswered, MatchAnsweredData
from together_kit.testing.clock import Clock

from .fakes import NOW, Outbox, context
from .test_handlers import SATURDAY, approved, confirmed, submit

pytestmark = pytest.mark.unit


def answered(match_id: uuid.UUID, person_id: uuid.UUID, answer: str) -> MatchAnswered:
    return MatchAnswered(
        producer="notifications",
        correlation_id="text",
        data=MatchAnsweredData.model_validate(
            {"match_id": match_id, "person_id": person_id, "answer": answer}
        ),
    )


async def invited(
    ctx: Context, outbox: Outbox, *, people: int
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(match id, person id) of each volunteer proposed a one-place event on Saturday."""
    for _ in range(people):
        await volunteers.volunteer_confirmed(confirmed(), ctx)
    submitted = await listings.submit_event(submit(places=1), ctx)
    done = await listings.publish_event(approved(submitted.event.id), ctx)
    assert done is not None
    await matching.match_event(done.event, correlation_id="c", ctx=ctx)
    return [(p.data.match_id, p.data.person_id) for p in outbox.of_type("match.proposed")]


async def test_yes_takes_the_place_and_no_gives_it_up_as_the_link_does() -> None:
    ctx, outbox = context()
    (match, person), (other_match, other) = await invited(ctx, outbox, people=2)
    assert (
        await text_answers.answer_by_text(answered(match, person, "accept"), ctx) is Answer.ACCEPTED
    )
    again = await text_answers.answer_by_text(answered(match, person, "accept"), ctx)
    assert again is Answer.ACCEPTED
    assert len(outbox.of_type("match.accepted")) == 1, "answering again tells nothing"
    waiting = await text_answers.answer_by_text(answered(other_match, other, "accept"), ctx)
    assert waiting is Answer.WAITLISTED
    given_up = await text_answers.answer_by_text(answered(match, person, "decline"), ctx)
    assert given_up is Answer.WITHDRAWN
    [_, _, promoted] = outbox.of_type("match.accepted")
    assert (promoted.data.person_id, promoted.data.from_waitlist) == (other, True)
    [declined] = outbox.of_type("match.declined")
    assert declined.correlation_id == "text"


async def test_answers_that_cannot_stand_change_nothing() -> None:
    clock = Clock(NOW)
    ctx, outbox = context(clock=clock)
    (match, person), (_, other) = await invited(ctx, outbox, people=2)
    strays = {
        Ignored.NOT_THEIRS: answered(match, other, "accept"),
        Ignored.UNKNOWN_MATCH: answered(uuid.uuid4(), person, "accept"),
    }
    for why, stray in strays.items():
        assert await text_answers.answer_by_text(stray, ctx) is why
    clock.advance(seconds=(SATURDAY - NOW).total_seconds())
    assert (
        await text_answers.answer_by_text(answered(match, person, "accept"), ctx) is Ignored.BEGUN
    )
    assert outbox.of_type("match.accepted") == outbox.of_type("match.declined") == []


async def test_an_invitation_past_the_links_lifetime_is_not_answered() -> None:
    ctx, outbox = context()
    [(match, person)] = await invited(ctx, outbox, people=1)
    stored = await ctx.matches.get(match)
    assert stored is not None
    stored["proposed_at"] = NOW - text_answers.ANSWER_MAX_AGE - timedelta(seconds=1)
    assert (
        await text_answers.answer_by_text(answered(match, person, "accept"), ctx) is Ignored.EXPIRED
    )
    assert outbox.of_type("match.accepted") == []


async def test_a_cancelled_event_is_not_answered() -> None:
    ctx, outbox = context()
    [(match, person)] = await invited(ctx, outbox, people=1)
    stored = await ctx.matches.get(match)
    assert stored is not None
    event_id = uuid.UUID(stored["event_id"])

    def cancel(event: CommunityEvent) -> list[IntegrationEvent]:
        event.status = EventStatus.CANCELLED
        return []

    await ctx.events.change(event_id, cancel)
    assert (
        await text_answers.answer_by_text(answered(match, person, "accept"), ctx) is Ignored.CLOSED
    )
