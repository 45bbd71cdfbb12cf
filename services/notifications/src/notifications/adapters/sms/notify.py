"""GOV.UK Notify as the SMS provider, through its official Python client.

Every text goes through one template whose whole content is `((body))`, with our message key as
Notify's `reference`, so that `sent` can look the text up after a crash (Notify lists a service's
notifications of the last 7 days).

The client is synchronous (requests), untyped (hence its `type: ignore`s) and not thread-safe: calls run on a small thread pool of
the provider's own, each thread with a client of its own, so at most `clients` calls are in
flight and none waits on the event loop.

Notify calls our routes with JSON and `Authorization: Bearer <callback token>`: a received text
(`id`, `source_number`, `destination_number`, `message`, `date_received`) and a delivery receipt
(`id`, `reference`, `to`, `status`, ...).
"""

import asyncio
import hmac
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient
from together_contracts.texts import normalised_phone

from notifications.adapters.sms.callbacks import field, header, json_object
from notifications.domain.channels import PermanentDeliveryError, TemporaryDeliveryError
from notifications.domain.texts import InboundText, InvalidCallback, Receipt

Status = Literal["delivered", "failed", "pending"]
RECEIPT_STATUSES: dict[str, Status] = {
    "delivered": "delivered",
    "permanent-failure": "failed",
    "temporary-failure": "failed",
    "technical-failure": "failed",
}
"""Notify's final statuses; any other (`sending`, `pending`...) is still pending."""
ABOUT_THE_NUMBER = ("phone_number", "recipient")
"""Words in a 400 answer that refuse the number itself (not a UK mobile, not allowed in trial
mode), as opposed to our request (unknown template, text too long)."""


@dataclass(frozen=True)
class NotifyConfig:
    api_key: str
    template_id: str
    callback_token: str
    base_url: str = "https://api.notifications.service.gov.uk"
    sender_id: str | None = None
    timeout_seconds: float = 10.0
    clients: int = 4


class NotifyProvider:
    name = "notify"

    def __init__(self, config: NotifyConfig) -> None:
        self.config = config
        self._pool = ThreadPoolExecutor(config.clients, thread_name_prefix="notify")
        self._local = threading.local()

    async def send(self, *, to: str, body: str, reference: str) -> str:
        answer = await self._call(
            lambda client: client.send_sms_notification(  # type: ignore[no-untyped-call]
                phone_number=to,
                template_id=self.config.template_id,
                personalisation={"body": body},
                reference=reference,
                sms_sender_id=self.config.sender_id or None,
            )
        )
        return str(answer["id"])

    async def sent(
        self, reference: str, *, to: str, since: datetime, body: str | None = None
    ) -> bool | None:
        """Whether Notify holds a text with this reference. An error answering raises
        `TemporaryDeliveryError`: ask again later."""
        found = await self._call(
            lambda client: client.get_all_notifications(  # type: ignore[no-untyped-call]
                template_type="sms", reference=reference
            )
        )
        return bool(found.get("notifications"))

    def inbound(self, *, url: str, headers: Mapping[str, str], body: bytes) -> InboundText:
        self._check_token(headers)
        data = json_object(body)
        return InboundText(
            provider_id=field(data, "id"),
            sender=normalised_phone(field(data, "source_number")),
            body=str(data.get("message") or ""),
        )

    def receipt(self, *, url: str, headers: Mapping[str, str], body: bytes) -> Receipt:
        self._check_token(headers)
        data = json_object(body)
        status = field(data, "status")
        return Receipt(
            provider_id=field(data, "id"),
            reference=str(data["reference"]) if data.get("reference") else None,
            status=RECEIPT_STATUSES.get(status, "pending"),
            detail=status,
        )

    async def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _check_token(self, headers: Mapping[str, str]) -> None:
        presented = header(headers, "Authorization").encode()
        expected = f"Bearer {self.config.callback_token}".encode()
        if not hmac.compare_digest(presented, expected):
            raise InvalidCallback("not Notify's bearer token")

    async def _call(self, call: Callable[[NotificationsAPIClient], Any]) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._in_thread, call)

    def _in_thread(self, call: Callable[[NotificationsAPIClient], Any]) -> Any:
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = NotificationsAPIClient(  # type: ignore[no-untyped-call]
                self.config.api_key,
                base_url=self.config.base_url,
                timeout=self.config.timeout_seconds,
            )
        try:
            return call(client)
        except APIError as error:
            raise classified(error) from error


def classified(error: APIError) -> TemporaryDeliveryError | PermanentDeliveryError:
    """A refusal of the number is permanent (the number is suppressed); anything else, ours or
    Notify's (its 5xx, 429, a timeout, which the client reports as 503, a rejected key or
    template), is temporary: retried, then failed, and no number suppressed for it."""
    code = error.status_code
    reason = f"{code} {error.message}"
    if code == 400 and any(word in reason for word in ABOUT_THE_NUMBER):
        return PermanentDeliveryError(reason, code=code)
    return TemporaryDeliveryError(reason, code=code)
