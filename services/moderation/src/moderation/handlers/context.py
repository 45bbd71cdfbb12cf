from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from moderation.domain.ports import (
    AccessAnswerer,
    AuthorLinks,
    ConnectorRepository,
    ErasureAnswerer,
    ItemRepository,
    RecordingStore,
    SecurityLog,
    TalkRepository,
)
from moderation.domain.targets import Targets

PRODUCER = "moderation"


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
    links: AuthorLinks | None = None
    """Signed links for authors (the withdraw link in `story.approved`); bootstrap always sets it."""
    access_answers: AccessAnswerer | None = None
    """Answers subject access requests; bootstrap always sets it (and subscribes them only then)."""
    security_log: SecurityLog | None = None
    """Where reads of personal data are recorded; bootstrap always sets it."""
    talk: TalkRepository | None = None
    """Conversations (talk/together); bootstrap always sets it."""
    connectors: ConnectorRepository | None = None
    """Community connectors and the open calls to action; bootstrap always sets it."""
    recordings: RecordingStore | None = None
    """The audio of stories told by phone; bootstrap always sets it."""
