"""Email over SMTP with aiosmtplib: a few connections kept open, each rebuilt when lost.

Each email has a plain-text part and an HTML alternative, and a Message-ID derived from the
delivery log's key, so the same message can always be recognised (and any resend deduplicated by
the receiving mail system) however it came to be sent.

The point of no return is the final dot of DATA. The transaction (MAIL, RCPT, DATA and the whole
body) is opened while `handing_over` records the mark, and the mark is awaited with the server
still waiting for the dot; then `committing` is called and the dot written with no await between
them. A server discards a transaction whose data never ended (RFC 5321 4.1.1.4), so a crash, or a
failed `handing_over` or `committing`, before the dot delivers nothing: the connection is closed
mid-DATA, never with QUIT, which the server would read as part of the body.
"""

import asyncio
import io
import re
import sys
from dataclasses import dataclass
from email.generator import BytesGenerator
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formataddr, formatdate, parseaddr
from typing import Any

import aiosmtplib

from notifications.domain.channels import (
    Committing,
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


class _KeptHeaderClasses(HeaderRegistry):
    """The standard header registry, keeping the class it makes for each header name: the
    stdlib's makes a new class for every header set or counted, a third of building an email."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(key)
        return made


class _OneLineHeadersAsTheyAre(EmailPolicy):
    """The stdlib's email policy, except that a header which is plain ASCII and fits on one line
    is written as its parsed value reads, which is what the stdlib's refolding writes for it;
    that refolding, through the header parser, was most of the cost of flattening an email."""

    def _fold(self, name: str, value: Any, refold_binary: bool = False) -> str:
        tree = getattr(value, "_parse_tree", None)
        if tree:
            line = f"{name}: {tree}"
            fits = len(line) <= (self.max_line_length or sys.maxsize)
            if fits and line.isascii() and "\r" not in line and "\n" not in line:
                return line + self.linesep
        return str(super()._fold(name, value, refold_binary))  # type: ignore[misc]  # not in typeshed


_POLICY = _OneLineHeadersAsTheyAre(header_factory=_KeptHeaderClasses())
_SMTP = _POLICY.clone(linesep="\r\n")


def flatten(email: EmailMessage, *, utf8: bool, eight_bit: bool) -> bytes:
    """The message as DATA carries it (before dot-stuffing), as aiosmtplib's `flatten_message`
    writes it with the stdlib's SMTP policies, byte for byte (`test_email_build`)."""
    policy = _SMTP.clone(utf8=utf8, cte_type="8bit" if eight_bit else "7bit")
    with io.BytesIO() as out:
        BytesGenerator(out, policy=policy).flatten(email)
        return out.getvalue()


def build_email(
    message: Outgoing, *, config: SmtpConfig, policy: EmailPolicy = _POLICY
) -> EmailMessage:
    """The email for `message`; on the stdlib's own `policy` it flattens to the same bytes,
    only slower (`test_email_build`)."""
    email = EmailMessage(policy=policy)
    email["From"] = config.sender
    email["To"] = _recipient(message)
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False, usegmt=True)
    email["Message-ID"] = f"<{message.key}@{config.message_id_domain}>"
    email.set_content(message.text)
    email.add_alternative(message.html, subtype="html")
    for name, value in message.headers.items():
        email[name] = value
    return email


def _recipient(message: Outgoing) -> str:
    if not message.to_name:
        return message.to
    if message.to.isascii():
        return formataddr((message.to_name, message.to))
    # formataddr refuses a non-ASCII address; under SMTPUTF8 the header travels as UTF-8.
    name = message.to_name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{name}" <{message.to}>'


class SmtpChannel:
    """Sends over up to `connections` SMTP connections at once, each kept open between messages."""

    name = "email"

    def __init__(self, config: SmtpConfig, *, connections: int = 1) -> None:
        self.config = config
        self._idle: asyncio.Queue[_Connection] = asyncio.Queue()
        for _ in range(connections):
            self._idle.put_nowait(_Connection(config))
        self._connections = connections

    async def send(
        self, message: Outgoing, *, handing_over: HandingOver, committing: Committing
    ) -> None:
        email = build_email(message, config=self.config)
        connection = await self._idle.get()
        try:
            await connection.send(email, handing_over=handing_over, committing=committing)
        finally:
            self._idle.put_nowait(connection)

    async def close(self) -> None:
        """Waits for sends in progress, closes every connection; the channel stays usable."""
        connections = [await self._idle.get() for _ in range(self._connections)]
        for connection in connections:
            await connection.drop()
            self._idle.put_nowait(connection)


