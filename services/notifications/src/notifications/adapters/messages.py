"""The delivery log: one document per message (domain.messages), `_id` = its key (cause event,
recipient, template), read and written through `loaded` and `stored`.

A message is recorded once per cause event, address and template, whichever address key its `_id`
was made under: `once` holds those three (the address by its erasure digest, whose key does not
rotate), under a unique index, so a redelivered event whose message was recorded under an older
address key is refused by that index at its insert, with no read before it.

An aggregate: a message's final status and its `notification.sent` / `notification.failed` event
are one write. Status changes are conditional on the current status, so two dispatchers never both
claim a message, and a stale writer never undoes a newer state. Times are stored as epoch seconds
and a claimed message not yet handed over has `handed_over_at` = `NEVER` (together_kit.stored).
"""

import contextlib
import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument, UpdateOne
from pymongo.errors import DuplicateKeyError
from together_contracts import IntegrationEvent
from together_kit.erasure import backfill_digests
from together_kit.grouping import GroupWrite
from together_kit.messaging.outbox import AggregateCollection, grouped_inserts
from together_kit.stored import NEVER, TimeFields, epoch, moment, moment_or_none, same_time

from notifications.domain.messages import (
    CLAIMABLE,
    INVITATION,
    OUTCOME_PENDING,
    WAITING,
    Due,
    Message,
    Recorded,
    Status,
)

