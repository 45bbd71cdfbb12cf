from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from together_kit.mail_quota import MailQuota

from signups.adapters.access import AccessRepository
from signups.adapters.erasures import ErasureRepository
from signups.adapters.organisations import OrganisationRepository
from signups.adapters.people import PeopleRepository
from signups.adapters.tokens import Links, Tokens

PRODUCER = "signups"


@dataclass(frozen=True)
class Context:
    """The ports every handler may use; bootstrap builds the real ones, unit tests small fakes."""

    people: PeopleRepository
    organisations: OrganisationRepository
    erasures: ErasureRepository
    tokens: Tokens
    links: Links
    clock: Callable[[], datetime]
    form_version: str
    mail_quota: MailQuota
    """Confirmation and change emails each address may still be sent today (issue 16, point 4)."""
    erasure_key: bytes = b""
    """The key of `together_contracts.email_digest`, shared by every service (`ERASURE_KEY`)."""
    access: AccessRepository | None = None
    """Subject access requests (None where a test does not need them)."""