class _Connection:
    """One SMTP connection, opened when first needed and rebuilt when lost."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._client: aiosmtplib.SMTP | None = None

    async def send(
        self, email: EmailMessage, *, handing_over: HandingOver, committing: Committing
    ) -> None:
        """The hand-over mark is written while the transaction opens and awaited before the dot:
        the connection waits for the longer of the two round trips, not for both in turn. A
        transaction that fails to open is raised once the mark has landed or been refused, so
        that the outcome the caller writes next comes after it."""
        marking = asyncio.ensure_future(handing_over())
        try:
            try:
                client = await self._open_transaction(email, retry_on_disconnect=True)
            except asyncio.CancelledError:
                marking.cancel()
                raise
            except BaseException:
                await asyncio.gather(marking, return_exceptions=True)  # a refused mark: moot
                raise
            try:
                await marking
                committing()
            except BaseException:
                self._abandon()
                raise
            # execute_command writes the dot before its first await: nothing runs in between.
            response = await client.execute_command(b".")
            if response.code != aiosmtplib.SMTPStatus.completed:
                raise aiosmtplib.SMTPResponseException(response.code, response.message)
        except aiosmtplib.SMTPResponseException as error:
            await self.drop()
            raise _classified(error.code, error.message) from error
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            self._abandon()
            # not a reply (replies are SMTPResponseException above): no server text in it
            raise TemporaryDeliveryError(f"connection: {error!r}") from error

    async def _open_transaction(
        self, email: EmailMessage, *, retry_on_disconnect: bool
    ) -> aiosmtplib.SMTP:
        """MAIL, RCPT, DATA and the body, on a connection left waiting for the final dot.

        A kept connection the server has since closed is rebuilt once."""
        client = await self._connected()
        try:
            await _send_all_but_the_dot(client, email, sender=self.config.sender)
        except aiosmtplib.SMTPServerDisconnected:
            self._abandon()
            if not retry_on_disconnect:
                raise
            return await self._open_transaction(email, retry_on_disconnect=False)
        return client

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
        if client.is_ehlo_or_helo_needed:
            try:
                await client.ehlo()
            except aiosmtplib.SMTPHeloError:
                await client.helo()
        self._client = client
        return client

    def _abandon(self) -> None:
        """Close without a word: mid-DATA, even QUIT would be read as part of the body."""
        client, self._client = self._client, None
        if client is not None:
            client.close()

    async def drop(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                client.close()


async def _send_all_but_the_dot(
    client: aiosmtplib.SMTP, email: EmailMessage, *, sender: str
) -> None:
    sender_address, recipient = parseaddr(sender)[1], parseaddr(str(email["To"]))[1]
    utf8 = not (sender_address + recipient).isascii()
    if utf8 and not client.supports_extension("smtputf8"):
        raise aiosmtplib.SMTPNotSupported("a non-ASCII address needs SMTPUTF8")
    options = ["SMTPUTF8"] if utf8 else []
    eight_bit = client.supports_extension("8BITMIME")
    if eight_bit:
        options.append("BODY=8BITMIME")
    body = flatten(email, utf8=utf8, eight_bit=eight_bit)
    encoding = "utf-8" if utf8 else "ascii"
    await client.mail(sender_address, options=options, encoding=encoding)
    await client.rcpt(recipient, encoding=encoding)
    started = await client.execute_command(b"DATA")
    if started.code != aiosmtplib.SMTPStatus.start_input:
        raise aiosmtplib.SMTPDataError(started.code, started.message)
    if client.protocol is None:
        raise aiosmtplib.SMTPServerDisconnected("Connection lost")
    client.protocol.write(_data_lines(body))


_LINE_START_DOT = re.compile(rb"(?m)^\.")
_LINE_ENDING = re.compile(rb"\r\n|\n|\r")


def _data_lines(body: bytes) -> bytes:
    """The body as DATA carries it: CRLF line endings, leading dots doubled, ending in CRLF."""
    lines = _LINE_START_DOT.sub(b"..", _LINE_ENDING.sub(b"\r\n", body))
    return lines if lines.endswith(b"\r\n") else lines + b"\r\n"


_ENHANCED_STATUS = re.compile(r"^\s*([245]\.\d{1,3}\.\d{1,3})(?!\S)")


def reply_code(code: int, text: str) -> str:
    """What is kept of an SMTP reply: its code and enhanced status code (RFC 3463), e.g.
    `550 5.1.1`, never its text, which often repeats the address (`<ann@example.org>: no such
    user`) and would carry it into the delivery log, the suppressions and `notification.failed`."""
    enhanced = _ENHANCED_STATUS.match(text)
    return f"{code} {enhanced.group(1)}" if enhanced else str(code)


def _classified(code: int, text: str) -> TemporaryDeliveryError | PermanentDeliveryError:
    reason = reply_code(code, text)
    if 400 <= code < 500:
        return TemporaryDeliveryError(reason, code=code)
    return PermanentDeliveryError(reason, code=code)
