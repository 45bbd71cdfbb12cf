from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Language = Literal["en", "cy"]


@dataclass(frozen=True)
class Contact:
    """What notifications needs to reach a person: no stories, no locations."""

    person_id: str
    name: str
    email: str
    language: Language
    registered_event_id: str
    registered_at: datetime
    withdrawn: tuple[str, ...] = ()
    """Consents the person withdrew (`matched-events`, `news`): nothing of those is sent."""
    digest: bool = False
    """Invitations gathered into one weekly email instead of one each."""


def first_name(name: str) -> str:
    """The first word of a full name: how a volunteer is named to an organiser."""
    words = name.split()
    return words[0] if words else ""
