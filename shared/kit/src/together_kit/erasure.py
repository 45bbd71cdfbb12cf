"""Answering `person.erasure_requested`: every service that held a person's data says it is gone.

A service deletes what it holds first, then calls `ErasureAnswers.answer`, which records the answer
with its `person.erased` event in one write (the outbox). A redelivery finds the record and tells
nothing twice.
"""

import contextlib

from pymongo.errors import DuplicateKeyError
from together_contracts import PersonErased, PersonErasedData, PersonErasureRequested

from together_kit.outbox import AggregateCollection


class ErasureAnswers:
    def __init__(self, answers: AggregateCollection, *, service: str) -> None:
        self.answers = answers
        self.service = service

    async def answer(self, request: PersonErasureRequested) -> None:
        erased = PersonErased(
            producer=self.service,
            correlation_id=request.correlation_id,
            causation_id=request.id,
            data=PersonErasedData(
                erasure_id=request.data.erasure_id,
                person_id=request.data.person_id,
                service=self.service,
            ),
        )
        with contextlib.suppress(DuplicateKeyError):
            await self.answers.insert(
                {"_id": str(request.data.erasure_id), "answered_at": erased.occurred_at}, [erased]
            )
