"""What the handlers need from the world, as Protocols (ports): bootstrap passes the adapters that
implement them, unit tests pass small fakes. No I/O here, only the shapes."""

from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

from together_contracts import IntegrationEvent, PersonAccessRequested, PersonErasureRequested

from moderation.domain.items import Item, Kind
from moderation.domain.moderators import Account
from moderation.domain.queue import QueueCounts, QueueFilter
from moderation.domain.security_log import SecurityEvent
from moderation.domain.sessions import Session, Stage

ItemChange = Callable[[Item], Sequence[IntegrationEvent]]
"""Changes an item in place and returns the events the change causes."""
Sketches = list[tuple[str, list[int]]]
"""(item id, duplicate sketch) pairs, newest item first."""


class ItemRepository(Protocol):
    """Items under review; each write carries the events it causes. `change` raises
    `ItemNotFoundError` for an unknown id."""

    async def add(self, item: Item, *, events: Sequence[IntegrationEvent]) -> bool: ...
    async def get(self, item_id: UUID) -> Item | None: ...
    async def change(self, item_id: UUID, change: ItemChange) -> Item: ...
    async def recent_sketches(self, kind: Kind, *, limit: int) -> Sketches: ...
    async def queue(
        self, query: QueueFilter, *, now: datetime, limit: int = 50, offset: int = 0
    ) -> list[Item]: ...
    async def counts(self, query: QueueFilter, *, now: datetime) -> QueueCounts: ...
    async def published(
        self, *, theme: str | None, region: str | None, limit: int, offset: int
    ) -> tuple[list[Item], int]: ...
    async def by_author_digest(self, digest: str) -> list[Item]: ...
    def open_created_before(self, cutoff: datetime) -> AsyncIterator[Item]: ...
    def decided_between(self, start: datetime, end: datetime) -> AsyncIterator[Item]: ...


class AuthorLinks(Protocol):
    """Signed links for the authors of stories."""

    def withdraw_story(self, story_id: UUID) -> str:
        """The link in the "published" email that takes the story down."""
        ...

    def withdrawn_story(self, token: str) -> UUID:
        """The story a withdraw token names; raises the kit's `TokenExpiredError` or
        `TokenInvalidError`."""
        ...


class ErasureAnswerer(Protocol):
    """Answers `person.erasure_requested` with `person.erased` (the kit's `ErasureAnswers`)."""

    async def answer(self, request: PersonErasureRequested) -> None: ...


class AccessAnswerer(Protocol):
    """Answers `person.access_requested` with what is held (the kit's `AccessAnswers`)."""

    async def answer(self, request: PersonAccessRequested, held: dict[str, Any]) -> bool: ...


class SecurityLog(Protocol):
    """The append-only security log."""

    async def record(self, event: SecurityEvent) -> None: ...
    async def latest(
        self, *, limit: int, before: datetime | None = None
    ) -> list[SecurityEvent]: ...
    def between(self, since: datetime, until: datetime) -> AsyncIterator[SecurityEvent]: ...


class ModeratorRepository(Protocol):
    """Moderator accounts. `add` raises `AccountExistsError`; `change` raises
    `AccountNotFoundError`, or `ConcurrentAccountChangeError` when other writers kept winning."""

    async def add(self, account: Account) -> None: ...
    async def get(self, account_id: UUID) -> Account | None: ...
    async def by_email(self, email: str) -> Account | None: ...
    async def all(self) -> list[Account]: ...
    async def count_leads(self) -> int: ...
    async def change(
        self, account_id: UUID, change: Callable[[Account], Account], *, attempts: int = 8
    ) -> Account: ...


class SessionRepository(Protocol):
    """Moderators' server-side sessions, found by the token their cookie carries."""

    async def start(
        self, moderator_id: UUID, *, now: datetime, lifetime: timedelta, stage: Stage = "full"
    ) -> Session: ...
    async def find(self, token: str, *, now: datetime) -> Session | None: ...
    async def end(self, token: str) -> None: ...
    async def end_all(self, moderator_id: UUID) -> int: ...
    async def end_others(self, moderator_id: UUID, *, keep: str) -> int: ...


class PasswordHasher(Protocol):
    """Password hashing; `spend` costs what a verification costs, for accounts that do not exist."""

    async def hash(self, password: str) -> str: ...
    async def verify(self, password_hash: str, password: str) -> bool: ...
    async def spend(self, password: str) -> None: ...
    def needs_rehash(self, password_hash: str) -> bool: ...


class SignInThrottle(Protocol):
    """Failed sign-ins counted per client address, and the wait each address has earned."""

    async def wait(self, address: str, *, now: datetime) -> float: ...
    async def failed(self, address: str, *, now: datetime) -> float: ...
