"""Email over SMTP with aiosmtplib: one connection reused between messages, rebuilt when lost.

Each email has a plain-text part and an HTML alternative, and a Message-ID derived from the
delivery log's key, so the same message can always be recognised (and any resend deduplicated by
the receiving mail system) however it came to be sent.
"""

import asyncio
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate

import aiosmtplib

from notifications.adapters.channels import (
    HandingOver,
    Outgoing,
    PermanentDeliveryError,
    TemporaryDeliveryError,
)


@dataclass(frozen=True)
class SmtpConfig:
    host: str = "127.0.0.1"
    port: int = 1025
    security: str = "none"
    """`none`, `starttls` (upgrade a plain connection) or `tls` (implicit TLS, usually port 465)."""
    username: str | None = None
    password: str | None = None
    sender: str = "together <hello@together.example>"
    timeout_seconds: float = 30.0
    message_id_domain: str = "notifications.together.example"


def build_email(message: Outgoing, *, config: SmtpConfig) -> EmailMessage:
    email = EmailMessage()
    email["From"] = config.sender
    email["To"] = formataddr((message.to_name, message.to)) if message.to_name else message.to
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False, usegmt=True)
    email["Message-ID"] = f"<{message.key}@{config.message_id_domain}>"
    email.set_content(message.text)
    email.add_alternative(message.html, subtype="html")
    for name, value in message.headers.items():
        email[name] = value
    return email


class SmtpChannel:
    name = "email"

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._client: aiosmtplib.SMTP | None = None
        self._lock = asyncio.Lock()

    async def send(self, message: Outgoing, *, handing_over: HandingOver) -> None:
        email = build_email(message, config=self.config)
        async with self._lock:
            try:
                client = await self._connected()
                await handing_over()
                await self._send_once(client, email, retry_on_disconnect=True)
            except aiosmtplib.SMTPResponseException as error:
                await self._drop()
                raise _classified(error.code, error.message) from error
            except aiosmtplib.SMTPRecipientsRefused as error:
                await self._drop()
                refused = error.recipients[0] if error.recipients else None
                code = refused.code if refused else 550
                raise _classified(code, refused.message if refused else str(error)) from error
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
                await self._drop()
                raise TemporaryDeliveryError(f"connection: {error!r}") from error

    async def _send_once(
        self, client: aiosmtplib.SMTP, email: EmailMessage, *, retry_on_disconnect: bool
    ) -> None:
        try:
            await client.send_message(email)
        except aiosmtplib.SMTPServerDisconnected:
            await self._drop()
            if not retry_on_disconnect:
                raise
            await self._send_once(await self._connected(), email, retry_on_disconnect=False)

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._client is not None and self._client.is_connected:
            return self._client
        config = self.config
        client = aiosmtplib.SMTP(
            hostname=config.host,
            port=config.port,
            use_tls=config.security == "tls",
            start_tls=config.security == "starttls",
            username=config.username,
            password=config.password,
            timeout=config.timeout_seconds,
        )
        await client.connect()
        self._client = client
        return client

    async def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                client.close()

    async def close(self) -> None:
        async with self._lock:
            await self._drop()


def _classified(code: int, text: str) -> TemporaryDeliveryError | PermanentDeliveryError:
    reason = f"{code} {text}".strip()[:500]
    if 400 <= code < 500:
        return TemporaryDeliveryError(reason, code=code)
    return PermanentDeliveryError(reason, code=code)
