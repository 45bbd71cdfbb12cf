"""The local SMS sink of `make run` and the tests: GOV.UK Notify's and Twilio's APIs, as far as
notifications uses them, on 127.0.0.1 (SMS_SINK_PORT, 8026 under make run), with an inbox page.

It keeps every text it accepts (`texts`; `arrived`, when the first text to each number came, for
benchmarks), writes each to var/sms/ as JSON, and then tells notifications it was delivered, in
the provider's shape (`shape`): a receipt to its /sms/receipts. `reply(from_phone, body)`, and
the page's "Reply from this phone" form, text the coalition's number: a call to notifications'
/sms/inbound in the provider's shape, with a valid token or signature.

For the fault tests: `fail(phone, how)` makes one number fail ("refused": the API refuses it for
good; "unavailable": the API answers 503, `times` times or until `mend`; "undelivered": accepted,
then a failed receipt), and `delay_seconds` holds each answer that long after the text is kept,
as a provider that got a text but whose answer was lost.
"""

import asyncio
import json
import socket
import threading
import time
import uuid
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI
from together_contracts.texts import normalised_phone

from together_kit.dev import smsshapes
from together_kit.dev.smsapi import api_router
from together_kit.dev.smspage import inbox_router
from together_kit.dev.smsshapes import Failure, Reply, Shape, Text

DEVELOPMENT_NOTIFY_API_KEY = (
    "together_dev-00000000-0000-4000-8000-000000000000-00000000-0000-4000-8000-000000000000"
)
DEVELOPMENT_TOKEN = "development-only-sms-token"  # noqa: S105 (the sink's own, for the tests)
DEVELOPMENT_TWILIO_SID = "AC" + "0" * 32
NOTIFY_TEMPLATE_ID = "00000000-0000-4000-8000-0000000005e5"
"""The sink's one template, `((body))`: it takes any id."""


