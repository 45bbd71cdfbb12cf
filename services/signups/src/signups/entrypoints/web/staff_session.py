"""The session of a staff member on the assisted pages (`/assisted`), started from moderation's
staff pass (together_kit.staff_pass): a signed cookie of its own, for 8 hours, on `/assisted` only,
holding the staff member and the CSRF token every form of those pages must carry.

Both are signed with `SIGNUPS_STAFF_PASS_SECRET`, each under a salt of its own, so a pass is not a
session and a volunteer's session (`together_me`) is neither.
"""

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request, Response
from itsdangerous import BadSignature
from together_kit.keys import SecretKeys
from together_kit.signing import serializer

from signups.domain.assisted import Staff
from signups.entrypoints.dependencies import SettingsDep

COOKIE = "together_staff"
PATH = "/assisted"
SALT = "together.signups.staff-session"
SESSION_SECONDS = 8 * 3600
CSRF_FIELD = "csrf"


@dataclass(frozen=True)
class StaffSession:
    staff: Staff
    csrf: str


def _keys(settings: SettingsDep) -> SecretKeys:
    return SecretKeys(settings.staff_pass_secret.get_secret_value())


def start(response: Response, staff: Staff, *, keys: SecretKeys, secure: bool) -> None:
    token = serializer(keys, salt=SALT).dumps(
        [str(staff.staff_id), staff.name, secrets.token_urlsafe(24)]
    )
    response.set_cookie(
        COOKIE,
        str(token),
        max_age=SESSION_SECONDS,
        path=PATH,
        secure=secure,
        httponly=True,
        samesite="strict",
    )


def end(response: Response, *, secure: bool) -> None:
    response.delete_cookie(COOKIE, path=PATH, secure=secure, httponly=True, samesite="strict")


def current(request: Request, keys: SecretKeys) -> StaffSession | None:
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    try:
        staff_id, name, csrf = serializer(keys, salt=SALT).loads(cookie, max_age=SESSION_SECONDS)
        return StaffSession(Staff(UUID(staff_id), str(name)), str(csrf))
    except (BadSignature, ValueError, TypeError):
        return None


class StaffOnlyError(Exception):
    """No staff session: the page says to start again from the moderator pages (403)."""


def staff_session(request: Request, settings: SettingsDep) -> StaffSession:
    session = current(request, _keys(settings))
    if session is None:
        raise StaffOnlyError
    return session


async def posted_by_staff(request: Request, settings: SettingsDep) -> StaffSession:
    """A staff session whose form carries its CSRF token; 403 otherwise."""
    session = staff_session(request, settings)
    form = await request.form(max_files=0)
    token = form.get(CSRF_FIELD)
    if not isinstance(token, str) or not hmac.compare_digest(token, session.csrf):
        raise StaffOnlyError
    return session


StaffDep = Annotated[StaffSession, Depends(staff_session)]
StaffPostedDep = Annotated[StaffSession, Depends(posted_by_staff)]
KeysDep = Annotated[SecretKeys, Depends(_keys)]
