"""Items as stored documents and back. Decisions are kept inside their item (see handlers.decisions).

Item documents are written whole (the kit's `AggregateCollection`), so their times stay dates; the
marker `breach_told` beside the nullable `breach_told_at` is for the embedded store's queries
(together_kit.stored)."""

from typing import Any
from uuid import UUID

from moderation.domain.decisions import Action, Decision, Reason, Role
from moderation.domain.items import (
    CALLER_DIGEST,
    Claim,
    Item,
    Kind,
    ListingDetails,
    RecordingDetails,
    StatementDetails,
    Status,
    StoryDetails,
)
from moderation.domain.pledges import PledgeDetails
from moderation.domain.screening import Finding, Flag, Screening
from moderation.domain.thanks import ThanksDetails

Document = dict[str, Any]
REJECTED_AT = "rejected_at"
"""`Item.rejected_story_at` (None for every other item, so a rewrite clears it); its TTL index
(`rejected_story_retention_days`) deletes each rejected story that long after. A TTL index and the
sweep pass over null."""
RECORDING_AT = "recording_at"
"""When an undecided recording came in (None once decided, or for any other item): its retention
(`recording_retention_days`) deletes the recording that long after, decided or not."""


def to_document(item: Item) -> Document:
    details = item.details
    document: Document = {
        "_id": str(item.id),
        "kind": item.kind.value,
        "status": item.status.value,
        "priority": item.queue_priority,
        "title": item.title,
        "text": item.text,
        "region": item.region,
        "region_key": item.region.casefold(),
        "language": item.language,
        "created_at": item.created_at,
        "flags": [flag.value for flag in item.screening.flags],
        "safeguarding": item.safeguarding,
        "screening": screening_document(item.screening),
        "sketch": list(item.screening.sketch),
        "claim": (
            {"moderator": item.claim.moderator, "until": item.claim.until} if item.claim else None
        ),
        "decisions": [decision_document(d) for d in item.decisions],
        "decided_at": item.decided_at,
        "first_decision_at": item.first_decision_at,
        "last_decision_at": item.last_decision_at,
        "published_title": item.published_title,
        "published_text": item.published_text,
        "breach_told_at": item.breach_told_at,
        "breach_told": item.breach_told_at is not None,
        "extra": item.extra,
    }
    document[REJECTED_AT] = item.rejected_story_at
    undecided_recording = item.kind is Kind.RECORDING and item.open
    document[RECORDING_AT] = item.created_at if undecided_recording else None
    document[CALLER_DIGEST] = item.extra.get(CALLER_DIGEST)
    if isinstance(details, StoryDetails):
        document |= {
            "prompt": details.prompt,
            "consent_to_publish": details.consent_to_publish,
            "author_name": details.author_name,
            "author_email": details.author_email,
            "notify_outcome": details.notify_outcome,
        }
        if isinstance(details, RecordingDetails):
            document |= recording_document(details)
    elif isinstance(details, PledgeDetails):
        document |= pledge_document(details)
    elif isinstance(details, StatementDetails):
        document |= {
            "conversation_id": str(details.conversation_id),
            "participant": details.participant,
        }
    elif isinstance(details, ThanksDetails):
        document |= {
            "worker": details.worker,
            "nation": details.nation,
            "author_name": details.author_name,
            "author_email": details.author_email,
            "notify_outcome": details.notify_outcome,
        }
    else:
        document |= {
            "event_type": details.event_type,
            "starts_at": details.starts_at,
            "ends_at": details.ends_at,
            "places": details.places,
            "online": details.online,
            "outward_code": details.outward_code,
            "roles": list(details.roles),
        }
    return document


def recording_document(details: RecordingDetails) -> Document:
    return {
        "recording_sid": details.recording_sid,
        "seconds": details.seconds,
        "recogniser": details.recogniser,
        CALLER_DIGEST: details.caller_digest,
        "draft_pending": details.draft_pending,
    }


def recording_from(document: Document) -> RecordingDetails:
    return RecordingDetails(
        prompt=document["prompt"],
        consent_to_publish=document["consent_to_publish"],
        recording_sid=document["recording_sid"],
        seconds=document.get("seconds", 0),
        recogniser=document.get("recogniser", ""),
        caller_digest=document.get("caller_digest"),
        draft_pending=document.get("draft_pending", False),
    )


