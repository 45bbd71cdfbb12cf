"""Stories entered by staff on someone's behalf (issue 23's assisted entry): told on a phone call,
sent in a letter or said in person, typed in by a staff member, and queued like a web story.

Nothing of the person is asked or kept (no name, no email, no number): the item keeps in `extra`
that it was told this way (`told_by = "assisted"`), how it came, and who entered it. Each form
carries a nonce; the item's id is derived from it and the staff member, so a form sent twice
queues one story.
"""

import uuid
from collections.abc import Mapping
from enum import StrEnum
from typing import Any
from uuid import UUID

from moderation.domain.moderators import Account

TOLD_BY = "assisted"
NONCE_NAMESPACE = uuid.UUID("6f0d3a1e-52b4-4c8e-9a27-d1b0e4c3f815")


class Came(StrEnum):
    """How a story reached the staff member who enters it."""

    PHONE_CALL = "phone-call"
    LETTER = "letter"
    IN_PERSON = "in-person"


CAME_WORDS: Mapping[Came, tuple[str, str]] = {
    Came.PHONE_CALL: ("a phone call", "galwad ffôn"),
    Came.LETTER: ("a letter", "llythyr"),
    Came.IN_PERSON: ("in person", "wyneb yn wyneb"),
}
"""How it came, in English and Welsh, as the form says it."""
ENTERED_FROM: Mapping[Came, tuple[str, str]] = {
    Came.PHONE_CALL: ("from a phone call", "o alwad ffôn"),
    Came.LETTER: ("from a letter", "o lythyr"),
    Came.IN_PERSON: ("told in person", "a adroddwyd wyneb yn wyneb"),
}
"""How it came, as the item page says it after "Entered by Siân Roberts (staff)"."""


def item_id(staff_id: UUID, nonce: str) -> UUID:
    """The story a form makes: the same form sent again makes the same id, so it queues once."""
    return uuid.uuid5(NONCE_NAMESPACE, f"{staff_id}:{nonce}")


def entered(by: Account, came: Came) -> dict[str, Any]:
    """What the item keeps in `extra` of its entry: how it came and who entered it."""
    return {
        "told_by": TOLD_BY,
        "came": came.value,
        "entered_by_id": str(by.id),
        "entered_by": by.name,
        "entered_by_role": by.role.value,
    }


def entry_of(extra: Mapping[str, Any]) -> dict[str, str] | None:
    """Who entered an assisted story and how it came, for the item page; None for any other."""
    if extra.get("told_by") != TOLD_BY:
        return None
    came = Came(extra["came"])
    return {
        "by": str(extra.get("entered_by", "")),
        "role": str(extra.get("entered_by_role", "")),
        "came": came.value,
        "came_en": ENTERED_FROM[came][0],
        "came_cy": ENTERED_FROM[came][1],
    }
