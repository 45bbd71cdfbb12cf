"""Signed links (itsdangerous): a volunteer answers a proposal; an organiser's page of one event.

The organiser's page link is a site token (together_kit.web.site), so notifications honours it too
(who is coming, by name). Cancel and attendance links issued before it (matching's own tokens)
still open their pages until they expire."""

from dataclasses import dataclass
from urllib.parse import quote
from uuid import UUID

from together_kit.keys import SecretKeys
from together_kit.signing import Signer
from together_kit.web.site import Addresses, SitePurpose, SiteTokens

from matching.domain.links import AnswerLinks, Purpose


class Tokens(Signer[Purpose]):
    def __init__(self, keys: SecretKeys | str, *, legacy: bool = False) -> None:
        super().__init__(keys, salt="together.matching.links", purposes=Purpose, legacy=legacy)


@dataclass(frozen=True)
class Links:
    base_url: str
    tokens: Tokens
    site: SiteTokens
    addresses: Addresses

    def _url(self, path: str) -> str:
        return f"{self.base_url.rstrip('/')}{path}"

    def respond(self, match_id: UUID) -> str:
        return self.answers(match_id).page

    def answers(self, match_id: UUID) -> AnswerLinks:
        page = self._url(f"/r/{quote(self.tokens.issue(Purpose.RESPOND, match_id))}")
        return AnswerLinks(page, f"{page}?answer=accept", f"{page}?answer=decline")

    def cancel_event(self, event_id: UUID) -> str:
        token = quote(self.tokens.issue(Purpose.ORGANISER, event_id))
        return self._url(f"/events/cancel/{token}")

    def attendance(self, event_id: UUID) -> str:
        token = quote(self.tokens.issue(Purpose.ORGANISER, event_id))
        return self._url(f"/events/attendance/{token}")

    def manage(self, event_id: UUID) -> str:
        """The organiser's page of the event (status, who is coming, edit, cancel, attendance)."""
        token = quote(self.site.issue(SitePurpose.ORGANISER, event_id))
        return self._url(f"/events/manage/{token}")

    def public_event(self, event_id: UUID) -> str:
        return self._url(f"/events#e-{event_id}")
