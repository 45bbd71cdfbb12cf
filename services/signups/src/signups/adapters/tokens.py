"""Signed links in emails: confirm an address, unsubscribe, confirm an erasure (itsdangerous)."""

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote
from uuid import UUID

from together_kit.keys import SecretKeys
from together_kit.signing import Signer

CONFIRMATION_MAX_AGE_SECONDS = 7 * 24 * 3600
ERASURE_MAX_AGE_SECONDS = 24 * 3600


class Purpose(StrEnum):
    CONFIRM_PERSON = "confirm-person"
    CONFIRM_ORGANISATION = "confirm-organisation"
    UNSUBSCRIBE = "unsubscribe"
    ERASE = "erase"
    CONFIRM_CHANGE = "confirm-change"
    ERASE_ADDRESS = "erase-address"
    """An erasure asked for an address that is not a volunteer's: the subject is the request."""


class Tokens(Signer[Purpose]):
    """Every signups token carries a nonce, so a confirmation or erasure link is spent once the
    person's nonce changes."""

    def __init__(self, keys: SecretKeys | str, *, legacy: bool = False) -> None:
        super().__init__(
            keys, salt="together.signups.links", purposes=Purpose, nonce=True, legacy=legacy
        )


@dataclass(frozen=True)
class Links:
    """Absolute URLs for emails, from the public base URL of signups."""

    base_url: str
    tokens: Tokens

    def _url(self, path: str, token: str) -> str:
        return f"{self.base_url.rstrip('/')}/{path}/{quote(token)}"

    def confirm_person(self, person_id: UUID, nonce: str) -> str:
        return self._url("confirm", self.tokens.issue(Purpose.CONFIRM_PERSON, person_id, nonce))

    def confirm_organisation(self, organisation_id: UUID, nonce: str) -> str:
        token = self.tokens.issue(Purpose.CONFIRM_ORGANISATION, organisation_id, nonce)
        return self._url("confirm", token)

    def confirm_change(self, person_id: UUID, nonce: str) -> str:
        return self._url("confirm", self.tokens.issue(Purpose.CONFIRM_CHANGE, person_id, nonce))

    def unsubscribe(self, person_id: UUID) -> str:
        return self._url("unsubscribe", self.tokens.issue(Purpose.UNSUBSCRIBE, person_id))

    def erase(self, person_id: UUID, nonce: str) -> str:
        return self._url("forget", self.tokens.issue(Purpose.ERASE, person_id, nonce))

    def erase_address(self, request_id: UUID) -> str:
        return self._url("forget", self.tokens.issue(Purpose.ERASE_ADDRESS, request_id))
