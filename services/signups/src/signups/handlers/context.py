from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from signups.handlers.ports import (
    AccessRepository,
    EmailLinks,
    ErasureRepository,
    MailAllowance,
    OrganisationRepository,
    PeopleRepository,
    SignatureRepository,
    TokenReader,
)

PRODUCER = "signups"


@dataclass(frozen=True)
class Context:
    """The ports every handler may use; bootstrap builds the real ones, unit tests small fakes."""

    people: PeopleRepository
    organisations: OrganisationRepository
    erasures: ErasureRepository
    tokens: TokenReader
    links: EmailLinks
    clock: Callable[[], datetime]
    form_version: str
    mail_quota: MailAllowance
    """Confirmation and change emails each address may still be sent today."""
    erasure_key: bytes = b""
    """The key of `together_contracts.email_digest`, shared by every service (`ERASURE_KEY`)."""
    access: AccessRepository | None = None
    """Subject access requests (None where a test does not need them)."""
    signatures: SignatureRepository | None = None
    """Signatures of the open letter (None where a test does not need them)."""
