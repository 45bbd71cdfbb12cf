"""Signed one-click unsubscribe links: who (address HMAC, person if known), never expiring.

Signed with HMAC-SHA256 and the key derived for `SALT` (together_kit.keys); links from before
keys were derived (HMAC-SHA1, the raw secret) are still read when `legacy` is on.
"""

import hashlib
from typing import Any
from urllib.parse import quote

from itsdangerous import BadSignature, URLSafeSerializer
from together_kit.keys import SecretKeys

from notifications.domain.suppressions import UnsubscribeClaims

SALT = "together.notifications.unsubscribe"


class UnsubscribeLinks:
    def __init__(self, *, keys: SecretKeys | str, base_url: str, legacy: bool = False) -> None:
        keys = keys if isinstance(keys, SecretKeys) else SecretKeys(keys)
        self._serializer = URLSafeSerializer(
            keys.verifying(SALT), salt=SALT, signer_kwargs={"digest_method": hashlib.sha256}
        )
        self._legacy = URLSafeSerializer(keys.secrets(), salt=SALT) if legacy else None
        self.base_url = base_url.rstrip("/")

    def url(self, *, recipient_hash: str, person_id: str | None) -> str:
        token = str(self._serializer.dumps([recipient_hash, person_id or ""]))
        return f"{self.base_url}/unsubscribe/{quote(token)}"

    def read(self, token: str) -> UnsubscribeClaims | None:
        try:
            recipient_hash, person_id = self._loads(token)
        except (BadSignature, ValueError, TypeError):
            return None
        if not isinstance(recipient_hash, str) or not isinstance(person_id, str):
            return None
        return UnsubscribeClaims(recipient_hash, person_id or None)

    def _loads(self, token: str) -> Any:
        try:
            return self._serializer.loads(token)
        except BadSignature:
            if self._legacy is None:
                raise
            return self._legacy.loads(token)
