"""Subject access: what moderation holds about a person, found by the keyed digest of their email
(stories and thank-yous they shared with an address) and by their id (the conversation
participant they linked to their volunteer account, with its statements), told to signups as
`person.access_answered`."""

from typing import Any
from uuid import UUID

from together_contracts import PersonAccessRequested

from moderation.domain.items import Item, Kind
from moderation.domain.security_log import Outcome, SecurityAction
from moderation.handlers.context import Context
from moderation.handlers.security_log import record_security_event

ADMIN = "admin"
"""Who asks for a subject access export: a holder of signups' admin key."""


def story_held(item: Item) -> dict[str, Any]:
    story = item.story
    return {
        "id": item.id,
        "status": item.status.value,
        "title": item.title,
        "text": item.text,
        "published_title": item.published_title,
        "published_text": item.published_text,
        "region": item.region,
        "language": item.language,
        "shared_at": item.created_at,
        "decided_at": item.decided_at,
        "prompt": story.prompt,
        "author_name": story.author_name,
        "author_email": story.author_email,
        "consent_to_publish": story.consent_to_publish,
        "notify_outcome": story.notify_outcome,
    }


def thanks_held(item: Item) -> dict[str, Any]:
    thanks = item.thanks
    return {
        "id": item.id,
        "status": item.status.value,
        "who": item.title,
        "what_for": item.text,
        "published_who": item.published_title,
        "published_what_for": item.published_text,
        "region": item.region,
        "worker": thanks.worker,
        "language": item.language,
        "posted_at": item.created_at,
        "decided_at": item.decided_at,
        "author_name": thanks.author_name,
        "author_email": thanks.author_email,
        "notify_outcome": thanks.notify_outcome,
    }


def statement_held(item: Item) -> dict[str, Any]:
    return {
        "id": item.id,
        "status": item.status.value,
        "text": item.text,
        "added_at": item.created_at,
        "decided_at": item.decided_at,
        "conversation_id": item.statement.conversation_id,
    }


async def participation_held(person_id: UUID | None, ctx: Context) -> dict[str, Any] | None:
    """The linked participant's statements, how many votes they cast and what they told."""
    if person_id is None or ctx.talk is None:
        return None
    participant = await ctx.talk.linked_to(person_id)
    if participant is None:
        return None
    about = await ctx.talk.about_of(participant)
    return {
        "statements": [statement_held(i) for i in await ctx.items.by_participant(participant)],
        "votes": await ctx.talk.count_votes_by(participant),
        "region": about.region if about else None,
        "age_band": about.age_band if about else None,
    }


async def connector_held(person_id: UUID | None, ctx: Context) -> dict[str, Any] | None:
    """Their record as a community connector: what the coordinators keep and every step."""
    if person_id is None or ctx.connectors is None:
        return None
    connector = await ctx.connectors.get(person_id)
    if connector is None:
        return None
    return {
        "name": connector.name,
        "email": connector.email,
        "phone": connector.phone,
        "lives_in": connector.home_district,
        "state": connector.state.value,
        "districts": list(connector.districts),
        "welcome_call": connector.call_at.isoformat() if connector.call_at else None,
        "safeguarding_checklist": sorted(connector.checklist),
        "steps": [
            {"state": step.state.value, "at": step.at.isoformat(), "by": step.by}
            for step in connector.steps
        ],
    }


async def answer_access(request: PersonAccessRequested, ctx: Context) -> None:
    """Answer with the person's stories (through `ctx.access_answers`, which bootstrap always
    sets); the read is an admin's read of personal data, so it goes in the security log (by the
    request's id, never the address)."""
    if ctx.access_answers is None:
        raise RuntimeError("subject access needs ctx.access_answers")
    found = await ctx.items.by_author_digest(request.data.email_digest)
    stories = [story_held(item) for item in found if item.kind is Kind.STORY]
    thanks = [thanks_held(item) for item in found if item.kind is Kind.THANKS]
    held: dict[str, Any] = {"stories": stories, "thanks": thanks}
    conversations = await participation_held(request.data.person_id, ctx)
    if conversations is not None:
        held["conversations"] = conversations
    connector = await connector_held(request.data.person_id, ctx)
    if connector is not None:
        held["community_connector"] = connector
    answered = await ctx.access_answers.answer(request, held)
    if answered and ctx.security_log is not None:
        await record_security_event(
            ctx.security_log,
            at=ctx.clock(),
            actor=ADMIN,
            action=SecurityAction.PERSONAL_DATA_READ,
            target_id=request.data.access_id,
            outcome=Outcome.SUCCESS,
            detail=f"subject access: {len(stories)} stories, {len(thanks)} thank-yous",
        )
