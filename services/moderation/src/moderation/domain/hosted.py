"""Hosted conversations: talk/together in a room, for people who are not online.

A lead invites a host (an organisation or a community connector, by the name shown publicly) to
a conversation and sends them their link. With it the host records each conversation they ran:
where (a place and, optionally, its nation or region), when, how many took part, and the
statements that came out of it. Those statements enter the same moderation queue and, once
approved, the same voting as anyone's; the conversation's page counts the voices that came from
rooms. A record is keyed by its content, so sending the same form twice records it once.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID, uuid4, uuid5

from moderation.domain.regions import REGIONS
from moderation.domain.talk import MAX_STATEMENT

MAX_HOST_NAME = 120
MAX_PLACE = 80
MAX_PEOPLE = 2000
MAX_HOSTED_STATEMENTS = 30
PARTICIPANT_PREFIX = "hosted:"
"""A hosted conversation's statements carry `hosted:<its id>` as their participant."""


MESSAGES = {
    "place": f"Enter where it was held, at most {MAX_PLACE} characters",
    "region": "Choose a UK nation or region",
    "held_on": "Enter the day it was held (not in the future)",
    "people": f"Enter how many took part, from 1 to {MAX_PEOPLE}",
    "statements": f"Enter at most {MAX_HOSTED_STATEMENTS} statements",
    "statement": f"Keep each statement to {MAX_STATEMENT} characters",
}
"""What is wrong with each field (the Welsh is in the web pages' catalogue)."""


class HostNotFoundError(LookupError):
    """No host of this conversation has this id (or the link was for another conversation)."""


class InvalidHostedConversationError(ValueError):
    """The record breaks a rule; `errors` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {problem}" for name, problem in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Host:
    conversation_id: UUID
    name: str
    invited_by: str
    invited_at: datetime
    id: UUID = field(default_factory=uuid4)


@dataclass(frozen=True)
class HostedConversation:
    host_id: UUID
    conversation_id: UUID
    host_name: str
    place: str
    region: str | None
    held_on: date
    people: int
    statements: tuple[str, ...]
    recorded_at: datetime

    @property
    def id(self) -> UUID:
        """The same for the same host, place, day, count and statements (a form sent twice)."""
        content = "\n".join(
            [self.place.casefold(), str(self.region), self.held_on.isoformat(), str(self.people)]
            + [s.casefold() for s in self.statements]
        )
        return uuid5(self.host_id, hashlib.sha256(content.encode()).hexdigest())

    @property
    def participant(self) -> str:
        return f"{PARTICIPANT_PREFIX}{self.id}"

    def statement_id(self, number: int) -> UUID:
        """The moderation item of its `number`th statement (the same on a second sending)."""
        return uuid5(self.id, str(number))


def statements_of(text: str) -> tuple[str, ...]:
    """One statement per line, blank and repeated lines dropped."""
    kept: list[str] = []
    for line in text.splitlines():
        cleaned = " ".join(line.split())
        if cleaned and cleaned.casefold() not in {k.casefold() for k in kept}:
            kept.append(cleaned)
    return tuple(kept)


def hosted_conversation(
    host: Host,
    *,
    place: str,
    region: str | None,
    held_on: date | None,
    people: int | None,
    statements: tuple[str, ...],
    now: datetime,
) -> HostedConversation:
    """The record, checked: raises `InvalidHostedConversationError` naming every field wrong."""
    errors: dict[str, str] = {}
    place = " ".join(place.split())
    if not 1 <= len(place) <= MAX_PLACE:
        errors["place"] = MESSAGES["place"]
    if region is not None and region not in REGIONS:
        errors["region"] = MESSAGES["region"]
    if held_on is None or held_on > now.date():
        errors["held_on"] = MESSAGES["held_on"]
    if people is None or not 1 <= people <= MAX_PEOPLE:
        errors["people"] = MESSAGES["people"]
    if len(statements) > MAX_HOSTED_STATEMENTS:
        errors["statements"] = MESSAGES["statements"]
    elif any(len(s) > MAX_STATEMENT for s in statements):
        errors["statements"] = MESSAGES["statement"]
    if errors or held_on is None or people is None:
        raise InvalidHostedConversationError(errors)
    return HostedConversation(
        host_id=host.id,
        conversation_id=host.conversation_id,
        host_name=host.name,
        place=place,
        region=region,
        held_on=held_on,
        people=people,
        statements=statements,
        recorded_at=now,
    )
