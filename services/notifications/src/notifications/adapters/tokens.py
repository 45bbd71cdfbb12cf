"""Signed one-click unsubscribe links: who (address HMAC, person if known), never expiring."""

from dataclasses import dataclass
from urllib.parse import quote

from itsdangerous import BadSignature, URLSafeSerializer


@dataclass(frozen=True)
class UnsubscribeClaims:
    recipient_hash: str
    person_id: str | None


class UnsubscribeLinks:
    def __init__(self, *, secret: str, base_url: str) -> None:
        self._serializer = URLSafeSerializer(secret, salt="together.notifications.unsubscribe")
        self.base_url = base_url.rstrip("/")

    def url(self, *, recipient_hash: str, person_id: str | None) -> str:
        token = str(self._serializer.dumps([recipient_hash, person_id or ""]))
        return f"{self.base_url}/unsubscribe/{quote(token)}"

    def read(self, token: str) -> UnsubscribeClaims | None:
        try:
            recipient_hash, person_id = self._serializer.loads(token)
        except (BadSignature, ValueError, TypeError):
            return None
        if not isinstance(recipient_hash, str) or not isinstance(person_id, str):
            return None
        return UnsubscribeClaims(recipient_hash, person_id or None)
