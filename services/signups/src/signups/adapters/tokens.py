"""Signed links in emails: confirm an address, unsubscribe, confirm an erasure (itsdangerous);
the `TokenReader` and `EmailLinks` of `signups.handlers.ports`."""

from dataclasses import dataclass
from urllib.parse import quote, urlencode
from uuid import UUID

from together_kit.keys import SecretKeys
from together_kit.signing import Signer
from together_kit.web.site import Addresses, SitePurpose, SiteTokens

from signups.domain.links import Purpose


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
    site: SiteTokens | None = None
    """The site-wide tokens (`SITE_KEY`): sign-in links and the session of "My together"."""
    addresses: Addresses | None = None
    """Every service's public address: where `next` may lead after signing in or joining."""

    def _url(self, path: str, token: str, *, onward: str | None = None) -> str:
        query = f"?{urlencode({'next': onward})}" if onward else ""
        return f"{self.base_url.rstrip('/')}/{path}/{quote(token)}{query}"

    @property
    def secure(self) -> bool:
        return self.base_url.startswith("https://")

    def confirm_person(self, person_id: UUID, nonce: str, *, onward: str | None = None) -> str:
        token = self.tokens.issue(Purpose.CONFIRM_PERSON, person_id, nonce)
        return self._url("confirm", token, onward=onward)

    def sign_in(self, person_id: UUID, nonce: str, *, onward: str | None = None) -> str:
        """The single-use link to "My together" (`onward`: where it leads once signed in)."""
        if self.site is None:
            raise RuntimeError("sign-in links need the site tokens")
        token = self.site.issue(SitePurpose.SIGN_IN, person_id, nonce)
        return self._url("my/sign-in", token, onward=onward)

    def confirm_organisation(self, organisation_id: UUID, nonce: str) -> str:
        token = self.tokens.issue(Purpose.CONFIRM_ORGANISATION, organisation_id, nonce)
        return self._url("confirm", token)

    def confirm_signature(self, signature_id: UUID, nonce: str) -> str:
        token = self.tokens.issue(Purpose.CONFIRM_SIGNATURE, signature_id, nonce)
        return self._url("confirm", token)

    def confirm_change(self, person_id: UUID, nonce: str) -> str:
        return self._url("confirm", self.tokens.issue(Purpose.CONFIRM_CHANGE, person_id, nonce))

    def unsubscribe(self, person_id: UUID) -> str:
        return self._url("stop-emails", self.tokens.issue(Purpose.UNSUBSCRIBE, person_id))

    def erase(self, person_id: UUID, nonce: str) -> str:
        return self._url("forget", self.tokens.issue(Purpose.ERASE, person_id, nonce))

    def erase_address(self, request_id: UUID) -> str:
        return self._url("forget", self.tokens.issue(Purpose.ERASE_ADDRESS, request_id))

    def pledge_progress(self, organisation_id: UUID, pledge_id: UUID) -> str:
        token = self.tokens.issue(Purpose.PLEDGE_PROGRESS, organisation_id, str(pledge_id))
        return self._url("pledges/progress", token)

    def pledge_page(self, pledge_id: UUID) -> str:
        return f"{self.base_url.rstrip('/')}/pledges/{pledge_id}"
