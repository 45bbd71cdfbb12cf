from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Language = Literal["en", "cy"]
EMAIL = "email"
SMS = "sms"


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
    phone: str = ""
    """E.164 (`together_contracts.normalised_phone`), or "" when none was given."""
    channels: tuple[str, ...] = ("email",)
    """How the person chose to hear of invitations, reminders and changes: `email`, `sms`."""

    @property
    def texts(self) -> bool:
        """Whether the person chose text messages and gave a number to send them to."""
        return SMS in self.channels and bool(self.phone)

    @property
    def emails(self) -> bool:
        """Whether the person chose email (or chose texts without a number for them)."""
        return EMAIL in self.channels or not self.texts


def first_name(name: str) -> str:
    """The first word of a full name: how a volunteer is named to an organiser."""
    words = name.split()
    return words[0] if words else ""
