"""Twilio as the SMS provider, over its REST API with plain httpx (Basic auth: account SID and
auth token).

Twilio keeps no reference of ours on a message, so the message key travels in the text's
`StatusCallback` URL (`.../sms/receipts?key=<key>`): delivery receipts carry it back. Twilio's
message resource does not show that URL, though, so after a crash `sent` can only ask whether a
text to that number, from our number, was created since the hand-over (with `body`, that very
text): see `sent` for what that can get wrong.

Twilio calls our routes with a form signed in `X-Twilio-Signature`: base64 of the HMAC-SHA1,
keyed with the auth token, of the full URL it called followed by each POST parameter's name and
value, sorted by name.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from together_contracts.texts import normalised_phone
from together_kit.twilio import SIGNATURE_HEADER, signed_by_twilio

from notifications.adapters.sms.callbacks import field, form_pairs, header
from notifications.domain.channels import PermanentDeliveryError, TemporaryDeliveryError
from notifications.domain.texts import InboundText, InvalidCallback, Receipt

Status = Literal["delivered", "failed", "pending"]
RECEIPT_STATUSES: dict[str, Status] = {
    "delivered": "delivered",
    "undelivered": "failed",
    "failed": "failed",
}
"""Twilio's final statuses; any other (`queued`, `sending`, `sent`...) is still pending."""
REFUSED_NUMBERS = {21211, 21214, 21610, 21612, 21614}
"""Twilio's error codes that refuse the number itself: not a valid number, not reachable, replied
STOP to us, cannot be routed to, not a mobile."""
LOOK_BACK = 100
"""Texts to one number read by `sent`: far more than one number is sent between a hand-over and
the recovery after a crash."""


@dataclass(frozen=True)
class TwilioConfig:
    account_sid: str
    auth_token: str
    sender: str
    receipts_url: str
    """Our receipts route as Twilio reaches it (public_base_url + /sms/receipts)."""
    base_url: str = "https://api.twilio.com"
    timeout_seconds: float = 10.0
    connections: int = 4


class TwilioProvider:
    name = "twilio"

    def __init__(self, config: TwilioConfig, *, client: httpx.AsyncClient | None = None) -> None:
        self.config = config
        self._messages = f"/2010-04-01/Accounts/{config.account_sid}/Messages.json"
        self._client = client or httpx.AsyncClient(
            base_url=config.base_url,
            auth=(config.account_sid, config.auth_token),
            timeout=config.timeout_seconds,
            limits=httpx.Limits(max_connections=config.connections),
        )

    async def send(self, *, to: str, body: str, reference: str) -> str:
        callback = f"{self.config.receipts_url}?{urlencode({'key': reference})}"
        form = {"To": to, "From": self.config.sender, "Body": body, "StatusCallback": callback}
        answer = await self._request("POST", data=form)
        return str(answer["sid"])

    async def sent(
        self, reference: str, *, to: str, since: datetime, body: str | None = None
    ) -> bool | None:
        """Whether a text to `to` from our number (with `body`, when given) was created since
        `since`. Not filtered by Twilio's `DateSent`: a text still queued has none yet.

        The weakness: without `body`, any other text to that number since `since` answers yes.
        The dispatcher sends one number's texts one after another, so none follows a text left
        in hand-over until recovery settles it; a text from the Twilio console or another system
        on the same account could still be taken for ours."""
        params = {"To": to, "From": self.config.sender, "PageSize": str(LOOK_BACK)}
        answer = await self._request("GET", params=params)
        since = since.replace(microsecond=0, tzinfo=since.tzinfo or UTC)
        for message in answer.get("messages") or []:
            created = parsedate_to_datetime(str(message.get("date_created")))
            if created >= since and body in (None, message.get("body")):
                return True
        return False

    def inbound(self, *, url: str, headers: Mapping[str, str], body: bytes) -> InboundText:
        params = self._signed(url, headers, body)
        return InboundText(
            provider_id=field(params, "MessageSid"),
            sender=normalised_phone(field(params, "From")),
            body=params.get("Body", ""),
        )

    def receipt(self, *, url: str, headers: Mapping[str, str], body: bytes) -> Receipt:
        params = self._signed(url, headers, body)
        status = field(params, "MessageStatus")
        error = params.get("ErrorCode", "")
        keys = parse_qs(urlsplit(url).query).get("key")
        return Receipt(
            provider_id=field(params, "MessageSid"),
            reference=keys[0] if keys else None,
            status=RECEIPT_STATUSES.get(status, "pending"),
            detail=f"{status} {error}".strip(),
        )

    async def close(self) -> None:
        await self._client.aclose()

    def _signed(self, url: str, headers: Mapping[str, str], body: bytes) -> dict[str, str]:
        pairs = form_pairs(body)
        presented = header(headers, SIGNATURE_HEADER)
        if not signed_by_twilio(self.config.auth_token, url=url, params=pairs, signature=presented):
            raise InvalidCallback("not Twilio's signature")
        return dict(pairs)

    async def _request(self, method: str, **options: Any) -> dict[str, Any]:
        try:
            response = await self._client.request(method, self._messages, **options)
        except httpx.HTTPError as error:
            raise TemporaryDeliveryError(f"transport: {error!r}") from error
        if response.status_code < 300:
            answer: dict[str, Any] = response.json()
            return answer
        raise classified(response)


def classified(response: httpx.Response) -> TemporaryDeliveryError | PermanentDeliveryError:
    """A refusal of the number is permanent (the number is suppressed); anything else (Twilio's
    5xx or 429, our credentials or request refused) is temporary: retried, then failed."""
    try:
        code = int(response.json().get("code") or 0)
    except (ValueError, AttributeError):
        code = 0
    reason = f"{response.status_code} {response.text[:200]}"
    if response.status_code == 400 and code in REFUSED_NUMBERS:
        return PermanentDeliveryError(reason, code=response.status_code)
    return TemporaryDeliveryError(reason, code=response.status_code)
