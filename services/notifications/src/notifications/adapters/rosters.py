"""Rosters (domain.rosters) in the `rosters` collection, one document per event, changed with
optimistic concurrency: read, change in memory, write back only if the version is unchanged.

`mentions` (the ids of everyone on the roster or in a pending change) and `organiser_digest` (the
keyed digest of the organiser's address) are there so erasure finds what to forget.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError
from together_contracts import email_digest
from together_kit.stored import epoch, epoch_or_none, moment, moment_or_none

from notifications.domain.rosters import Change, Organiser, Place, Roster

Document = dict[str, Any]
ATTEMPTS = 20


class RosterConflictError(Exception):
    """Another writer kept changing the roster; the event is retried."""


class MongoRosterRepository:
    def __init__(self, collection: AsyncCollection[Document], *, erasure_key: bytes) -> None:
        self.collection = collection
        self.erasure_key = erasure_key

    async def ensure_indexes(self) -> None:
        """No index on `mentions`: nx-27017's indexes are not multikey (a query for one element
        of an indexed array finds nothing), and erasures are rare."""
        await self.collection.create_index("digest_due_at")
        await self.collection.create_index("organiser_digest")

    async def get(self, event_id: str) -> Roster | None:
        document = await self.collection.find_one({"_id": event_id})
        return loaded(document) if document else None

    async def change(self, event_id: str, change: Callable[[Roster], bool]) -> Roster:
        """Apply `change` (which says whether it changed anything) and save it, retrying when
        another writer saved first."""
        for _ in range(ATTEMPTS):
            roster = await self.get(event_id) or Roster(event_id)
            version = roster.version
            if not change(roster):
                return roster
            roster.version = version + 1
            document = self.stored(roster)
            if version == 0:
                try:
                    await self.collection.insert_one(document)
                except DuplicateKeyError:
                    continue
                return roster
            saved = await self.collection.replace_one(
                {"_id": event_id, "version": version}, document
            )
            if saved.matched_count == 1:
                return roster
        raise RosterConflictError(event_id)

    async def due(self, now: datetime) -> list[str]:
        query = {"digest_due_at": {"$lte": epoch(now)}}
        return [d["_id"] async for d in self.collection.find(query, {"_id": 1})]

    async def mentioning(self, person_id: str) -> list[str]:
        return [d["_id"] async for d in self.collection.find({"mentions": person_id}, {"_id": 1})]

    async def organised_by(self, digest: str) -> list[str]:
        query = {"organiser_digest": digest}
        return [d["_id"] async for d in self.collection.find(query, {"_id": 1})]

    def stored(self, roster: Roster) -> Document:
        organiser = roster.organiser
        mentions = {*roster.people, *(c.person_id for c in roster.changes.values())} - {""}
        return {
            "_id": roster.event_id,
            "title": roster.title,
            "organiser": None if organiser is None else vars(organiser).copy(),
            "organiser_digest": (
                email_digest(organiser.email, key=self.erasure_key) if organiser else None
            ),
            "people": {p: vars(place).copy() for p, place in roster.people.items()},
            "changes": {
                key: {"kind": c.kind, "person_id": c.person_id, "at": epoch(c.at)}
                for key, c in roster.changes.items()
            },
            "mentions": sorted(mentions),
            "seen": roster.seen,
            "digest_due_at": epoch_or_none(roster.digest_due_at),
            "last_digest_at": epoch_or_none(roster.last_digest_at),
            "digests": roster.digests,
            "cancelled": roster.cancelled,
            "version": roster.version,
        }


def loaded(document: Document) -> Roster:
    organiser = document.get("organiser")
    return Roster(
        event_id=document["_id"],
        title=document.get("title", ""),
        organiser=Organiser(**organiser) if organiser else None,
        people={p: Place(**place) for p, place in document.get("people", {}).items()},
        changes={
            key: Change(c["kind"], c["person_id"], moment(c["at"]))
            for key, c in document.get("changes", {}).items()
        },
        seen=list(document.get("seen", [])),
        digest_due_at=moment_or_none(document.get("digest_due_at")),
        last_digest_at=moment_or_none(document.get("last_digest_at")),
        digests=document.get("digests", 0),
        cancelled=document.get("cancelled", False),
        version=document.get("version", 0),
    )
