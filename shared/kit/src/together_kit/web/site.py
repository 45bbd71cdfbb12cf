"""One site, one person: what every service's pages share about who is signed in and where the
other services are.

A volunteer signs in to "My together" with a link emailed by signups; the session is a signed
cookie every service can read (signups shows their details, matching their invitations and
places), keyed by `SITE_KEY`, the one secret all services share for this. An organiser's page link
is signed the same way, so matching (the event) and notifications (who is coming, by name) both
honour it. Each purpose has its own derived key (together_kit.keys); the cookie holds a person's
id and nothing else.
"""

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from fastapi import Request, Response

from together_kit.keys import SecretKeys
from together_kit.signing import Signer, TokenExpiredError, TokenInvalidError

SESSION_COOKIE = "together_me"
SIGN_IN_MAX_AGE_SECONDS = 60 * 60
SESSION_MAX_AGE_SECONDS = 30 * 24 * 3600
ORGANISER_MAX_AGE_SECONDS = 365 * 24 * 3600


class SitePurpose(StrEnum):
    SIGN_IN = "sign-in"
    """The emailed link to "My together" (subject: the person; nonce: spent once)."""
    SESSION = "session"
    """The signed-in cookie (subject: the person)."""
    ORGANISER = "organiser"
    """The organiser's page of one event (subject: the event)."""


class SiteTokens(Signer[SitePurpose]):
    """Tokens every service verifies alike: signed with keys derived from `SITE_KEY`."""

    def __init__(self, keys: SecretKeys | str) -> None:
        super().__init__(keys, salt="together.site", purposes=SitePurpose, nonce=True)


@dataclass(frozen=True)
class Addresses:
    """Each service's public address, for links from one service's pages to another's."""

    signups: str
    moderation: str
    matching: str
    notifications: str

    def url(self, service: str, path: str = "/") -> str:
        base: str = getattr(self, service)
        return base.rstrip("/") + path


def signed_in(request: Request, tokens: SiteTokens) -> UUID | None:
    """The person whose session cookie came with the request, if it is genuine and current."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        return tokens.subject(cookie, SitePurpose.SESSION, max_age=SESSION_MAX_AGE_SECONDS)
    except (TokenExpiredError, TokenInvalidError):
        return None


def start_session(response: Response, tokens: SiteTokens, person_id: UUID, *, secure: bool) -> None:
    """Sign the person in on every service of the site (the cookie is host-wide, path `/`)."""
    response.set_cookie(
        SESSION_COOKIE,
        tokens.issue(SitePurpose.SESSION, person_id),
        max_age=SESSION_MAX_AGE_SECONDS,
        path="/",
        secure=secure,
        httponly=True,
        samesite="lax",
    )


def end_session(response: Response, *, secure: bool) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", secure=secure, httponly=True, samesite="lax")
