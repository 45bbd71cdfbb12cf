"""Organisations and their pledges; the pledge lives in its organisation's document (one write).

`pledge_status` is stored beside the moderator's decision so /pledges reads approved pledges by
an index. Documents written before pledges were moderated have no `pledge_status`: at start-up
`ensure_indexes` finds them by that and keeps public the confirmed ones, which were already
shown, as approved `before_moderation` (`Organisation.keep_pledge_shown_before_moderation`).
"""

from collections.abc import AsyncIterator, Sequence
from typing import Any
from uuid import UUID

from together_contracts import IntegrationEvent, Interest, OrganisationType, email_digest
from together_kit.messaging.outbox import AggregateCollection, AggregateNotFoundError
from together_kit.stored import epoch, epoch_or_none, moment, moment_or_none

from signups.domain.organisations import (
    Organisation,
    OrganisationChange,
    OrganisationDetails,
    OrganisationNotFoundError,
    Pledge,
)
from signups.domain.pledges import PledgeDecision, PledgeStatus
from signups.domain.progress import PledgeUpdate, UpdateStatus

PENDING_SINCE = "pending_since"
"""When an organisation that has not confirmed joined (None once it has: an update keeps the fields
it does not write), and its TTL index (`unconfirmed_organisation_retention_days`) deletes each
that long after (like unconfirmed people). A TTL index and the sweep pass over null."""


class MongoOrganisationRepository:
    def __init__(self, organisations: AggregateCollection) -> None:
        self.organisations = organisations

    async def ensure_indexes(self) -> None:
        await self.organisations.collection.create_index([("confirmed_at", -1)])
        await self.organisations.collection.create_index(
            [("pledge_status", 1), ("pledge_decided_at", -1)]
        )
        await self.organisations.collection.create_index([("pledge.id", 1)])
        await self.keep_pledges_shown_before_moderation()

    async def keep_pledges_shown_before_moderation(self) -> int:
        """Give documents from before pledge moderation a status; return how many were shown."""
        cursor = self.organisations.collection.find(
            {"pledge_status": {"$exists": False}}, {"_id": 1}
        )
        older = [UUID(document["_id"]) async for document in cursor]
        kept = 0
        for organisation_id in older:
            shown = False

            def keep(organisation: Organisation) -> Sequence[IntegrationEvent]:
                nonlocal shown  # the last attempt's answer: a refused write is tried again
                shown = organisation.keep_pledge_shown_before_moderation()
                return []

            await self.change(organisation_id, keep)
            kept += shown
        return kept

    async def add(self, organisation: Organisation, *, events: Sequence[IntegrationEvent]) -> None:
        await self.organisations.insert(to_document(organisation), events)

    async def get(self, organisation_id: UUID) -> Organisation | None:
        document = await self.organisations.collection.find_one({"_id": str(organisation_id)})
        return from_document(document) if document else None

    async def change(self, organisation_id: UUID, change: OrganisationChange) -> Organisation:
        changed: list[Organisation] = []

        def apply(document: dict[str, Any]) -> tuple[dict[str, Any], Sequence[IntegrationEvent]]:
            organisation = from_document(document)
            events = change(organisation)
            changed[:] = [organisation]
            return to_document(organisation), events

        try:
            await self.organisations.update(str(organisation_id), apply)
        except AggregateNotFoundError as error:
            raise OrganisationNotFoundError(organisation_id) from error
        return changed[0]

    async def date_unconfirmed(self) -> None:
        """At start-up: unconfirmed organisations stored before they carried `pending_since`
        get it (rewritten whole, so it is a real date for the TTL index: ADR 0001)."""
        undated = self.organisations.collection.find({PENDING_SINCE: {"$exists": False}})
        for organisation in [from_document(document) async for document in undated]:
            if not organisation.confirmed:
                await self.change(organisation.id, lambda _: [])

    async def with_contact_digest(self, digest: str, *, key: bytes) -> list[Organisation]:
        """Erasure and access: the organisations whose contact has this address (by its keyed
        digest, so a request that carries only the digest finds them too). Organisations are
        few, so this reads every contact address rather than store a digest beside each."""
        found: list[Organisation] = []
        async for document in self.organisations.collection.find({}):
            if email_digest(document["contact_email"], key=key) == digest:
                found.append(from_document(document))
        return found

    async def delete(self, organisation_id: UUID) -> bool:
        return await self.organisations.delete(str(organisation_id))

    async def with_pledge(self, pledge_id: UUID) -> Organisation | None:
        """The organisation that made this pledge (by the index on `pledge.id`)."""
        document = await self.organisations.collection.find_one({"pledge.id": str(pledge_id)})
        return from_document(document) if document else None

    async def approved_pledges(self, *, limit: int) -> AsyncIterator[Organisation]:
        """Pledges a moderator approved, most recently approved first."""
        cursor = (
            self.organisations.collection.find({"pledge_status": PledgeStatus.APPROVED.value})
            .sort("pledge_decided_at", -1)
            .limit(limit)
        )
        async for document in cursor:
            yield from_document(document)


