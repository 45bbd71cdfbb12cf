from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from together_contracts import PersonErasureRequested

from moderation.adapters.items import ItemRepository
from moderation.adapters.tokens import Links
from moderation.domain.targets import Targets

PRODUCER = "moderation"


class ErasureAnswerer(Protocol):
    """Answers `person.erasure_requested` with `person.erased` (the kit's `ErasureAnswers`)."""

    async def answer(self, request: PersonErasureRequested) -> None: ...


@dataclass(frozen=True)
class Context:
    """The ports every handler may use; bootstrap builds the real ones, unit tests small fakes."""

    items: ItemRepository
    answers: ErasureAnswerer
    clock: Callable[[], datetime]
    targets: Targets
    public_base_url: str
    lead_emails: tuple[str, ...] = ()
    duplicate_window: int = 500
    """How many recent items of the same kind a submission is compared with for near-duplicates."""
    links: Links | None = None
    """Signed links for authors (the withdraw link in `story.approved`); bootstrap always sets it."""
