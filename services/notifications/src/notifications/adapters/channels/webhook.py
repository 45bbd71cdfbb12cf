"""Webhooks for partner systems: a JSON POST signed with HMAC-SHA256, retried with backoff.

The receiver checks `X-Together-Signature: sha256=<hex>`, the HMAC-SHA256 with the shared secret
of `<X-Together-Timestamp>.<body>`, and may refuse old timestamps. The message key travels as
`X-Together-Delivery` so that a receiver can drop a repeat. A timeout, a dropped connection, a 5xx
or a 429 is tried again (stamina: exponential backoff with jitter, each retry logged as
`stamina.retry_scheduled`), each try signed afresh; any other refusal is permanent at once.
"""

import hashlib
import hmac
import json
import time
from dataclasses import dataclass

import httpx
import stamina

from notifications.domain.channels import (
    Committing,
    HandingOver,
    Outgoing,
    PermanentDeliveryError,
    TemporaryDeliveryError,
)

SIGNATURE_HEADER = "X-Together-Signature"
TIMESTAMP_HEADER = "X-Together-Timestamp"
DELIVERY_HEADER = "X-Together-Delivery"


def signature(secret: bytes, *, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: bytes, *, timestamp: str, body: bytes, presented: str) -> bool:
    return hmac.compare_digest(signature(secret, timestamp=timestamp, body=body), presented)


@dataclass(frozen=True)
class WebhookConfig:
    secret: bytes
    attempts: int = 4
    backoff_seconds: float = 0.5
    backoff_max_seconds: float = 8.0
    timeout_seconds: float = 10.0


class WebhookChannel:
    """Posts `Outgoing.payload` to `Outgoing.to` (the receiver's URL)."""

    name = "webhook"

    def __init__(self, config: WebhookConfig, *, client: httpx.AsyncClient | None = None) -> None:
        self.config = config
        self._client = client or httpx.AsyncClient(timeout=config.timeout_seconds)
        self._retrying = stamina.AsyncRetryingCaller(
            attempts=config.attempts,
            timeout=None,
            wait_initial=config.backoff_seconds,
            wait_max=config.backoff_max_seconds,
            wait_jitter=config.backoff_seconds / 2,
        ).on(TemporaryDeliveryError)

    async def send(
        self, message: Outgoing, *, handing_over: HandingOver, committing: Committing
    ) -> None:
        body = json.dumps(message.payload, separators=(",", ":"), sort_keys=True).encode()
        await handing_over()
        committing()
        await self._retrying(self._post, message, body)

    async def _post(self, message: Outgoing, body: bytes) -> None:
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(self.config.secret, timestamp=timestamp, body=body),
            DELIVERY_HEADER: message.key,
        }
        try:
            response = await self._client.post(message.to, content=body, headers=headers)
        except httpx.TransportError as error:  # timeouts too
            raise TemporaryDeliveryError(f"transport: {error!r}") from error
        if response.status_code < 300:
            return
        reason = f"{response.status_code} {response.text[:200]}"
        if response.status_code < 500 and response.status_code != 429:
            raise PermanentDeliveryError(reason, code=response.status_code)
        raise TemporaryDeliveryError(reason)

    async def close(self) -> None:
        await self._client.aclose()
