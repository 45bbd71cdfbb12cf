"""A message's states: what it is recorded as, which moves its dispatcher may make, and how the
delivery log stores it (the same document as before the `Message` type)."""

from datetime import UTC, datetime, timedelta

import pytest
from notifications.adapters.messages import loaded, once, outcome, stored
from notifications.domain.messages import (
    CLAIMABLE,
    MOVES,
    OUTCOME_PENDING,
    WAITING,
    Message,
    MessageRequest,
    Recipient,
    Status,
    TransitionError,
    message_key,
)
from notifications.domain.policy import LONDON, InvitationRules

pytestmark = pytest.mark.unit
NOON = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
RULES = InvitationRules()


def request(**fields: object) -> MessageRequest:
    values: dict[str, object] = {
        "cause_event_id": "00000000-0000-0000-0000-000000000001",
        "template": "match_invitation",
        "recipient": Recipient("ann@example.org", "Ann", "cy", "p1"),
        "context": {"title": "Litter pick"},
        "kind": "invitation",
        "correlation_id": "corr",
        **fields,
    }
    return MessageRequest(**values)  # type: ignore[arg-type]


def requested(
    wanted: MessageRequest, *, now: datetime = NOON, suppression: str | None = None
) -> Message:
    return Message.requested(
        wanted,
        recipient_hash="hash",
        email_digest="digest",
        now=now,
        rules=RULES,
        suppression=suppression,
    )


def claimed(message: Message) -> Message:
    return Message(**{**vars(message), "status": Status.SENDING, "attempts": 1})


def test_a_request_is_queued_under_its_key() -> None:
    message = requested(request())
    assert message.status is Status.QUEUED
    assert message.to_send
    assert message.key == message_key(
        cause_event_id=message.cause_event_id, recipient_hash="hash", template="match_invitation"
    )
    assert (message.not_before, message.attempts, message.reason) == (NOON, 0, "")


def test_an_invitation_waits_out_quiet_hours_and_anything_waits_for_its_moment() -> None:
    late = datetime(2026, 11, 25, 22, 30, tzinfo=LONDON)
    assert requested(request(), now=late).not_before == datetime(2026, 11, 26, 8, tzinfo=LONDON)
    reminder = request(kind="reminder", not_before=late)
    assert requested(reminder, now=NOON).not_before == late


def test_held_for_the_digest_or_suppressed_it_is_not_sent_on_its_own() -> None:
    assert requested(request(digest=True)).status is Status.DIGEST
    suppressed = requested(request(), suppression="unsubscribed")
    assert suppressed.status is Status.SUPPRESSED
    assert not suppressed.to_send
    assert suppressed.reason == "address suppressed: unsubscribed"
    asked_for = requested(request(kind="requested"), suppression="unsubscribed")
    assert asked_for.status is Status.QUEUED


def test_the_dispatcher_holding_a_message_records_what_became_of_it() -> None:
    sending = claimed(requested(request()))
    handed = sending.hand_over(at=NOON, by="me")
    assert (handed.handed_over_at, handed.handed_over_by) == (NOON, "me")
    sent = handed.sent(at=NOON)
    assert (sent.status, sent.sent_at, sent.context) == (Status.SENT, NOON, {})
    assert handed.sent(at=NOON, keep_context=True).context == {"title": "Litter pick"}
    failed = sending.failed(at=NOON, reason="550 5.1.1", permanent=True)
    assert (failed.status, failed.permanent) == (Status.FAILED, True)
    again = sending.requeue(not_before=NOON + timedelta(minutes=1), reason="421")
    assert (again.status, again.not_before) == (Status.QUEUED, NOON + timedelta(minutes=1))
    assert sending.suppress("bounced").status is Status.SUPPRESSED
    assert sending.status is Status.SENDING, "each move is a new value"


def test_an_unknown_message_still_takes_its_dispatchers_outcome() -> None:
    unknown = Message(**{**vars(claimed(requested(request()))), "status": Status.UNKNOWN})
    assert unknown.sent(at=NOON).status is Status.SENT


@pytest.mark.parametrize("status", [Status.QUEUED, Status.SENT, Status.CANCELLED, Status.DIGEST])
def test_only_a_claimed_message_moves_on(status: Status) -> None:
    message = Message(**{**vars(requested(request())), "status": status})
    with pytest.raises(TransitionError):
        message.sent(at=NOON)
    with pytest.raises(TransitionError):
        message.requeue(not_before=NOON, reason="again")
    with pytest.raises(TransitionError):
        message.hand_over(at=NOON, by="me")


def test_the_moves_the_store_makes_are_allowed_moves() -> None:
    assert Status.SENDING in MOVES[CLAIMABLE]
    assert all(Status.CANCELLED in MOVES[waiting] for waiting in WAITING)
    assert {Status.QUEUED, Status.UNKNOWN} <= MOVES[Status.SENDING]
    assert {Status.IN_DIGEST, Status.QUEUED} <= MOVES[Status.DIGEST]
    outcomes = {Status.SENT, Status.FAILED, Status.SUPPRESSED, Status.QUEUED}
    assert all(outcomes <= MOVES[pending] for pending in OUTCOME_PENDING)
    assert not any(Status.SENDING in MOVES.get(s, ()) for s in Status if s is not CLAIMABLE)


def test_a_message_is_handed_over_once() -> None:
    handed = claimed(requested(request())).hand_over(at=NOON, by="me")
    with pytest.raises(TransitionError):
        handed.hand_over(at=NOON, by="me")


def test_a_message_is_stored_as_the_document_it_always_was() -> None:
    message = requested(request(event_id="e1", mentions=("p2",)))
    document = stored(message)
    assert list(document) == [
        "_id",
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
        "once",
    ]
    assert document["once"] == once(
        cause_event_id=message.cause_event_id,
        email_digest=message.email_digest,
        template=message.template,
    )
    assert document["status"] == "queued"
    assert document["queued_at"] == NOON.timestamp()
    assert (document["gathers"], document["mentions"]) == ([], ["p2"])
    assert loaded({**document, "handed_over_at": 0.0}) == message


def test_an_outcome_writes_only_its_own_fields() -> None:
    sending = claimed(requested(request()))
    assert outcome(sending.sent(at=NOON)) == {
        "sent_at": NOON.timestamp(),
        "reason": "",
        "context": {},
        "status": "sent",
    }
    assert "context" not in outcome(sending.sent(at=NOON, keep_context=True))
    assert outcome(sending.failed(at=NOON, reason="550", permanent=False)) == {
        "failed_at": NOON.timestamp(),
        "reason": "550",
        "permanent": False,
        "status": "failed",
    }
    assert outcome(sending.suppress("bounced")) == {"reason": "bounced", "status": "suppressed"}