class SmsSink:
    def __init__(
        self,
        *,
        folder: Path,
        port: int = 0,
        shape: Shape = "notify",
        notifications_url: str | None = None,
        number: str = "+447700900000",
        notify_api_key: str = DEVELOPMENT_NOTIFY_API_KEY,
        notify_callback_token: str = DEVELOPMENT_TOKEN,
        twilio_account_sid: str = DEVELOPMENT_TWILIO_SID,
        twilio_auth_token: str = DEVELOPMENT_TOKEN,
    ) -> None:
        self.folder = folder
        self.port = port
        self.shape: Shape = shape
        self.notifications_url = notifications_url
        """Where notifications listens (its /sms/inbound and, for Notify, /sms/receipts); none:
        no receipts unless a text names its own (Twilio's StatusCallback), and no replies."""
        self.number = number
        self.notify_api_key = notify_api_key
        self.notify_callback_token = notify_callback_token
        self.twilio_account_sid = twilio_account_sid
        self.twilio_auth_token = twilio_auth_token
        self.texts: list[Text] = []
        self.arrived: dict[str, float] = {}
        self.replies: list[Reply] = []
        self.delay_seconds = 0.0
        self.most_at_once = 0
        """The most texts the sink was answering at once (each held `delay_seconds`)."""
        self._at_once = 0
        self.failing: dict[str, tuple[Failure, int | None]] = {}
        self._server: BackgroundServer | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def notifications_env(self) -> dict[str, str]:
        """notifications' settings (environment variables) for texting through this sink in
        its shape, and for checking the calls it makes."""
        env = {
            "NOTIFICATIONS_SMS_PROVIDER": self.shape,
            "NOTIFICATIONS_SMS_API_URL": self.url,
            "NOTIFICATIONS_NOTIFY_API_KEY": self.notify_api_key,
            "NOTIFICATIONS_NOTIFY_TEMPLATE_ID": NOTIFY_TEMPLATE_ID,
            "NOTIFICATIONS_NOTIFY_CALLBACK_TOKEN": self.notify_callback_token,
            "NOTIFICATIONS_TWILIO_ACCOUNT_SID": self.twilio_account_sid,
            "NOTIFICATIONS_TWILIO_AUTH_TOKEN": self.twilio_auth_token,
        }
        return env | {"NOTIFICATIONS_SMS_FROM": self.number if self.shape == "twilio" else ""}

    def texts_to(self, phone: str) -> list[Text]:
        number = normalised_phone(phone)
        return [text for text in self.texts if text.to == number]

    def fail(self, phone: str, how: Failure = "refused", *, times: int | None = None) -> None:
        self.failing[normalised_phone(phone)] = (how, times)

    def mend(self, phone: str) -> None:
        self.failing.pop(normalised_phone(phone), None)

    def failure(self, to: str) -> Failure | None:
        """How a text to `to` fails now, counting down a failure given `times`."""
        how, times = self.failing.get(to, (None, None))
        if how is not None and times is not None:
            if times <= 1:
                del self.failing[to]
            else:
                self.failing[to] = (how, times - 1)
        return how

    async def keep(self, text: Text) -> None:
        """Keep an accepted text, and have its receipt posted once the API has answered."""
        self.texts.append(text)
        self.arrived.setdefault(text.to, time.perf_counter())
        self.folder.mkdir(parents=True, exist_ok=True)
        record = {**asdict(text), "created": text.created.isoformat(), "segments": text.segments}
        (self.folder / f"{len(self.texts):05d}.json").write_text(json.dumps(record, indent=1))
        task = asyncio.create_task(self._receipt(text))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        self._at_once += 1
        self.most_at_once = max(self.most_at_once, self._at_once)
        try:
            await asyncio.sleep(self.delay_seconds)
        finally:
            self._at_once -= 1

    async def reply(self, from_phone: str, body: str) -> Reply:
        """Text the coalition's number from `from_phone`: notifications' /sms/inbound called as
        the provider would; what it answered is kept in `replies` and returned."""
        if self.notifications_url is None:
            raise RuntimeError("the SMS sink has no notifications_url to text")
        sender = normalised_phone(from_phone)
        url = f"{self.notifications_url.rstrip('/')}/sms/inbound"
        if self.shape == "notify":
            call = smsshapes.notify_callback(
                url,
                token=self.notify_callback_token,
                data={
                    "id": str(uuid.uuid4()),
                    "source_number": sender.removeprefix("+"),
                    "destination_number": self.number.removeprefix("+"),
                    "message": body,
                    "date_received": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
                },
            )
        else:
            sid = f"SM{uuid.uuid4().hex}"
            params = {"MessageSid": sid, "SmsSid": sid, "AccountSid": self.twilio_account_sid}
            params |= {"From": sender, "To": self.number, "Body": body, "NumMedia": "0"}
            params |= {"NumSegments": str(smsshapes.segments(body)), "ApiVersion": "2010-04-01"}
            call = smsshapes.twilio_callback(url, auth_token=self.twilio_auth_token, params=params)
        status, answer = await _post(call)
        reply = Reply(sender=sender, body=body, status=status, answer=answer)
        self.replies.append(reply)
        return reply

    async def _receipt(self, text: Text) -> None:
        await asyncio.sleep(0)  # after the API's answer
        failed = text.status == "failed"
        if self.shape == "notify" and self.notifications_url:
            url = f"{self.notifications_url.rstrip('/')}/sms/receipts"
            status = "permanent-failure" if failed else "delivered"
            data = {"id": text.id, "reference": text.reference, "to": text.to, "status": status}
            data |= {"created_at": text.created.isoformat(), "notification_type": "sms"}
            call = smsshapes.notify_callback(url, token=self.notify_callback_token, data=data)
        elif self.shape == "twilio" and text.status_callback:
            status = "undelivered" if failed else "delivered"
            params = {"MessageSid": text.id, "SmsSid": text.id, "MessageStatus": status}
            params |= {"SmsStatus": status, "To": text.to, "From": self.number}
            params |= {"AccountSid": self.twilio_account_sid, "ApiVersion": "2010-04-01"}
            if failed:
                params["ErrorCode"] = "30005"
            call = smsshapes.twilio_callback(
                text.status_callback, auth_token=self.twilio_auth_token, params=params
            )
        else:
            text.status = "failed" if failed else "delivered"
            return
        text.status = "failed" if failed else "delivered"
        status_code, answer = await _post(call)
        text.receipt = f"{status_code} {answer[:100]}".strip()

    def app(self) -> FastAPI:
        """The two providers' APIs and the inbox page."""
        app = FastAPI(title="local SMS", docs_url=None, redoc_url=None, openapi_url=None)
        app.include_router(api_router(self))
        app.include_router(inbox_router(self))
        return app

    def start(self, sock: socket.socket | None = None) -> None:
        """Serve the API and the page from a thread of its own, on `sock` if given (make run
        opens it early), else on 127.0.0.1:`port` (0: a free port, then `port` says which)."""
        self._server = BackgroundServer(self.app())
        self.port = self._server.start(sock or listening(self.port))

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()


class BackgroundServer:
    """A FastAPI app served by uvicorn from a thread of its own, beside whatever event loop the
    caller runs (a test's, or none)."""

    def __init__(self, app: FastAPI) -> None:
        config = uvicorn.Config(app, log_level="warning", lifespan="off", loop="asyncio")
        self.server = uvicorn.Server(config)
        self.thread: threading.Thread | None = None

    def start(self, sock: socket.socket) -> int:
        """Serve on `sock` once it is ready; its port."""
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, name="sms-sink", daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"nothing served on {sock.getsockname()}")
            time.sleep(0.01)
        return int(sock.getsockname()[1])

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout=5)


def listening(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1:`port` (0: a free one)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(128)
    return sock


async def _post(call: smsshapes.Callback) -> tuple[int, str]:
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.post(call.url, content=call.content, headers=call.headers)
    except httpx.HTTPError as error:
        return 0, f"not reached: {error!r}"
    return response.status_code, response.text
