"""Signatures of the open letter (`handlers.ports.SignatureRepository`), each write with its events.

One signature per address: a unique index on `email` turns a second insert away, which is the
"already signed" path. Each signature keeps the keyed digest of its address (`email_digest`), by
which erasure and subject access find it. `confirmed` and `shown` are kept as booleans beside the
nullable dates, for the counts and the public list to query (ADR 0001).
"""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from together_contracts import IntegrationEvent, Nation, SignatoryKind, email_digest
from together_kit.messaging.outbox import (
    AggregateCollection,
    AggregateNotFoundError,
    grouped_inserts,
)

from signups.domain.letter import (
    AlreadySignedError,
    Counts,
    Signatory,
    SignatoryDetails,
    Signature,
    SignatureChange,
    SignatureNotFoundError,
)

PENDING_SINCE = "pending_since"
"""When an unconfirmed signature was made (None once confirmed): its retention runs from then."""
DIGEST = "email_digest"


class MongoSignatureRepository:
    def __init__(self, signatures: AggregateCollection, *, erasure_key: bytes) -> None:
        self.signatures = signatures
        self.erasure_key = erasure_key
        self._inserts = grouped_inserts(signatures)

    async def ensure_indexes(self) -> None:
        collection = self.signatures.collection
        await collection.create_index("email", unique=True)
        await collection.create_index(DIGEST)
        await collection.create_index("confirmed")
        await collection.create_index([("shown", 1), ("confirmed_at", 1)])

    async def add(self, signature: Signature, *, events: Sequence[IntegrationEvent]) -> None:
        if not await self._inserts((self.to_document(signature), events)):
            raise AlreadySignedError(signature.details.email)

    async def get(self, signature_id: UUID) -> Signature | None:
        document = await self.signatures.collection.find_one({"_id": str(signature_id)})
        return from_document(document) if document else None

    async def find_by_email(self, email: str) -> Signature | None:
        document = await self.signatures.collection.find_one({"email": email})
        return from_document(document) if document else None

    async def with_digest(self, digest: str) -> list[Signature]:
        found = self.signatures.collection.find({DIGEST: digest})
        return [from_document(document) async for document in found]

    async def change(self, signature_id: UUID, change: SignatureChange) -> Signature:
        changed: list[Signature] = []

        def apply(document: dict[str, Any]) -> tuple[dict[str, Any], Sequence[IntegrationEvent]]:
            signature = from_document(document)
            events = change(signature)
            changed[:] = [signature]
            return self.to_document(signature), events

        try:
            await self.signatures.update(str(signature_id), apply)
        except AggregateNotFoundError as error:
            raise SignatureNotFoundError(signature_id) from error
        return changed[0]

    async def delete(self, signature_id: UUID) -> bool:
        return await self.signatures.delete(str(signature_id))

    async def counts(self) -> Counts:
        """Confirmed signatures by nation: one `$group` over the confirmed ones."""
        pipeline: list[dict[str, Any]] = [
            {"$match": {"confirmed": True}},
            {"$group": {"_id": "$nation", "signatures": {"$sum": 1}}},
        ]
        cursor = await self.signatures.collection.aggregate(pipeline)
        counted = {row["_id"]: int(row["signatures"]) async for row in cursor}
        return Counts({nation: counted.get(nation.value, 0) for nation in Nation})

    async def shown(self, *, skip: int, limit: int) -> tuple[list[Signatory], int]:
        """A page of the public list (in the order they confirmed) and how many it has in all."""
        query = {"shown": True}
        collection = self.signatures.collection
        total = await collection.count_documents(query)
        cursor = collection.find(query).sort("confirmed_at", 1).skip(skip).limit(limit)
        page = [Signatory(d["name"], SignatoryKind(d["kind"]), d.get("town")) async for d in cursor]
        return page, total

    def to_document(self, signature: Signature) -> dict[str, Any]:
        details = signature.details
        return {
            "_id": str(signature.id),
            "name": details.name,
            "kind": details.kind.value,
            "email": details.email,
            DIGEST: email_digest(details.email, key=self.erasure_key),
            "nation": details.nation.value,
            "town": details.town,
            "public": details.public,
            "invite": details.invite,
            "language": details.language,
            "signed_at": signature.signed_at,
            "confirmed_at": signature.confirmed_at,
            "confirmation_nonce": signature.confirmation_nonce,
            "confirmed": signature.confirmed,
            "shown": signature.shown,
            PENDING_SINCE: signature.pending_since,
        }


def from_document(document: dict[str, Any]) -> Signature:
    return Signature(
        details=SignatoryDetails(
            name=document["name"],
            kind=SignatoryKind(document["kind"]),
            email=document["email"],
            nation=Nation(document["nation"]),
            town=document.get("town"),
            public=document.get("public", False),
            invite=document.get("invite", False),
            language=document.get("language", "en"),
        ),
        signed_at=document["signed_at"],
        id=UUID(document["_id"]),
        confirmed_at=document.get("confirmed_at"),
        confirmation_nonce=document.get("confirmation_nonce"),
        version=document.get("version", 0),
    )
