"""Pending events kept inside the document whose change caused them (docs/adr/0002-outbox.md).

A state change and its events are one single-document write, atomic on MongoDB and on the embedded
store alike, with no multi-document transaction. Each such document carries:

- `version`: bumped by every write; writers filter on it (optimistic concurrency);
- `outbox`: the envelopes not yet published, oldest first (per-aggregate order);
- `outbox_pending`: how many there are, so the relay's query is a plain indexed `$gt`;
- `outbox_lease_until`: epoch seconds until which one relay owns the document.

The events a write stages are published by the writing process at once (`together_kit.messaging.eager`)
when it may lease the document in that same write; the relay publishes the rest.

Updates replace the whole document under a version filter: the embedded store corrupts
sub-documents added by `$push` and turns top-level datetimes written by `$set` into strings, while
inserts and replacements keep every type. The relay's lease claim bumps `version` too, so a writer
never puts back a lease it read before the claim.
"""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pymongo import ASCENDING, ReplaceOne
from pymongo.asynchronous.collection import AsyncCollection
from together_contracts import IntegrationEvent

from together_kit.grouping import GroupWrite, insert_each
from together_kit.messaging.redaction import erased_values, redacted

Document = dict[str, Any]
Change = tuple[Mapping[str, Any], Sequence[IntegrationEvent]]


class ConcurrentWriteError(Exception):
    """Another writer changed the document between our read and our write, too many times."""


class AggregateNotFoundError(LookupError):
    pass


@dataclass(frozen=True)
class Replaced:
    """What `AggregateCollection.replace_known` did, by document id."""

    written: list[Any]
    refused: list[Any]
    """Changed by another writer since they were read: to be changed again the usual way."""


class Staging(Protocol):
    """Who publishes the events a write stages (`EagerOutbox`, or `RelayStaging`)."""

    def lease(
        self, collection: AsyncCollection[Document], current: Mapping[str, Any] | None
    ) -> Document:
        """Fields the write sets to lease the document to its own process (may be none)."""
        ...

    def written(
        self,
        collection: AsyncCollection[Document],
        document: Mapping[str, Any],
        events: list[Document],
        *,
        leased: bool,
    ) -> None: ...


@dataclass(frozen=True)
class RelayStaging:
    """Every staged event left to the relay, woken after the write."""

    wake: Callable[[], None]

    def lease(
        self, collection: AsyncCollection[Document], current: Mapping[str, Any] | None
    ) -> Document:
        return {}

    def written(
        self,
        collection: AsyncCollection[Document],
        document: Mapping[str, Any],
        events: list[Document],
        *,
        leased: bool,
    ) -> None:
        if events:
            self.wake()


def staged(events: Sequence[IntegrationEvent]) -> list[Document]:
    return [event.model_dump(mode="json") for event in events]


def _new(document: Mapping[str, Any], pending: list[Document], lease: Document) -> Document:
    return {
        **document,
        "version": 1,
        "outbox": pending,
        "outbox_pending": len(pending),
        "outbox_lease_until": 0.0,
        **lease,
    }


