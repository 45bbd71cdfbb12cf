from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal
from uuid import UUID, uuid4

Language = Literal["en", "cy"]


class EmailAlreadyRegisteredError(Exception):
    """Someone has already joined with this email address."""


@dataclass(frozen=True)
class Volunteer:
    name: str
    email: str
    language: Language = "en"
    id: UUID = field(default_factory=uuid4)
    registered_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def register(cls, *, name: str, email: str, language: Language) -> "Volunteer":
        return cls(name=" ".join(name.split()), email=email.strip().lower(), language=language)
