"""The delivery log: one document per message, `_id` = its key (cause event, recipient, template).

An aggregate: a message's final status and its `notification.sent` / `notification.failed` event
are one write. Status changes are conditional on the current status, so two dispatchers never both
claim a message, and a stale writer never undoes a newer state.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError
from together_contracts import Event
from together_kit.erasure import backfill_digests
from together_kit.outbox import AggregateCollection

from notifications.domain.messages import WAITING, Status

Document = dict[str, Any]
TIMES = (
    "queued_at",
    "not_before",
    "sending_at",
    "handed_over_at",
    "sent_at",
    "failed_at",
    "unknown_at",
    "cancelled_at",
    "gathered_at",
)
"""Stored as epoch seconds: the embedded store keeps a datetime written by `$set` as a string,
which would no longer compare with the datetimes it was inserted with."""
RETAINED_FROM = "retained_from"
"""A real date (not epoch seconds: MongoDB's TTL index needs one), written with the insert: the
later of when a message was queued and when it was due. The delivery log keeps a message
`delivery_log_retention_days` after it (together_kit.retention)."""
NOT_HANDED_OVER = 0.0
"""`handed_over_at` of a claimed message not yet handed to its channel (a number, not null: the
embedded store does not match null reliably in compound filters)."""


def stored(document: Document) -> Document:
    return {k: v.timestamp() if isinstance(v, datetime) else v for k, v in document.items()}


class Due(NamedTuple):
    """A message due to be sent: its key, and whom it is for (one at a time per address)."""

    key: str
    recipient_hash: str


OUTCOME_PENDING = frozenset({Status.SENDING.value, Status.UNKNOWN.value})
"""States in which the dispatcher that claimed a message may still record what became of it."""


def loaded(document: Document) -> Document:
    times = {k: datetime.fromtimestamp(document[k], UTC) for k in TIMES if document.get(k)}
    return {**document, **times}


class MessageRepository(Protocol):
    async def record(self, document: Document) -> bool: ...
    async def get(self, key: str) -> Document | None: ...
    async def first_recorded(self, keys: Sequence[str]) -> str | None: ...
    async def due(self, now: datetime, *, limit: int) -> list[Due]: ...
    async def claim(self, key: str, *, now: datetime) -> Document | None: ...
    async def requeue(
        self, key: str, *, attempt: int, not_before: datetime, reason: str
    ) -> None: ...
    async def finish(
        self, key: str, *, attempt: int, status: Status, fields: Document, events: Sequence[Event]
    ) -> None: ...
    async def mark_handed_over(self, key: str, *, attempt: int, now: datetime, by: str) -> bool: ...
    async def handed_over_by(self, instance: str) -> list[Document]: ...
    async def requeue_interrupted(self, *, claimed_before: datetime, now: datetime) -> int: ...
    async def mark_unknown(self, *, sending_before: datetime, now: datetime) -> int: ...
    async def invitations_since(
        self, digests: Sequence[str], since: datetime, *, excluding: str
    ) -> list[datetime]: ...
    async def for_recipient(self, digests: Sequence[str], *, limit: int) -> list[Document]: ...
    async def recent(self, *, limit: int) -> list[Document]: ...
    async def scrub_person(self, person_id: str) -> None: ...
    async def scrub_address(self, digest: str) -> None: ...
    async def scrub_mentions(
        self, person_id: str, scrub: Callable[[Document], Document]
    ) -> int: ...
    async def held_about(self, *, person_id: str | None, digest: str) -> list[Document]: ...
    async def cancel_waiting(
        self,
        *,
        event_id: str,
        kinds: Sequence[str],
        reason: str,
        now: datetime,
        person_id: str | None = None,
        sparing_cause: str | None = None,
    ) -> list[Document]: ...
    async def cancel_keys(self, keys: Sequence[str], *, reason: str, now: datetime) -> int: ...
    async def held_for_digest(self, *, before: datetime) -> list[Document]: ...
    async def mark_in_digest(
        self, keys: Sequence[str], *, digest_key: str, now: datetime
    ) -> int: ...
    async def release_digest(self, person_id: str, *, not_before: datetime) -> int: ...


HELD_LIMIT = 1024
"""Claimed documents remembered for their outcome write; more means some were never settled."""


class MongoMessageRepository:
    def __init__(self, messages: AggregateCollection, *, erasure_key: bytes = b"") -> None:
        self.messages = messages
        self.collection = messages.collection
        self.erasure_key = erasure_key
        self._held: dict[str, Document] = {}
        """Each message claimed here, as last written: its outcome write need not read it back."""

    async def ensure_indexes(self) -> None:
        """Single-field indexes, which both stores use (nx-27017 ignores compound ones, ADR 0001):
        `status` narrows `due` to the queued, `recipient_hash` to one person's few messages."""
        await self.collection.create_index("status")
        await self.collection.create_index("recipient_hash")
        await self.collection.create_index("person_id")
        await self.collection.create_index("event_id")
        await self.collection.create_index("email_digest")
        await backfill_digests(
            self.collection,
            address_field="recipient",
            digest_field="email_digest",
            key=self.erasure_key,
        )

    async def record(self, document: Document) -> bool:
        """Insert the intent; False if this key was recorded before (then nothing changes)."""
        moments = [document.get(name) for name in ("queued_at", "not_before")]
        retained_from = max((m for m in moments if isinstance(m, datetime)), default=None)
        try:
            await self.messages.insert({**stored(document), RETAINED_FROM: retained_from}, [])
        except DuplicateKeyError:
            return False
        return True

    async def first_recorded(self, keys: Sequence[str]) -> str | None:
        """The first of `keys` already in the log (a message recorded under an older digest)."""
        if not keys:
            return None
        found = {
            d["_id"] async for d in self.collection.find({"_id": {"$in": list(keys)}}, {"_id": 1})
        }
        return next((key for key in keys if key in found), None)

    async def date_undated(self) -> None:
        """At start-up: messages logged before they carried `retained_from` get it, so their
        retention runs."""
        undated = self.collection.find(
            {RETAINED_FROM: {"$exists": False}}, {"queued_at": 1, "not_before": 1}
        )
        async for document in undated:
            moments = [document.get(name) or 0.0 for name in ("queued_at", "not_before")]
            retained_from = datetime.fromtimestamp(max(moments), UTC)
            await self.collection.update_one(
                {"_id": document["_id"]}, {"$set": {RETAINED_FROM: retained_from}}
            )

    async def get(self, key: str) -> Document | None:
        document = await self.collection.find_one({"_id": key})
        return loaded(document) if document else None

    async def due(self, now: datetime, *, limit: int) -> list[Due]:
        query = {"status": Status.QUEUED.value, "not_before": {"$lte": now.timestamp()}}
        fields = {"_id": 1, "recipient_hash": 1}
        cursor = self.collection.find(query, fields).sort("not_before", ASCENDING).limit(limit)
        return [Due(d["_id"], d["recipient_hash"]) async for d in cursor]

    async def claim(self, key: str, *, now: datetime) -> Document | None:
        """queued -> sending for exactly one caller, counting the attempt."""
        document = await self.collection.find_one_and_update(
            {"_id": key, "status": Status.QUEUED.value, "not_before": {"$lte": now.timestamp()}},
            {
                "$set": {
                    "status": Status.SENDING.value,
                    "sending_at": now.timestamp(),
                    "handed_over_at": NOT_HANDED_OVER,
                    "handed_over_by": "",
                },
                "$inc": {"attempts": 1, "version": 1},
            },
            return_document=ReturnDocument.AFTER,
        )
        if document is None:
            return None
        if len(self._held) >= HELD_LIMIT:
            self._held.clear()
        self._held[key] = document
        return loaded(document)

    async def mark_handed_over(self, key: str, *, attempt: int, now: datetime, by: str) -> bool:
        """Record the point of no return, and whose handover journal knows whether the dot went;
        False if this claim (its attempt) was lost, given back and perhaps claimed again."""
        marked = {"handed_over_at": now.timestamp(), "handed_over_by": by}
        updated = await self.collection.update_one(
            {
                "_id": key,
                "status": Status.SENDING.value,
                "attempts": attempt,
                "handed_over_at": NOT_HANDED_OVER,
            },
            {"$set": marked, "$inc": {"version": 1}},
        )
        held = self._held.pop(key, None)
        if updated.modified_count != 1:
            return False
        if held is not None:
            self._held[key] = {**held, **marked, "version": held["version"] + 1}
        return True

    async def handed_over_by(self, instance: str) -> list[Document]:
        """Messages handed over by the dispatcher whose journal is `instance`, outcome unrecorded."""
        found: list[Document] = []
        for status in sorted(OUTCOME_PENDING):
            query = {"status": status, "handed_over_by": instance}
            found += [loaded(d) async for d in self.collection.find(query, {"outbox": 0})]
        return found

    async def requeue_interrupted(self, *, claimed_before: datetime, now: datetime) -> int:
        """Give back messages claimed by a dispatcher that died before handing them over: they
        were never sent, so sending them now sends them once."""
        updated = await self.collection.update_many(
            {
                "status": Status.SENDING.value,
                "handed_over_at": NOT_HANDED_OVER,
                "sending_at": {"$lt": claimed_before.timestamp()},
            },
            {
                "$set": {
                    "status": Status.QUEUED.value,
                    "not_before": now.timestamp(),
                    "reason": "interrupted before hand-over: queued again",
                },
                "$inc": {"version": 1},
            },
        )
        return updated.modified_count

    async def requeue(self, key: str, *, attempt: int, not_before: datetime, reason: str) -> None:
        """The dispatcher holding `attempt` gives the message back to `queued` (see `finish`)."""
        self._held.pop(key, None)
        await self.collection.update_one(
            {"_id": key, "status": {"$in": list(OUTCOME_PENDING)}, "attempts": attempt},
            {
                "$set": {
                    "status": Status.QUEUED.value,
                    "not_before": not_before.timestamp(),
                    "reason": reason,
                },
                "$inc": {"version": 1},
            },
        )

    async def finish(
        self, key: str, *, attempt: int, status: Status, fields: Document, events: Sequence[Event]
    ) -> None:
        """The dispatcher holding `attempt` records its outcome, with the events that tell it.

        From `sending`, or from `unknown`: the reconciler's guess about a message whose outcome
        waited out a store outage longer than the stale limit; the dispatcher knows better. A
        message given back and claimed again has another attempt, so a late outcome is a no-op."""

        def change(document: Document) -> tuple[Document, Sequence[Event]]:
            if document["status"] not in OUTCOME_PENDING or document["attempts"] != attempt:
                return {}, []
            return {**stored(fields), "status": status.value}, events

        await self.messages.update(key, change, known=self._held.pop(key, None))

    async def mark_unknown(self, *, sending_before: datetime, now: datetime) -> int:
        updated = await self.collection.update_many(
            {"status": Status.SENDING.value, "sending_at": {"$lt": sending_before.timestamp()}},
            {
                "$set": {
                    "status": Status.UNKNOWN.value,
                    "unknown_at": now.timestamp(),
                    "reason": "interrupted while sending: may have been delivered, not resent",
                },
                "$inc": {"version": 1},
            },
        )
        return updated.modified_count

    async def invitations_since(
        self, digests: Sequence[str], since: datetime, *, excluding: str
    ) -> list[datetime]:
        """When invitations to this address (any of its `digests`; other than `excluding`) went,
        or began to go."""
        query = {
            "_id": {"$ne": excluding},
            "recipient_hash": {"$in": list(digests)},
            "kind": "invitation",
            "status": {"$in": [Status.SENT.value, Status.SENDING.value, Status.UNKNOWN.value]},
            "sending_at": {"$gte": since.timestamp()},
        }
        found = self.collection.find(query, {"sending_at": 1})
        return [datetime.fromtimestamp(d["sending_at"], UTC) async for d in found]

    async def for_recipient(self, digests: Sequence[str], *, limit: int) -> list[Document]:
        cursor = self.collection.find({"recipient_hash": {"$in": list(digests)}}, _PUBLIC)
        return [loaded(d) async for d in cursor.sort("queued_at", DESCENDING).limit(limit)]

    async def recent(self, *, limit: int) -> list[Document]:
        """The latest messages, with what they were rendered from (for the development page)."""
        cursor = self.collection.find({}, {"outbox": 0}).sort("queued_at", DESCENDING).limit(limit)
        return [loaded(d) async for d in cursor]

    async def scrub_person(self, person_id: str) -> None:
        """Erasure: keep each key and status (so nothing is sent twice), drop who and what;
        whatever still waits (reminders, held invitations) is cancelled, as it has no address."""
        scrubbed = {"recipient": "", "recipient_name": "", "context": {}, "erased": True}
        waiting = {"person_id": person_id, "status": {"$in": [s.value for s in WAITING]}}
        cancelled = {"status": Status.CANCELLED.value, "reason": "person erased"}
        await self._change(waiting, {**cancelled, **scrubbed})
        await self._change({"person_id": person_id}, scrubbed)

    async def held_about(self, *, person_id: str | None, digest: str) -> list[Document]:
        """Subject access: the delivery log's entries to the person (by id) or their address (by
        its keyed digest): which message, to whom and when; not what it was rendered from (its
        links are capabilities, not data about the person) nor the store's bookkeeping."""
        wanted: list[Document] = [{"email_digest": digest}]
        if person_id is not None:
            wanted.append({"person_id": person_id})
        fields = (
            "template",
            "channel",
            "kind",
            "recipient",
            "recipient_name",
            "language",
            "status",
            "queued_at",
            "sent_at",
        )
        cursor = self.collection.find({"$or": wanted}, dict.fromkeys(fields, 1))
        return [document async for document in cursor]

    async def scrub_mentions(self, person_id: str, scrub: Callable[[Document], Document]) -> int:
        """Erasure of a person named in messages to others (an organiser's digest): each such
        message's context becomes `scrub(context)`; returns how many."""
        scrubbed = 0
        found = self.collection.find({"mentions": person_id}, {"context": 1, "mentions": 1})
        async for document in found:
            mentions = [m for m in document.get("mentions", []) if m != person_id]
            fields = {"context": scrub(document.get("context", {})), "mentions": mentions}
            update = {"$set": fields, "$inc": {"version": 1}}
            changed = await self.collection.update_one({"_id": document["_id"]}, update)
            scrubbed += changed.modified_count
        return scrubbed

    async def scrub_address(self, digest: str) -> None:
        """Erasure of messages recorded by address alone (the erasure link, outcomes to authors)."""
        scrubbed = {"recipient": "", "recipient_name": "", "context": {}, "erased": True}
        await self._change({"email_digest": digest}, scrubbed)

    async def cancel_waiting(
        self,
        *,
        event_id: str,
        kinds: Sequence[str],
        reason: str,
        now: datetime,
        person_id: str | None = None,
        sparing_cause: str | None = None,
    ) -> list[Document]:
        """Cancel what still waits about an event (for one person, if given); returns those
        cancelled. `sparing_cause` spares messages caused by that event (a redelivery)."""
        query: Document = {
            "event_id": event_id,
            "kind": {"$in": list(kinds)},
            "status": {"$in": [status.value for status in WAITING]},
        }
        if person_id is not None:
            query["person_id"] = person_id
        if sparing_cause is not None:
            query["cause_event_id"] = {"$ne": sparing_cause}
        found = [loaded(d) async for d in self.collection.find(query, {"outbox": 0})]
        return [d for d in found if await self._cancel(d["_id"], reason=reason, now=now)]

    async def cancel_keys(self, keys: Sequence[str], *, reason: str, now: datetime) -> int:
        return sum([await self._cancel(key, reason=reason, now=now) for key in keys])

    async def _cancel(self, key: str, *, reason: str, now: datetime) -> bool:
        """waiting -> cancelled; False if a dispatcher claimed it first (then it goes)."""
        waiting = {"_id": key, "status": {"$in": [status.value for status in WAITING]}}
        fields = {"status": Status.CANCELLED.value, "reason": reason, "cancelled_at": now}
        return await self._change(waiting, fields) == 1

    async def held_for_digest(self, *, before: datetime) -> list[Document]:
        """Invitations held for a digest that were recorded before `before`, oldest first."""
        query = {"status": Status.DIGEST.value, "queued_at": {"$lt": before.timestamp()}}
        cursor = self.collection.find(query, {"outbox": 0}).sort("queued_at", ASCENDING)
        return [loaded(d) async for d in cursor]

    async def mark_in_digest(self, keys: Sequence[str], *, digest_key: str, now: datetime) -> int:
        held = {"_id": {"$in": list(keys)}, "status": Status.DIGEST.value}
        status = Status.IN_DIGEST.value
        fields = {"status": status, "digest_key": digest_key, "gathered_at": now, "reason": ""}
        return await self._change(held, fields)

    async def release_digest(self, person_id: str, *, not_before: datetime) -> int:
        """The person no longer wants the digest: what it held goes one by one after all."""
        held = {"person_id": person_id, "status": Status.DIGEST.value}
        return await self._change(held, {"status": Status.QUEUED.value, "not_before": not_before})

    async def _change(self, query: Document, fields: Document) -> int:
        update = {"$set": stored(fields), "$inc": {"version": 1}}
        return (await self.collection.update_many(query, update)).modified_count


_PUBLIC = {"context": 0, "outbox": 0}