class AggregateCollection:
    """A collection whose documents carry their own pending events, published after each write."""

    def __init__(self, collection: AsyncCollection[Document], *, staging: Staging):
        self.collection = collection
        self._staging = staging

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("outbox_pending", ASCENDING)])

    async def insert(self, document: Mapping[str, Any], events: Sequence[IntegrationEvent]) -> None:
        pending = staged(events)
        lease = self._lease(None, pending)
        new = _new(document, pending, lease)
        await self.collection.insert_one(new)
        self._staging.written(self.collection, new, pending, leased=bool(lease))

    async def insert_new(self, items: Sequence[Change]) -> list[Any]:
        """Insert documents, each with its events, in one round trip; the ids of those inserted.
        A document whose `_id` is taken is left out, and the others are inserted all the same."""
        went_in = await self.insert_each(items)
        return [document["_id"] for (document, _), made in zip(items, went_in, strict=True) if made]

    async def insert_each(self, items: Sequence[Change]) -> list[bool]:
        """`insert_new`, telling each document whether it went in (False: a unique key of it was
        taken, before or by a document earlier in the same write)."""
        documents = []
        for document, events in items:
            pending = staged(events)
            documents.append(_new(document, pending, self._lease(None, pending)))
        went_in = await insert_each(self.collection, documents)
        for d, made in zip(documents, went_in, strict=True):
            if made:
                self._staging.written(
                    self.collection, d, d["outbox"], leased="outbox_lease_owner" in d
                )
        return went_in

    async def update(
        self,
        document_id: Any,
        change: Callable[[Document], Change | Awaitable[Change]],
        *,
        attempts: int = 8,
        known: Document | None = None,
        redacting: bool = False,
    ) -> Document:
        """Apply `change` (current document -> fields to set, events) under optimistic concurrency.

        `change` runs again on the document read anew each time a write is refused (another
        writer, or this process's own outbox marking events published, changed it meanwhile):
        what it tells its caller must be set by each run, never added up across runs.

        `known`: the document as its caller last wrote or read it, tried first instead of reading
        it again (one round trip fewer); if it is no longer current, the version filter refuses
        the write and the document is read as usual.

        `redacting`: an erasure. The values the change removes from the document are taken out
        of the events the document still holds, too (`together_kit.messaging.redaction`)."""
        for _ in range(attempts):
            current, known = known, None
            read = current is None
            if current is None:
                current = await self.collection.find_one({"_id": document_id})
            if current is None:
                raise AggregateNotFoundError(document_id)
            result = change(current)
            fields, events = await result if isinstance(result, Awaitable) else result
            if not events and all(current.get(key) == value for key, value in fields.items()):
                if not read:
                    continue  # nothing to do by a copy that may be stale: ask the store
                return current
            pending = staged(events)
            lease = self._lease(current, pending)
            held = current
            if redacting and current.get("outbox"):
                erased = erased_values(current, {**current, **fields})
                held = {**current, "outbox": redacted(current["outbox"], erased)}
            updated = _updated(held, fields, pending, lease)
            written = await self.collection.replace_one(
                {"_id": document_id, "version": current["version"]}, updated
            )
            if written.modified_count == 1:
                self._staging.written(self.collection, updated, pending, leased=bool(lease))
                return updated
        raise ConcurrentWriteError(document_id)

    async def replace_known(
        self, changes: Sequence[tuple[Document, Change]], *, holds: Callable[[Document], bool]
    ) -> Replaced:
        """Apply each change (fields to set, events) to the document as its caller read it, under
        the version it was read with: one unordered bulk write for all, no read first.

        A document another writer changed since it was read is refused, and so left as that
        writer made it. When some are refused, the documents are read back to tell which: one
        for which `holds` (the caller's own mark of its change, e.g. what it recorded) is true
        was written, even if another writer has changed it since. The caller changes the refused
        ones again the usual way (`update`). A document deleted meanwhile is in neither list."""
        pending: dict[Any, tuple[Document, list[Document], bool]] = {}
        for known, (fields, events) in changes:
            new_events = staged(events)
            lease = self._lease(known, new_events)
            pending[known["_id"]] = (
                _updated(known, fields, new_events, lease),
                new_events,
                bool(lease),
            )
        if not pending:
            return Replaced([], [])
        result = await self.collection.bulk_write(
            [
                ReplaceOne({"_id": document_id, "version": updated["version"] - 1}, updated)
                for document_id, (updated, _, _) in pending.items()
            ],
            ordered=False,
        )
        written, refused = list(pending), []
        if result.modified_count != len(pending):
            found = self.collection.find({"_id": {"$in": list(pending)}})
            stored = {document["_id"]: document async for document in found}
            written = [i for i in pending if i in stored and holds(stored[i])]
            refused = [i for i in pending if i in stored and not holds(stored[i])]
        for i in written:
            updated, new_events, leased = pending[i]
            self._staging.written(self.collection, updated, new_events, leased=leased)
        return Replaced(written, refused)

    async def delete(self, document_id: Any) -> bool:
        """Delete a document; its unpublished events go with it (use only when that is intended)."""
        deleted = await self.collection.delete_one({"_id": document_id})
        return deleted.deleted_count == 1

    def _lease(self, current: Mapping[str, Any] | None, pending: list[Document]) -> Document:
        return self._staging.lease(self.collection, current) if pending else {}


def _updated(
    current: Mapping[str, Any], fields: Mapping[str, Any], pending: list[Document], lease: Document
) -> Document:
    outbox = list(current.get("outbox", [])) + pending
    return {
        **current,
        **fields,
        "version": current["version"] + 1,
        "outbox": outbox,
        "outbox_pending": len(outbox),
        **lease,
    }


def grouped_inserts(aggregate: AggregateCollection) -> GroupWrite[Change, bool]:
    """Inserts of new documents, each with its events, asked for together and written as one:
    each caller is told whether its document went in (False: a unique key of it, its `_id` or
    another, was taken, or taken by a document earlier in the same write)."""
    return GroupWrite(aggregate.insert_each)
