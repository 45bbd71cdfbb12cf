"""Text messages through an SMS provider (domain.texts.SmsProvider): `Outgoing.text` to
`Outgoing.to` (E.164), with the message key as the provider's reference.

The provider call is one HTTP request, so the point of no return is just before it:
`handing_over()` then `committing()`, then the call. A call that fails in transport (a timeout, a
dropped connection) may or may not have reached the provider, so the provider is asked whether it
holds a text with this reference: if it does, the text was sent; if not (or it cannot tell), the
failure is temporary and the text is tried again. After a crash the same question settles a
text left handed over (handlers.recovery).
"""

from datetime import UTC, datetime, timedelta

import httpx
import structlog

from notifications.domain.channels import (
    Committing,
    DeliveryError,
    HandingOver,
    Outgoing,
    TemporaryDeliveryError,
)
from notifications.domain.texts import SmsProvider

log = structlog.get_logger("notifications.sms")
CLOCK_SKEW = timedelta(minutes=2)
"""How far before the call the provider's own clock may date a text."""


class SmsChannel:
    name = "sms"

    def __init__(self, provider: SmsProvider) -> None:
        self.provider = provider

    async def send(
        self, message: Outgoing, *, handing_over: HandingOver, committing: Committing
    ) -> None:
        await handing_over()
        since = datetime.now(UTC) - CLOCK_SKEW
        committing()
        try:
            await self.provider.send(to=message.to, body=message.text, reference=message.key)
        except DeliveryError:
            raise
        except (httpx.TransportError, TimeoutError, OSError) as error:
            if await self._got(message, since=since):
                log.info("the provider had the text despite the failed call", key=message.key)
                return
            raise TemporaryDeliveryError(f"transport: {error!r}") from error

    async def _got(self, message: Outgoing, *, since: datetime) -> bool:
        """Whether the provider holds this text; False when it cannot tell or does not answer."""
        try:
            got = await self.provider.sent(
                message.key, to=message.to, since=since, body=message.text
            )
            return bool(got)
        except (DeliveryError, httpx.TransportError, TimeoutError, OSError):
            return False

    async def close(self) -> None:
        await self.provider.close()