def pledge_document(details: PledgeDetails) -> Document:
    return {
        "organisation_id": details.organisation_id,
        "categories": list(details.categories),
        "pledge_id": details.pledge_id,
    }


def pledge_from(document: Document) -> PledgeDetails:
    return PledgeDetails(
        organisation_id=document["organisation_id"],
        categories=tuple(document.get("categories", [])),
        pledge_id=document.get("pledge_id"),
    )


def screening_document(screening: Screening) -> Document:
    return {
        "findings": [
            {
                "flag": f.flag.value,
                "field": f.field,
                "text": f.text,
                "kind": f.kind,
                "start": f.start,
                "end": f.end,
            }
            for f in screening.findings
        ],
        "suggested_title": screening.suggested_title,
        "suggested_text": screening.suggested_text,
        "duplicate_of": screening.duplicate_of,
    }


def decision_document(decision: Decision) -> Document:
    return {
        "id": str(decision.id),
        "moderator": decision.moderator,
        "role": decision.role.value,
        "at": decision.at,
        "action": decision.action.value,
        "reason": decision.reason.value if decision.reason else None,
        "note": decision.note,
        "before": decision.before,
        "after": decision.after,
    }


def from_document(document: Document) -> Item:
    kind = Kind(document["kind"])
    details: StoryDetails | ListingDetails | PledgeDetails | StatementDetails | ThanksDetails
    if kind in (Kind.PLEDGE, Kind.PLEDGE_UPDATE):
        details = pledge_from(document)
    elif kind is Kind.STATEMENT:
        details = StatementDetails(
            conversation_id=UUID(document["conversation_id"]),
            participant=document["participant"],
        )
    elif kind is Kind.THANKS:
        details = ThanksDetails(
            worker=document["worker"],
            nation=document.get("nation"),
            author_name=document.get("author_name"),
            author_email=document.get("author_email"),
            notify_outcome=document.get("notify_outcome", False),
        )
    elif kind is Kind.RECORDING:
        details = recording_from(document)
    elif kind is Kind.STORY:
        details = StoryDetails(
            prompt=document["prompt"],
            consent_to_publish=document["consent_to_publish"],
            author_name=document.get("author_name"),
            author_email=document.get("author_email"),
            notify_outcome=document.get("notify_outcome", False),
        )
    else:
        details = ListingDetails(
            event_type=document["event_type"],
            starts_at=document["starts_at"],
            ends_at=document["ends_at"],
            places=document["places"],
            online=document.get("online", False),
            outward_code=document.get("outward_code"),
            roles=tuple(document.get("roles") or ()),
        )
    claim = document.get("claim")
    return Item(
        kind=kind,
        title=document["title"],
        text=document["text"],
        region=document["region"],
        created_at=document["created_at"],
        details=details,
        screening=screening_from(document),
        language=document.get("language", "en"),
        id=UUID(document["_id"]),
        status=Status(document["status"]),
        claim=Claim(claim["moderator"], claim["until"]) if claim else None,
        decisions=[decision_from(d) for d in document.get("decisions", [])],
        published_title=document.get("published_title"),
        published_text=document.get("published_text"),
        decided_at=document.get("decided_at"),
        breach_told_at=document.get("breach_told_at"),
        version=document.get("version", 0),
        extra=dict(document.get("extra") or {}),
    )


def screening_from(item: Document) -> Screening:
    """The sketch is kept at the top of the item, not under `screening`, so a query can project it
    (the embedded store returns a projected nested field under a dotted key: ADR 0001)."""
    document: Document = item.get("screening") or {}
    return Screening(
        flags=tuple(Flag(flag) for flag in item.get("flags", [])),
        findings=tuple(
            Finding(
                flag=Flag(f["flag"]),
                field=f["field"],
                text=f["text"],
                kind=f.get("kind", ""),
                start=f.get("start"),
                end=f.get("end"),
            )
            for f in document.get("findings", [])
        ),
        suggested_title=document.get("suggested_title"),
        suggested_text=document.get("suggested_text"),
        sketch=list(item.get("sketch", [])),
        duplicate_of=document.get("duplicate_of"),
    )


def decision_from(document: Document) -> Decision:
    return Decision(
        moderator=document["moderator"],
        role=Role(document["role"]),
        at=document["at"],
        action=Action(document["action"]),
        reason=Reason(document["reason"]) if document.get("reason") else None,
        note=document.get("note", ""),
        before=document.get("before"),
        after=document.get("after"),
        id=UUID(document["id"]),
    )
