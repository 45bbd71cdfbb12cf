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
