"""The local SMTP sink of `make run`: keeps what notifications sends and lists it on a web page.

SMTP on 127.0.0.1:1025 and a web inbox on http://127.0.0.1:8025 under `make run` (its settings
MAIL_SMTP_PORT and MAIL_PAGE_PORT; tests use free ports), like mailpit in docker compose,
so a person trying the system can open the confirmation email and follow its link. Messages are
also written to var/mail/ as .eml files.
"""

import asyncio
import email
import email.policy
import html
import re
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from fastapi import FastAPI, HTTPException
from fastapi.responses import HTMLResponse

URL = re.compile(r"https?://[^\s<>\"']+")
PAGE = """<!doctype html><html lang="en"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>body{{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;
padding:0 1rem;line-height:1.5}}td,th{{padding:.3rem .6rem;text-align:left;vertical-align:top}}
pre{{white-space:pre-wrap;overflow-wrap:anywhere}}</style><h1>{title}</h1>{body}</html>"""


class MailSink:
    """Keeps every message it accepts (`messages`), and when the first one to each recipient
    arrived (`arrived`, `time.perf_counter()` seconds, lower-cased address: for benchmarks).

    `delay_seconds` holds each message that long before accepting it: a slow server, for the
    fault scenarios."""

    def __init__(self, *, folder: Path, smtp_port: int) -> None:
        self.folder = folder
        self.smtp_port = smtp_port
        self.messages: list[EmailMessage] = []
        self.arrived: dict[str, float] = {}
        self.delay_seconds = 0.0
        self._controller: Controller | None = None

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        raw: bytes = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        now = time.perf_counter()
        for address in envelope.rcpt_tos:
            self.arrived.setdefault(str(address).lower(), now)
        self.messages.append(message)
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{len(self.messages):05d}.eml").write_bytes(raw)
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.smtp_port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()

    def app(self, *, join_url: str = "http://127.0.0.1:8001/join") -> FastAPI:
        """The inbox page; an empty inbox points at `join_url` (signups' join form)."""
        app = FastAPI(title="local mail", docs_url=None, redoc_url=None, openapi_url=None)

        @app.get("/", response_class=HTMLResponse)
        async def inbox() -> str:
            rows = "".join(
                f"<tr><td>{n}</td><td>{html.escape(str(m['To']))}</td>"
                f"<td><a href='/messages/{n}'>{html.escape(str(m['Subject']))}</a></td></tr>"
                for n, m in reversed(list(enumerate(self.messages, 1)))
            )
            table = f"<table><tr><th>#</th><th>to</th><th>subject</th></tr>{rows}</table>"
            link = html.escape(join_url)
            empty = f"<p>Nothing yet. Join at <a href='{link}'>{link}</a> and refresh.</p>"
            return PAGE.format(title="Local mail", body=table if rows else empty)

        @app.get("/messages/{number}", response_class=HTMLResponse)
        async def message(number: int) -> str:
            if not 1 <= number <= len(self.messages):
                raise HTTPException(404, "No such message.")
            found = self.messages[number - 1]
            part = found.get_body(preferencelist=("plain", "html"))
            text = part.get_content() if part is not None else ""
            linked = URL.sub(lambda m: f"<a href='{m[0]}'>{m[0]}</a>", html.escape(text))
            header = html.escape(f"To: {found['To']}\nFrom: {found['From']}")
            body = f"<pre>{header}</pre><pre>{linked}</pre><p><a href='/'>Back</a></p>"
            return PAGE.format(title=html.escape(str(found["Subject"])), body=body)

        return app
