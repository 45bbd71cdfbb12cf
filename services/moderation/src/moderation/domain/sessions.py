"""A moderator's server-side session and when it ends.

A session is at one of two stages: `password` (the password was right; a second-factor code or
enrolment is awaited, for a few minutes) or `full` (signed in). It ends at `expires`, or earlier
when it has not been used for the idle time. The cookie carries `token`; the store keeps only its
digest.
"""

import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

Stage = Literal["password", "full"]
TOKEN_BYTES = 32
TOUCH_EVERY = timedelta(seconds=60)
"""The least time between two records of a session's use (each request reads the session)."""


@dataclass(frozen=True)
class Session:
    token: str
    """What the cookie carries; never stored."""
    moderator_id: UUID
    created: datetime
    expires: datetime
    csrf: str
    stage: Stage = "full"
    last_seen: datetime | None = None
    """When the session was last used (its start, until it is used again)."""

    @classmethod
    def start(
        cls, moderator_id: UUID, *, now: datetime, lifetime: timedelta, stage: Stage = "full"
    ) -> "Session":
        """A new session with its own random token and CSRF token."""
        return cls(
            token=secrets.token_urlsafe(TOKEN_BYTES),
            moderator_id=moderator_id,
            created=now,
            expires=now + lifetime,
            csrf=secrets.token_urlsafe(TOKEN_BYTES),
            stage=stage,
            last_seen=now,
        )

    @property
    def full(self) -> bool:
        return self.stage == "full"

    @property
    def used(self) -> datetime:
        return self.last_seen or self.created

    @property
    def lifetime(self) -> timedelta:
        return self.expires - self.created

    def ended(self, now: datetime, *, idle: timedelta) -> bool:
        """Past its end, or unused for `idle`."""
        return self.expires <= now or self.used + idle <= now

    def ends(self, *, idle: timedelta) -> datetime:
        """When the session stops being valid if it is not used again."""
        return min(self.expires, self.used + idle)

    def touched(self, now: datetime) -> "Session | None":
        """The session marked as used `now`, or None when its last use is recent enough."""
        if now - self.used < TOUCH_EVERY:
            return None
        return replace(self, last_seen=now)


def plausible_token(token: str) -> bool:
    """A cookie value that could be a token (a longer one is not looked up)."""
    return bool(token) and len(token) <= 2 * TOKEN_BYTES
