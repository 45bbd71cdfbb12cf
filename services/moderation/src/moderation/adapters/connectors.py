"""Community connectors (domain.connectors) in the moderation database, one document per person,
each move written with its `connector.moved` (an aggregate collection: the event goes if and only
if the move is kept). Also the open calls to action matching tells (`call.opened`,
`call.closed`), so coordinators see which of those districts have no active connector."""

from datetime import datetime
from typing import Any
from uuid import UUID

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from together_contracts import IntegrationEvent
from together_contracts.connectors import ConnectorState
from together_kit.messaging.outbox import AggregateCollection
from together_kit.stored import epoch, moment

from moderation.domain.connectors import (
    ConcurrentMoveError,
    Connector,
    ConnectorNotFoundError,
    Step,
)

Document = dict[str, Any]


class MongoConnectorRepository:
    def __init__(self, connectors: AggregateCollection, calls: AsyncCollection[Document]) -> None:
        self.connectors = connectors
        self.calls = calls

    async def ensure_indexes(self) -> None:
        await self.connectors.collection.create_index([("state", ASCENDING)])

    async def add(self, connector: Connector, events: list[IntegrationEvent]) -> bool:
        """Keep a new connector with its events; False when this person is one already (a
        redelivery, or the invitation taken after the join form's tick)."""
        return bool(await self.connectors.insert_new([(_document(connector), events)]))

    async def get(self, person_id: UUID) -> Connector | None:
        found = await self.connectors.collection.find_one({"_id": str(person_id)})
        return None if found is None else _connector(found)

    async def save(self, connector: Connector, events: list[IntegrationEvent]) -> None:
        """Write the connector as moved, with the move's events, under optimistic concurrency:
        a move made meanwhile by another coordinator refuses this one."""

        def moved(current: Document) -> tuple[Document, list[IntegrationEvent]]:
            if len(current.get("steps", [])) != len(connector.steps) - 1:
                raise ConcurrentMoveError(str(connector.person_id))
            return _document(connector), events

        try:
            await self.connectors.update(str(connector.person_id), moved)
        except LookupError as missing:
            raise ConnectorNotFoundError(str(connector.person_id)) from missing

    async def all(self) -> list[Connector]:
        """Every connector, longest waiting first."""
        found = self.connectors.collection.find({}).sort("since", ASCENDING)
        return [_connector(d) async for d in found]

    async def delete(self, person_id: UUID) -> bool:
        return await self.connectors.delete(str(person_id))

    async def call_opened(self, outward_code: str, *, call_id: UUID, since: datetime) -> None:
        await self.calls.update_one(
            {"_id": str(call_id)},
            {"$setOnInsert": {"outward_code": outward_code, "opened_at": epoch(since)}},
            upsert=True,
        )

    async def call_closed(self, call_id: UUID) -> None:
        await self.calls.delete_one({"_id": str(call_id)})

    async def open_calls(self) -> dict[str, datetime]:
        """The districts with an open call to action, and since when."""
        return {d["outward_code"]: moment(d["opened_at"]) async for d in self.calls.find({})}


def _document(connector: Connector) -> Document:
    return {
        "_id": str(connector.person_id),
        "name": connector.name,
        "email": connector.email,
        "phone": connector.phone,
        "home_district": connector.home_district,
        "language": connector.language,
        "since": connector.since,
        "source": connector.source,
        "state": connector.state.value,
        "districts": list(connector.districts),
        "call_at": connector.call_at,
        "checklist": sorted(connector.checklist),
        "steps": [
            {"state": step.state.value, "at": step.at, "by": step.by} for step in connector.steps
        ],
    }


def _connector(document: Document) -> Connector:
    return Connector(
        person_id=UUID(document["_id"]),
        name=document["name"],
        email=document["email"],
        phone=document.get("phone"),
        home_district=document["home_district"],
        language=document.get("language", "en"),
        since=document["since"],
        source=document.get("source", "join-form"),
        state=ConnectorState(document["state"]),
        districts=tuple(document.get("districts", ())),
        call_at=document.get("call_at"),
        checklist=frozenset(document.get("checklist", ())),
        steps=tuple(
            Step(ConnectorState(s["state"]), s["at"], s["by"]) for s in document.get("steps", ())
        ),
    )