Document = dict[str, Any]
TIMES = TimeFields(
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
ONCE = "once"
"""The cause event, the address's erasure digest and the template, hashed: unique (module
docstring). Absent from a message with no digest (logged before digests, and erased since)."""
RETAINED_FROM = "retained_from"
"""A real date (not epoch seconds: MongoDB's TTL index needs one), written with the insert: the
later of when a message was queued and when it was due. The delivery log keeps a message
`delivery_log_retention_days` after it (together_kit.retention)."""
RECORDED = (
    "cause_event_id",
    "correlation_id",
    "template",
    "channel",
    "kind",
    "recipient",
    "recipient_hash",
    "email_digest",
    "recipient_name",
    "language",
    "person_id",
    "context",
    "status",
    "reason",
    "attempts",
    "queued_at",
    "not_before",
    "event_id",
    "gathers",
    "mentions",
)
"""The fields a message is recorded with, in their stored order (after `_id`)."""
OUTCOMES: dict[Status, tuple[str, ...]] = {
    Status.SENT: ("sent_at", "reason"),
    Status.FAILED: ("failed_at", "reason", "permanent"),
    Status.SUPPRESSED: ("reason",),
}
"""What each outcome a dispatcher records writes, besides the status."""
PENDING = sorted(status.value for status in OUTCOME_PENDING)
CLAIM = "claim"
"""The token of the claim that holds a message (`claim_all` reads its claims back by it)."""


def _claimable(now: datetime) -> Document:
    return {"status": CLAIMABLE.value, "not_before": {"$lte": epoch(now)}}


def _claiming(now: datetime, *, token: str) -> Document:
    return {
        "$set": {
            "status": Status.SENDING.value,
            "sending_at": epoch(now),
            "handed_over_at": NEVER,
            "handed_over_by": "",
            CLAIM: token,
        },
        "$inc": {"attempts": 1, "version": 1},
    }


WAITING_VALUES = [status.value for status in WAITING]


def once(*, cause_event_id: str, email_digest: str, template: str) -> str:
    return hashlib.sha256(f"{cause_event_id}|{email_digest}|{template}".encode()).hexdigest()


def stored(message: Message) -> Document:
    """The document a new message is recorded as."""
    document: Document = {"_id": message.key}
    for name in RECORDED:
        document[name] = getattr(message, name)
    if message.email_digest:
        document[ONCE] = once(
            cause_event_id=message.cause_event_id,
            email_digest=message.email_digest,
            template=message.template,
        )
    document["status"] = message.status.value
    document["gathers"] = list(message.gathers)
    document["mentions"] = list(message.mentions)
    if message.status is Status.SENDING:  # recorded already claimed by its sender
        document["attempts"] = message.attempts
        document["sending_at"] = message.sending_at
        document["handed_over_at"] = NEVER
        document["handed_over_by"] = ""
    return TIMES.dump(document)


def as_inserted(document: Document) -> Document:
    """A document as `AggregateCollection.insert` writes it with no events: the copy an outcome
    write may replace without reading it back (a stale copy is refused by its version)."""
    return {**document, "version": 1, "outbox": [], "outbox_pending": 0, "outbox_lease_until": 0.0}


def outcome(message: Message) -> Document:
    """The fields a dispatcher's outcome writes; a sent message's context only once dropped."""
    names = OUTCOMES[message.status]
    if message.status is Status.SENT and not message.context:
        names = (*names, "context")
    fields = TIMES.dump({name: getattr(message, name) for name in names})
    return {**fields, "status": message.status.value}


def loaded(document: Document) -> Message:
    """A stored message, also one read without its context (`for_recipient`)."""
    queued_at = moment(document["queued_at"])
    return Message(
        key=document["_id"],
        cause_event_id=document["cause_event_id"],
        template=document["template"],
        recipient_hash=document["recipient_hash"],
        status=Status(document["status"]),
        queued_at=queued_at,
        not_before=moment_or_none(document.get("not_before")) or queued_at,
        correlation_id=document.get("correlation_id", ""),
        channel=document.get("channel", "email"),
        kind=document.get("kind", "transactional"),
        recipient=document.get("recipient", ""),
        email_digest=document.get("email_digest", ""),
        recipient_name=document.get("recipient_name", ""),
        language=document.get("language", "en"),
        person_id=document.get("person_id"),
        context=document.get("context", {}),
        reason=document.get("reason", ""),
        attempts=document.get("attempts", 0),
        event_id=document.get("event_id"),
        gathers=tuple(document.get("gathers", ())),
        mentions=tuple(document.get("mentions", ())),
        sending_at=moment_or_none(document.get("sending_at")),
        handed_over_at=moment_or_none(document.get("handed_over_at")),
        handed_over_by=document.get("handed_over_by", ""),
        sent_at=moment_or_none(document.get("sent_at")),
        failed_at=moment_or_none(document.get("failed_at")),
        permanent=bool(document.get("permanent", False)),
        unknown_at=moment_or_none(document.get("unknown_at")),
        cancelled_at=moment_or_none(document.get("cancelled_at")),
        gathered_at=moment_or_none(document.get("gathered_at")),
        digest_key=document.get("digest_key"),
        erased=bool(document.get("erased", False)),
        receipt=document.get("receipt", ""),
        receipt_detail=document.get("receipt_detail", ""),
    )


HELD_LIMIT = 1024
"""Claimed documents remembered for their outcome write; more means some were never settled."""


class MongoMessageRepository:
    def __init__(self, messages: AggregateCollection, *, erasure_key: bytes = b"") -> None:
        self.messages = messages
        self.collection = messages.collection
        self.erasure_key = erasure_key
        self._held: dict[str, Document] = {}
        """Each message claimed here, as last written: its outcome write need not read it back."""
        self._inserts = grouped_inserts(self.messages)
        self._unfound_by_once = True
        """Whether the log may hold messages `once` cannot find (`_backfill_once`)."""
        self._marks: GroupWrite[Message, bool] = GroupWrite(self._mark_all)
        self._outcomes: GroupWrite[_Outcome, None] = GroupWrite(self._finish_all)

    async def ensure_indexes(self) -> None:
        """Single-field indexes, which both stores use (nx-27017 ignores compound ones, ADR 0001):
        `status` narrows `due` to the queued, `recipient_hash` to one person's few messages."""
        await self.collection.create_index("status")
        await self.collection.create_index("recipient_hash")
        await self.collection.create_index("person_id")
        await self.collection.create_index("event_id")
        await self.collection.create_index("email_digest")
        await self.collection.create_index(ONCE, unique=True, sparse=True, name=ONCE)
        await backfill_digests(
            self.collection,
            address_field="recipient",
            digest_field="email_digest",
            key=self.erasure_key,
        )
        await self._backfill_once()

    async def _backfill_once(self) -> None:
        """Messages logged before `once` get it; one that repeats another's is left without (the
        other already stands for both). One with no address digest cannot have it (logged before
        digests, and erased since): while the log holds any, `recorded_under` looks for them."""
        self._unfound_by_once = False
        missing = self.collection.find(
            {ONCE: {"$exists": False}}, {"cause_event_id": 1, "email_digest": 1, "template": 1}
        )
        async for document in missing:
            if not document.get("email_digest"):
                self._unfound_by_once = True
                continue
            value = once(
                cause_event_id=document["cause_event_id"],
                email_digest=document["email_digest"],
                template=document["template"],
            )
            with contextlib.suppress(DuplicateKeyError):
                await self.collection.update_one({"_id": document["_id"]}, {"$set": {ONCE: value}})

    async def record(self, message: Message) -> bool:
        """Insert the intent (or a message already claimed by its sender, `Message.claimed`);
        False if it was recorded before, under this key or another address key (`once`): then
        nothing changes. Inserts asked for while another is being written go in together."""
        retained_from = max(message.queued_at, message.not_before)
        document = {**stored(message), RETAINED_FROM: retained_from}
        if not await self._inserts((document, [])):
            return False
        if message.status is Status.SENDING:
            self._hold(message.key, as_inserted(document))
        return True

    def _hold(self, key: str, document: Document) -> None:
        if len(self._held) >= HELD_LIMIT:
            self._held.clear()
        self._held[key] = document

    async def recorded_under(self, keys: Sequence[str]) -> Recorded | None:
        """The first of `keys` (a message's keys under older address keys) in the log, looked
        for only while it may hold messages without `once`: `record` refuses the others."""
        if not keys or not self._unfound_by_once:
            return None
        query = {"_id": {"$in": list(keys)}}
        found = {d["_id"]: _recorded(d) async for d in self.collection.find(query, _RECORDED)}
        return next((found[key] for key in keys if key in found), None)

    async def recorded_as(self, message: Message) -> Recorded | None:
        """The message recorded before for `message`'s cause, address and template, under
        whichever address key (what `record` found when it returned False)."""
        if message.email_digest:
            value = once(
                cause_event_id=message.cause_event_id,
                email_digest=message.email_digest,
                template=message.template,
            )
            if document := await self.collection.find_one({ONCE: value}, _RECORDED):
                return _recorded(document)
        document = await self.collection.find_one({"_id": message.key}, _RECORDED)
        return _recorded(document) if document else None

    async def date_undated(self) -> None:
        """At start-up: messages logged before they carried `retained_from` get it, so their
        retention runs."""
        undated = self.collection.find(
            {RETAINED_FROM: {"$exists": False}}, {"queued_at": 1, "not_before": 1}
        )
        async for document in undated:
            moments = [document.get(name) or 0.0 for name in ("queued_at", "not_before")]
            retained_from = moment(max(moments))
            await self.collection.update_one(
                {"_id": document["_id"]}, {"$set": {RETAINED_FROM: retained_from}}
            )

    async def get(self, key: str) -> Message | None:
        document = await self.collection.find_one({"_id": key})
        return loaded(document) if document else None

    async def due(self, now: datetime, *, limit: int) -> list[Due]:
        query = {"status": CLAIMABLE.value, "not_before": {"$lte": epoch(now)}}
        fields = {"_id": 1, "recipient_hash": 1}
        cursor = self.collection.find(query, fields).sort("not_before", ASCENDING).limit(limit)
        return [Due(d["_id"], d["recipient_hash"]) async for d in cursor]

    async def claim(self, key: str, *, now: datetime) -> Message | None:
        """queued -> sending for exactly one caller, counting the attempt."""
        document = await self.collection.find_one_and_update(
            {"_id": key, **_claimable(now)},
            _claiming(now, token=uuid.uuid4().hex),
            return_document=ReturnDocument.AFTER,
        )
        if document is None:
            return None
        self._hold(key, document)
        return loaded(document)

    async def claim_all(self, keys: Sequence[str], *, now: datetime) -> list[Message]:
        """`claim` for each of `keys`, in two round trips whatever their number: the claimable
        ones are claimed under a token of this call (one bulk write of updates by `_id`), then
        read back by it (among the few `sending`). Those another dispatcher claimed first are
        left out; the others come in `keys`' order. No `$in`: nx-27017 serves none from an
        index, and a backlog of thousands queued made each claim a scan of them all."""
        if len(keys) <= 1:
            return [claimed for key in keys if (claimed := await self.claim(key, now=now))]
        token = uuid.uuid4().hex
        await self.collection.bulk_write(
            [
                UpdateOne({"_id": key, **_claimable(now)}, _claiming(now, token=token))
                for key in keys
            ],
            ordered=False,
        )
        found = self.collection.find({"status": Status.SENDING.value, CLAIM: token})
        by_key = {document["_id"]: document async for document in found}
        for key, document in by_key.items():
            self._hold(key, document)
        return [loaded(by_key[key]) for key in keys if key in by_key]

    async def mark_handed_over(self, message: Message) -> bool:
        """Record the point of no return, and whose handover journal knows whether the dot went;
        False if this claim (its attempt) was lost, given back and perhaps claimed again. Marks
        asked for while another is being written are written together (`GroupWrite`)."""
        assert message.handed_over_at is not None, "Message.hand_over first"
        return await self._marks(message)

    async def _mark_all(self, messages: list[Message]) -> list[bool]:
        marks = [_handed_over(message) for message in messages]
        written = await self.collection.bulk_write(
            [
                UpdateOne(
                    {
                        "_id": message.key,
                        "status": Status.SENDING.value,
                        "attempts": message.attempts,
                        "handed_over_at": NEVER,
                    },
                    {"$set": marked, "$inc": {"version": 1}},
                )
                for message, marked in zip(messages, marks, strict=True)
            ],
            ordered=False,
        )
        if written.modified_count == len(messages):
            made = [True] * len(messages)
        else:  # some claims were lost: tell which by what the store holds now
            keys = [message.key for message in messages]
            found = self.collection.find({"_id": {"$in": keys}}, {"outbox": 0, "context": 0})
            stored = {document["_id"]: document async for document in found}
            made = [
                _holds(stored.get(message.key), message.attempts, marked)
                for message, marked in zip(messages, marks, strict=True)
            ]
        for message, marked, mine in zip(messages, marks, made, strict=True):
            held = self._held.pop(message.key, None)
            if mine and held is not None:
                self._held[message.key] = {**held, **marked, "version": held["version"] + 1}
        return made

    async def handed_over_by(self, instance: str) -> list[Message]:
        """Messages handed over by the dispatcher whose journal is `instance`, outcome unrecorded."""
        found: list[Message] = []
        for status in PENDING:
            query = {"status": status, "handed_over_by": instance}
            found += [loaded(d) async for d in self.collection.find(query, {"outbox": 0})]
        return found

    async def handed_over_before(self, sending_before: datetime, *, channel: str) -> list[Message]:
        """Messages of `channel` handed over, claimed before `sending_before`, outcome unrecorded:
        what `mark_unknown` would take."""
        query = {
            "status": Status.SENDING.value,
            "channel": channel,
            "sending_at": {"$lt": epoch(sending_before)},
            "handed_over_at": {"$ne": NEVER},
        }
        return [loaded(d) async for d in self.collection.find(query, {"outbox": 0})]

    async def requeue_interrupted(self, *, claimed_before: datetime, now: datetime) -> int:
        """Give back messages claimed by a dispatcher that died before handing them over: they
        were never sent, so sending them now sends them once."""
        updated = await self.collection.update_many(
            {
                "status": Status.SENDING.value,
                "handed_over_at": NEVER,
                "sending_at": {"$lt": epoch(claimed_before)},
            },
            {
                "$set": {
                    "status": Status.QUEUED.value,
                    "not_before": epoch(now),
                    "reason": "interrupted before hand-over: queued again",
                },
                "$inc": {"version": 1},
            },
        )
        return updated.modified_count

    async def requeue(self, message: Message) -> None:
        """The dispatcher holding the message's attempt gives it back to `queued` (`finish`)."""
        self._held.pop(message.key, None)
        await self.collection.update_one(
            {"_id": message.key, "status": {"$in": PENDING}, "attempts": message.attempts},
            {
                "$set": {
                    "status": message.status.value,
                    "not_before": epoch(message.not_before),
                    "reason": message.reason,
                },
                "$inc": {"version": 1},
            },
        )

    async def finish(self, message: Message, *, events: Sequence[IntegrationEvent]) -> None:
        """The dispatcher holding the message's attempt records its outcome, with the events that
        tell it: from `sending`, or from `unknown` (domain.messages.OUTCOME_PENDING). A message
        given back and claimed again has another attempt, so a late outcome is a no-op.

        Outcomes asked for while another is being written are written together, each over the
        copy this process holds of its message (`replace_known`); one whose copy is stale, or
        not held, is read and written on its own."""
        known = self._held.pop(message.key, None)
        await self._outcomes(_Outcome(message, outcome(message), events, known))

    async def _finish_all(self, outcomes: list["_Outcome"]) -> list[None]:
        by_key = {o.message.key: o for o in outcomes}

        def holds(document: Document) -> bool:
            mine = by_key[document["_id"]]
            return (
                document.get("attempts") == mine.message.attempts
                and document.get("status") == mine.fields["status"]
            )

        held = [o for o in outcomes if o.known is not None]
        replaced = await self.messages.replace_known(
            [(o.known, (o.fields, o.events)) for o in held if o.known is not None], holds=holds
        )
        written = set(replaced.written)
        alone = [o for o in outcomes if o.message.key not in written]
        for one in alone:
            await self._finish_alone(one)
        return [None] * len(outcomes)

    async def _finish_alone(self, one: "_Outcome") -> None:
        attempts = one.message.attempts

        def change(document: Document) -> tuple[Document, Sequence[IntegrationEvent]]:
            if document["status"] not in PENDING or document["attempts"] != attempts:
                return {}, []
            return one.fields, one.events

        await self.messages.update(one.message.key, change)

    async def record_receipt(
        self, key: str, *, status: str, detail: str, at: datetime
    ) -> Message | None:
        """What the provider reported of a text it took, on the text; None if not in the log
        (gone with retention). Counts as a change (`version`), so an outcome write over an
        older copy is refused and made afresh, never undoing it."""
        document = await self.collection.find_one_and_update(
            {"_id": key, "channel": "sms"},
            {
                "$set": {
                    "receipt": status,
                    "receipt_detail": detail[:200],
                    "receipt_at": epoch(at),
                },
                "$inc": {"version": 1},
            },
            projection={"outbox": 0},
            return_document=ReturnDocument.AFTER,
        )
        return loaded(document) if document else None

    async def mark_unknown(self, *, sending_before: datetime, now: datetime) -> int:
        updated = await self.collection.update_many(
            {"status": Status.SENDING.value, "sending_at": {"$lt": epoch(sending_before)}},
            {
                "$set": {
                    "status": Status.UNKNOWN.value,
                    "unknown_at": epoch(now),
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
        sent: list[datetime] = []
        for digest in digests:  # one equality each, which nx-27017 serves from the index
            query = {
                "recipient_hash": digest,
                "_id": {"$ne": excluding},
                "kind": INVITATION,
                "status": {"$in": [Status.SENT.value, Status.SENDING.value, Status.UNKNOWN.value]},
                "sending_at": {"$gte": epoch(since)},
            }
            found = self.collection.find(query, {"sending_at": 1})
            sent += [moment(d["sending_at"]) async for d in found]
        return sent

    async def for_recipient(self, digests: Sequence[str], *, limit: int) -> list[Message]:
        cursor = self.collection.find({"recipient_hash": {"$in": list(digests)}}, _PUBLIC)
        return [loaded(d) async for d in cursor.sort("queued_at", DESCENDING).limit(limit)]

    async def recent(self, *, limit: int) -> list[Message]:
        """The latest messages, with what they were rendered from (for the development page)."""
        cursor = self.collection.find({}, {"outbox": 0}).sort("queued_at", DESCENDING).limit(limit)
        return [loaded(d) async for d in cursor]

    async def scrub_person(self, person_id: str) -> None:
        """Erasure: keep each key and status (so nothing is sent twice), drop who and what;
        whatever still waits (reminders, held invitations) is cancelled, as it has no address."""
        scrubbed = {"recipient": "", "recipient_name": "", "context": {}, "erased": True}
        waiting = {"person_id": person_id, "status": {"$in": WAITING_VALUES}}
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
    ) -> list[Message]:
        """Cancel what still waits about an event (for one person, if given); returns those
        cancelled. `sparing_cause` spares messages caused by that event (a redelivery)."""
        query: Document = {
            "event_id": event_id,
            "kind": {"$in": list(kinds)},
            "status": {"$in": WAITING_VALUES},
        }
        if person_id is not None:
            query["person_id"] = person_id
        if sparing_cause is not None:
            query["cause_event_id"] = {"$ne": sparing_cause}
        found = [loaded(d) async for d in self.collection.find(query, {"outbox": 0})]
        return [m for m in found if await self._cancel(m.key, reason=reason, now=now)]

    async def cancel_keys(self, keys: Sequence[str], *, reason: str, now: datetime) -> int:
        return sum([await self._cancel(key, reason=reason, now=now) for key in keys])

    async def _cancel(self, key: str, *, reason: str, now: datetime) -> bool:
        """waiting -> cancelled; False if a dispatcher claimed it first (then it goes)."""
        waiting = {"_id": key, "status": {"$in": WAITING_VALUES}}
        fields = {"status": Status.CANCELLED.value, "reason": reason, "cancelled_at": now}
        return await self._change(waiting, fields) == 1

    async def held_for_digest(self, *, before: datetime) -> list[Message]:
        """Invitations held for a digest that were recorded before `before`, oldest first."""
        query = {"status": Status.DIGEST.value, "queued_at": {"$lt": epoch(before)}}
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
        update = {"$set": TIMES.dump(fields), "$inc": {"version": 1}}
        return (await self.collection.update_many(query, update)).modified_count


_PUBLIC = {"context": 0, "outbox": 0}
_RECORDED = {"_id": 1, "erased": 1}


def _recorded(document: Document) -> Recorded:
    return Recorded(document["_id"], erased=bool(document.get("erased", False)))


@dataclass(frozen=True)
class _Outcome:
    message: Message
    fields: Document
    events: Sequence[IntegrationEvent]
    known: Document | None


def _handed_over(message: Message) -> Document:
    assert message.handed_over_at is not None
    return {
        "handed_over_at": epoch(message.handed_over_at),
        "handed_over_by": message.handed_over_by,
    }


def _holds(document: Document | None, attempts: int, marked: Document) -> bool:
    """Whether the stored message carries this claim's mark: its attempt, the process that made
    it, and its time as the store keeps it (`same_time`; the embedded store rounds it, so a mark
    compared with `==` was taken for another's, and its message left handed over, never sent)."""
    return (
        document is not None
        and document.get("attempts") == attempts
        and document.get("handed_over_by") == marked["handed_over_by"]
        and same_time(document.get("handed_over_at"), marked["handed_over_at"])
    )