def to_document(organisation: Organisation) -> dict[str, Any]:
    return {**_document(organisation), PENDING_SINCE: organisation.pending_since}


def _document(organisation: Organisation) -> dict[str, Any]:
    details = organisation.details
    decision = organisation.pledge_decision
    return {
        "_id": str(organisation.id),
        "name": details.name,
        "organisation_type": str(details.organisation_type),
        "contact_name": details.contact_name,
        "contact_email": details.contact_email,
        "postcode": details.postcode,
        "outward_code": details.outward_code,
        "language": details.language,
        "pledge": {
            "id": str(organisation.pledge.id),
            "text": organisation.pledge.text,
            "categories": [str(c) for c in organisation.pledge.categories],
            "districts": list(organisation.pledge.districts),
        },
        "updates": [update_document(update) for update in organisation.updates],
        "joined_at": organisation.joined_at,
        "confirmed_at": organisation.confirmed_at,
        "confirmation_nonce": organisation.confirmation_nonce,
        "pledge_status": organisation.pledge_status.value,
        "pledge_decided_at": decision.at if decision else None,
        "pledge_decision": decision_document(decision) if decision else None,
    }


def decision_document(decision: PledgeDecision) -> dict[str, Any]:
    return {
        "approved": decision.approved,
        "at": decision.at,
        "organisation_name": decision.organisation_name,
        "text": decision.text,
        "reason": decision.reason,
        "before_moderation": decision.before_moderation,
    }


def decision_from(document: dict[str, Any] | None) -> PledgeDecision | None:
    if not document:
        return None
    return PledgeDecision(
        approved=document["approved"],
        at=document["at"],
        organisation_name=document.get("organisation_name", ""),
        text=document.get("text", ""),
        reason=document.get("reason"),
        before_moderation=document.get("before_moderation", False),
    )


def from_document(document: dict[str, Any]) -> Organisation:
    pledge = document["pledge"]
    return Organisation(
        details=OrganisationDetails(
            name=document["name"],
            organisation_type=OrganisationType(document["organisation_type"]),
            contact_name=document["contact_name"],
            contact_email=document["contact_email"],
            postcode=document["postcode"],
            outward_code=document["outward_code"],
            language=document["language"],
        ),
        pledge=Pledge(
            text=pledge["text"],
            categories=tuple(Interest(c) for c in pledge["categories"]),
            id=UUID(pledge["id"]),
            districts=tuple(pledge.get("districts", ())),
        ),
        joined_at=document["joined_at"],
        id=UUID(document["_id"]),
        confirmed_at=document.get("confirmed_at"),
        confirmation_nonce=document.get("confirmation_nonce"),
        version=document.get("version", 0),
        pledge_decision=decision_from(document.get("pledge_decision")),
        updates=[update_from(update) for update in document.get("updates", ())],
    )


def update_document(update: PledgeUpdate) -> dict[str, Any]:
    return {
        "id": str(update.id),
        "text": update.text,
        "submitted_at": epoch(update.submitted_at),
        "status": update.status.value,
        "published_text": update.published_text,
        "decided_at": epoch_or_none(update.decided_at),
    }


def update_from(document: dict[str, Any]) -> PledgeUpdate:
    return PledgeUpdate(
        text=document["text"],
        submitted_at=moment(document["submitted_at"]),
        id=UUID(document["id"]),
        status=UpdateStatus(document["status"]),
        published_text=document.get("published_text", ""),
        decided_at=moment_or_none(document.get("decided_at")),
    )
