"""Conversations, their votes and their analysed results in the moderation database.

A conversation's statements open to votes are its seeds (in its document) and its approved
statement items (the moderation queue's `items`, read here, never written). A vote is one
document per participant and statement (`_id` holds both), so a later vote replaces it in one
upsert. The results of the last analysis are kept whole, one document per conversation.
"""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from moderation.domain.hosted import Host, HostedConversation
from moderation.domain.items import Kind, Status
from moderation.domain.talk import About, Conversation, Statement, VoteValue

Document = dict[str, Any]


class MongoTalkRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.conversations: AsyncCollection[Document] = db["conversations"]
        self.votes: AsyncCollection[Document] = db["votes"]
        self.results: AsyncCollection[Document] = db["talk_results"]
        self.items: AsyncCollection[Document] = db["items"]
        self.participants: AsyncCollection[Document] = db["talk_participants"]
        self.themes: AsyncCollection[Document] = db["story_themes"]
        self.hosts: AsyncCollection[Document] = db["talk_hosts"]
        self.hosted: AsyncCollection[Document] = db["talk_hosted"]

    async def ensure_indexes(self) -> None:
        await self.conversations.create_index([("opened_at", ASCENDING)])
        await self.votes.create_index([("conversation", ASCENDING), ("participant", ASCENDING)])
        await self.votes.create_index([("conversation", ASCENDING), ("statement", ASCENDING)])
        await self.votes.create_index([("participant", ASCENDING)])
        await self.hosted.create_index([("conversation", ASCENDING), ("held_on", ASCENDING)])
        await self.hosts.create_index([("conversation", ASCENDING), ("invited_at", ASCENDING)])
        await self.items.create_index(
            [("kind", ASCENDING), ("conversation_id", ASCENDING), ("status", ASCENDING)]
        )
        await self.participants.create_index([("person", ASCENDING)], unique=True, sparse=True)

    async def open(self, conversation: Conversation) -> None:
        await self.conversations.insert_one(_conversation_document(conversation))

    async def get(self, conversation_id: UUID) -> Conversation | None:
        document = await self.conversations.find_one({"_id": str(conversation_id)})
        return _conversation(document) if document else None

    async def all(self) -> list[Conversation]:
        """Every conversation, newest first."""
        cursor = self.conversations.find({}).sort("opened_at", -1)
        return [_conversation(document) async for document in cursor]

    async def statements(self, conversation: Conversation) -> list[Statement]:
        """Open to votes: the seeds, then participants' statements in the order approved."""
        query = {
            "kind": Kind.STATEMENT.value,
            "conversation_id": str(conversation.id),
            "status": Status.APPROVED.value,
        }
        cursor = self.items.find(query, {"published_text": 1, "text": 1, "decided_at": 1})
        approved = [
            (document.get("decided_at"), document["_id"], document) async for document in cursor
        ]
        approved.sort(key=lambda found: (found[0] is None, found[0] or 0, found[1]))
        added = [
            Statement(
                id=UUID(document["_id"]),
                text=document.get("published_text") or document["text"],
                seed=False,
            )
            for _, _, document in approved
        ]
        return [*conversation.seeds, *added]

    async def waiting(self, conversation_id: UUID) -> int:
        """Participants' statements of this conversation still in the moderation queue."""
        return await self.items.count_documents(
            {
                "kind": Kind.STATEMENT.value,
                "conversation_id": str(conversation_id),
                "status": {
                    "$in": [Status.PENDING.value, Status.HELD.value, Status.ESCALATED.value]
                },
            }
        )

    async def vote(
        self,
        conversation_id: UUID,
        *,
        participant: str,
        statement_id: UUID,
        value: VoteValue,
        at: datetime,
    ) -> None:
        key = f"{conversation_id}:{participant}:{statement_id}"
        await self.votes.update_one(
            {"_id": key},
            {
                "$set": {
                    "conversation": str(conversation_id),
                    "participant": participant,
                    "statement": str(statement_id),
                    "value": value.number,
                    "at": at,
                }
            },
            upsert=True,
        )

    async def votes_of(self, conversation_id: UUID) -> list[tuple[str, str, int]]:
        """Every vote of the conversation as (participant, statement, value)."""
        cursor = self.votes.find(
            {"conversation": str(conversation_id)},
            {"participant": 1, "statement": 1, "value": 1},
        )
        return [(d["participant"], d["statement"], int(d["value"])) async for d in cursor]

    async def count_votes(self, conversation_id: UUID) -> int:
        return await self.votes.count_documents({"conversation": str(conversation_id)})

    async def count_votes_by(self, participant: str) -> int:
        """The participant's votes in every conversation."""
        return await self.votes.count_documents({"participant": participant})

    async def voted_by(self, conversation_id: UUID, participant: str) -> set[UUID]:
        cursor = self.votes.find(
            {"conversation": str(conversation_id), "participant": participant}, {"statement": 1}
        )
        return {UUID(document["statement"]) async for document in cursor}

    async def tell_about(self, participant: str, about: About, *, at: datetime) -> None:
        await self.participants.update_one(
            {"_id": participant},
            {"$set": {"region": about.region, "age_band": about.age_band, "at": at}},
            upsert=True,
        )

    async def link(self, participant: str, person_id: UUID, *, at: datetime) -> str:
        """Tie the participant to a signed-in volunteer, unless the volunteer already has a
        participant: then that one, which the caller adopts."""
        linked = await self.linked_to(person_id)
        if linked is not None:
            return linked
        try:
            await self.participants.update_one(
                {"_id": participant},
                {"$set": {"person": str(person_id), "linked_at": at}},
                upsert=True,
            )
        except DuplicateKeyError:  # linked from another device meanwhile
            return await self.linked_to(person_id) or participant
        return participant

    async def linked_to(self, person_id: UUID) -> str | None:
        document = await self.participants.find_one({"person": str(person_id)}, {"_id": 1})
        return str(document["_id"]) if document else None

    async def unlink(self, person_id: UUID) -> None:
        await self.participants.update_many(
            {"person": str(person_id)}, {"$unset": {"person": "", "linked_at": ""}}
        )

    async def about_of(self, participant: str) -> About | None:
        document = await self.participants.find_one({"_id": participant})
        if document is None:
            return None
        return About(region=document.get("region"), age_band=document.get("age_band"))

    async def regions_of(self, participants: set[str]) -> dict[str, str]:
        """The region of each of these participants who told one."""
        cursor = self.participants.find({"_id": {"$in": sorted(participants)}}, {"region": 1})
        return {d["_id"]: d["region"] async for d in cursor if d.get("region")}

    async def keep_results(self, conversation_id: UUID, results: Document) -> None:
        await self.results.replace_one(
            {"_id": str(conversation_id)}, {"_id": str(conversation_id), **results}, upsert=True
        )

    async def invite_host(self, host: Host) -> None:
        await self.hosts.insert_one(
            {
                "_id": str(host.id),
                "conversation": str(host.conversation_id),
                "name": host.name,
                "invited_by": host.invited_by,
                "invited_at": host.invited_at,
            }
        )

    async def host(self, host_id: UUID) -> Host | None:
        document = await self.hosts.find_one({"_id": str(host_id)})
        return None if document is None else _host(document)

    async def hosts_of(self, conversation_id: UUID) -> list[Host]:
        """The conversation's hosts, first invited first."""
        found = self.hosts.find({"conversation": str(conversation_id)}).sort("invited_at", 1)
        return [_host(document) async for document in found]

    async def record_hosted(self, hosted: HostedConversation) -> bool:
        """Keep the record; False when the same one was kept before (a form sent twice)."""
        try:
            await self.hosted.insert_one(
                {
                    "_id": str(hosted.id),
                    "host": str(hosted.host_id),
                    "conversation": str(hosted.conversation_id),
                    "host_name": hosted.host_name,
                    "place": hosted.place,
                    "region": hosted.region,
                    "held_on": hosted.held_on.isoformat(),
                    "people": hosted.people,
                    "statements": list(hosted.statements),
                    "recorded_at": hosted.recorded_at,
                }
            )
        except DuplicateKeyError:
            return False
        return True

    async def hosted_of(self, conversation_id: UUID) -> list[HostedConversation]:
        """The conversation's records from rooms, oldest first."""
        cursor = self.hosted.find({"conversation": str(conversation_id)}).sort("held_on", 1)
        return [
            HostedConversation(
                host_id=UUID(d["host"]),
                conversation_id=UUID(d["conversation"]),
                host_name=d["host_name"],
                place=d["place"],
                region=d.get("region"),
                held_on=date.fromisoformat(d["held_on"]),
                people=int(d["people"]),
                statements=tuple(d.get("statements", ())),
                recorded_at=d["recorded_at"],
            )
            async for d in cursor
        ]

    async def keep_themes(self, found: Document) -> None:
        """The stories' latest themes (handlers.themes), one document."""
        await self.themes.replace_one({"_id": "latest"}, {"_id": "latest", **found}, upsert=True)

    async def themes_found(self) -> Document | None:
        document = await self.themes.find_one({"_id": "latest"})
        if document is not None:
            document.pop("_id", None)
        return document

    async def results_of(self, conversation_id: UUID) -> Document | None:
        document = await self.results.find_one({"_id": str(conversation_id)})
        if document is not None:
            document.pop("_id", None)
        return document


def _conversation_document(conversation: Conversation) -> Document:
    return {
        "_id": str(conversation.id),
        "question": conversation.question,
        "description": conversation.description,
        "opened_by": conversation.opened_by,
        "opened_at": conversation.opened_at,
        "closes_at": conversation.closes_at,
        "language": conversation.language,
        "seeds": [{"id": str(s.id), "text": s.text} for s in conversation.seeds],
    }


def _conversation(document: Document) -> Conversation:
    return Conversation(
        id=UUID(document["_id"]),
        question=document["question"],
        description=document.get("description", ""),
        opened_by=document.get("opened_by", ""),
        opened_at=document["opened_at"],
        closes_at=document.get("closes_at"),
        language=document.get("language", "en"),
        seeds=[Statement(id=UUID(s["id"]), text=s["text"], seed=True) for s in document["seeds"]],
    )


def _host(document: Document) -> Host:
    return Host(
        id=UUID(document["_id"]),
        conversation_id=UUID(document["conversation"]),
        name=document["name"],
        invited_by=document.get("invited_by", ""),
        invited_at=document["invited_at"],
    )
