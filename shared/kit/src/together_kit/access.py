"""Answering `person.access_requested` (UK GDPR subject access): each service tells signups what
it holds about a person, as `person.access_answered`.

The answer carries personal data (that is its point): only the fields of the person's own records,
made plain JSON by `plain`, and nothing else. The service keeps only the fact that it answered (the
access id and a time, in `access_answers`); the event leaves its outbox once published. A
redelivered request is answered once.
"""

from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from pymongo.errors import DuplicateKeyError
from together_contracts import (
    PersonAccessAnswered,
    PersonAccessAnsweredData,
    PersonAccessRequested,
)

from together_kit.messaging.outbox import AggregateCollection

INTERNAL_FIELDS = frozenset(
    {"outbox", "outbox_pending", "outbox_lease_until", "outbox_lease_owner", "version"}
)
"""Bookkeeping of the store, not data about anyone: left out of an export."""


def plain(value: Any) -> Any:
    """A stored document (or domain value) as plain JSON: times as ISO 8601, ids as strings, the
    store's bookkeeping left out."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items() if k not in INTERNAL_FIELDS}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, bytes):
        return value.hex()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


class AccessAnswers:
    def __init__(self, answers: AggregateCollection, *, service: str) -> None:
        self.answers = answers
        self.service = service

    async def answer(self, request: PersonAccessRequested, held: Mapping[str, Any]) -> bool:
        """Record the answer with its event; False if this request was already answered."""
        answered = PersonAccessAnswered(
            producer=self.service,
            correlation_id=request.correlation_id,
            causation_id=request.id,
            data=PersonAccessAnsweredData(
                access_id=request.data.access_id, service=self.service, held=plain(held)
            ),
        )
        try:
            await self.answers.insert(
                {"_id": str(request.data.access_id), "answered_at": answered.occurred_at},
                [answered],
            )
        except DuplicateKeyError:
            return False
        return True
