"""A call simulator for moderation's voice line: plays Twilio, so `make run` and the tests can tell a
story by phone without a phone or a network.

For one call it posts `/voice/incoming` as Twilio would, reads the TwiML it answers, then, as if the
caller had spoken after the tone, keeps the WAV where the recording's `RecordingUrl` points (under
its own address, behind HTTP Basic auth with the account's SID and token, as Twilio's API is),
posts the `<Record>`'s action and its `recordingStatusCallback` (completed). Every request is
signed with `X-Twilio-Signature` as Twilio signs it. The audio is a WAV given, or text spoken by
espeak-ng where it is installed (`spoken`).

Under `make run` a page (`app`) offers "Simulate a phone call": paste text or upload a WAV.
"""

import asyncio
import base64
import contextlib
import hmac
import html
import io
import secrets
import shutil
import socket
import subprocess
import tempfile
import wave
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal
from xml.etree import ElementTree as ET

import httpx
import uvicorn
from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from together_kit.dev.smssink import BackgroundServer
from together_kit.twilio import twilio_signature

Language = Literal["en", "cy"]
ESPEAK_VOICES: dict[Language, str] = {"en": "en-gb", "cy": "cy"}
CALLER = "+447700900123"
"""A number from Ofcom's range for drama (07700 900000 to 900999): never a real person's."""
LINE = "+443069990000"
"""The coalition's line as the simulator dials it (Ofcom's drama range for 0306)."""
PAGE = """<!doctype html><html lang="en"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Simulate a phone call</title><style>body{{font-family:system-ui,sans-serif;max-width:46rem;
margin:2rem auto;padding:0 1rem;line-height:1.5}}textarea{{width:100%}}label{{display:block;
margin-top:1rem;font-weight:600}}</style><h1>Simulate a phone call</h1>{body}</html>"""


def speech_available() -> bool:
    return shutil.which("espeak-ng") is not None


def spoken(text: str, *, language: Language = "en") -> bytes:
    """`text` spoken by espeak-ng as a WAV (16-bit mono); `RuntimeError` if it is not installed."""
    program = shutil.which("espeak-ng")
    if program is None:
        raise RuntimeError("espeak-ng is not installed: upload a WAV instead")
    with tempfile.TemporaryDirectory(prefix="together-call-") as folder:
        path = Path(folder) / "speech.wav"
        subprocess.run(
            [program, "-v", ESPEAK_VOICES[language], "-w", str(path), "--", text],
            capture_output=True,
            check=True,
            timeout=60,
        )
        return path.read_bytes()


@dataclass
class Call:
    """What happened on one simulated call."""

    call_sid: str
    greeting: str = ""
    recording_sid: str = ""
    goodbye: str = ""
    status_answer: int = 0
    """What moderation answered the recording's status callback (204 when it took it)."""
    answers: list[int] = field(default_factory=list)


@dataclass
class CallSimulator:
    """Twilio's side of calls to moderation's voice line at `moderation_url`.

    `api_url` is where its recordings are served (set by `serving` or `serve_in_thread`; give it
    to moderation as `MODERATION_TWILIO_API_URL`). `http` reaches moderation (tests pass one on
    the app itself)."""

    moderation_url: str
    account_sid: str
    auth_token: str
    http: httpx.AsyncClient | None = None
    caller: str = CALLER
    line: str = LINE
    api_url: str = ""
    recordings: dict[str, bytes] = field(default_factory=dict)
    failing: dict[str, list[int]] = field(default_factory=dict)
    """Statuses the next fetches of a recording get before its audio (tests: Twilio's bad moment)."""
    fetches: Counter[str] = field(default_factory=Counter)
    calls: list[Call] = field(default_factory=list)
    _server: BackgroundServer | None = field(default=None, repr=False)

    async def call(self, wav: bytes, *, language: Language = "en", seconds: int = 0) -> Call:
        """One call: the greeting, the recording `wav`, the goodbye and the status callback."""
        call = Call(call_sid="CA" + secrets.token_hex(16))
        self.calls.append(call)
        base = self.moderation_url.rstrip("/")
        first = f"{base}/voice/incoming" + ("?lang=cy" if language == "cy" else "")
        about_call = {
            "AccountSid": self.account_sid,
            "CallSid": call.call_sid,
            "From": self.caller,
            "To": self.line,
            "Direction": "inbound",
            "ApiVersion": "2010-04-01",
        }
        greeting = await self._post(call, first, {**about_call, "CallStatus": "ringing"})
        record = greeting.find("Record")
        call.greeting = next((say.text or "" for say in greeting.iter("Say")), "")
        if record is None:
            return call
        call.recording_sid = "RE" + secrets.token_hex(16)
        self.recordings[call.recording_sid] = wav
        recording = {
            "RecordingSid": call.recording_sid,
            "RecordingUrl": self.recording_url(call.recording_sid),
            "RecordingDuration": str(seconds or wav_seconds(wav)),
        }
        action = record.get("action") or f"{base}/voice/recorded"
        done = {**about_call, **recording, "CallStatus": "in-progress", "Digits": "#"}
        goodbye = await self._post(call, action, done)
        call.goodbye = " ".join(say.text or "" for say in goodbye.iter("Say"))
        status_url = record.get("recordingStatusCallback") or f"{base}/voice/recording-status"
        finished = {
            "AccountSid": self.account_sid,
            "CallSid": call.call_sid,
            **recording,
            "RecordingStatus": "completed",
            "RecordingChannels": "1",
            "RecordingSource": "RecordVerb",
        }
        call.status_answer = await self.post_signed(status_url, finished)
        call.answers.append(call.status_answer)
        return call

    def recording_url(self, recording_sid: str) -> str:
        return f"{self.api_url}/2010-04-01/Accounts/{self.account_sid}/Recordings/{recording_sid}"

    async def post_signed(self, url: str, form: dict[str, str], *, token: str = "") -> int:
        """POST `form` to `url` signed as Twilio would (with `token`, to forge one); the status."""
        response = await self._send(url, form, token=token)
        return response.status_code

    async def _post(self, call: Call, url: str, form: dict[str, str]) -> ET.Element:
        response = await self._send(url, form)
        call.answers.append(response.status_code)
        if response.status_code != httpx.codes.OK:
            return ET.Element("Response")
        return ET.fromstring(response.content)  # noqa: S314 (TwiML from the local service)

    async def _send(self, url: str, form: dict[str, str], *, token: str = "") -> httpx.Response:
        signature = twilio_signature(token or self.auth_token, url=url, params=list(form.items()))
        headers = {"X-Twilio-Signature": signature}
        if self.http is not None:
            return await self.http.post(url, data=form, headers=headers)
        async with httpx.AsyncClient(timeout=60) as http:
            return await http.post(url, data=form, headers=headers)

    def app(self, *, queue_url: str = "") -> FastAPI:
        """The recordings Twilio's API would serve, and the "Simulate a phone call" page."""
        app = FastAPI(title="call simulator", docs_url=None, redoc_url=None, openapi_url=None)

        @app.get("/2010-04-01/Accounts/{account_sid}/Recordings/{recording_sid}.wav")
        async def recording(account_sid: str, recording_sid: str, request: Request) -> Response:
            expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
            given = request.headers.get("authorization", "")
            if not hmac.compare_digest(given.encode(), f"Basic {expected}".encode()):
                raise HTTPException(401, "Twilio's API wants the account's SID and auth token.")
            if account_sid != self.account_sid or recording_sid not in self.recordings:
                raise HTTPException(404, "No such recording.")
            self.fetches[recording_sid] += 1
            if failures := self.failing.get(recording_sid):
                raise HTTPException(failures.pop(0), "Twilio is having a bad moment.")
            return Response(self.recordings[recording_sid], media_type="audio/wav")

        @app.get("/", response_class=HTMLResponse)
        async def page() -> str:
            return PAGE.format(body=form_html(queue_url))

        @app.post("/calls", response_class=HTMLResponse)
        async def place_call(
            text: Annotated[str, Form()] = "",
            language: Annotated[Language, Form()] = "en",
            wav: Annotated[UploadFile | None, File()] = None,
        ) -> str:
            audio = await wav.read() if wav is not None else b""
            if not audio and not text.strip():
                return PAGE.format(body="<p>Paste some text or choose a WAV.</p>" + form_html(""))
            if not audio:
                audio = await asyncio.to_thread(spoken, text, language=language)
            call = await self.call(audio, language=language)
            said = html.escape(call.greeting)
            outcome = (
                f"<p>Moderation heard: <q>{said}</q></p><p>Recording {call.recording_sid}: "
                f"the status callback was answered {call.status_answer}.</p>"
            )
            return PAGE.format(body=outcome + form_html(queue_url))

        return app

    @contextlib.asynccontextmanager
    async def serving(self) -> AsyncIterator["CallSimulator"]:
        """Serve the recordings on a free local port for the `async with` block (tests); the
        socket listens before the server starts, so a request made at once waits for it."""
        sock = listening_socket(0)
        self.api_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        server = uvicorn.Server(uvicorn.Config(self.app(), log_level="warning", lifespan="off"))
        task = asyncio.create_task(server.serve(sockets=[sock]))
        try:
            yield self
        finally:
            server.should_exit = True
            await task
            sock.close()

    def start(self, sock: socket.socket, *, queue_url: str = "") -> None:
        """Serve the page and the recordings on `sock` from a thread of its own (`make run`);
        `queue_url` is the moderators' queue the page points at."""
        self.api_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self._server = BackgroundServer(self.app(queue_url=queue_url))
        self._server.start(sock)

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()


def form_html(queue_url: str) -> str:
    speech = "" if speech_available() else " (espeak-ng is not installed: upload a WAV)"
    queue = f"<p>Then listen in the <a href='{html.escape(queue_url)}'>queue</a>.</p>"
    return (
        "<form method='post' action='/calls' enctype='multipart/form-data'>"
        f"<label for='text'>What the caller says{speech}</label>"
        "<textarea id='text' name='text' rows='6'></textarea>"
        "<label for='wav'>Or a recording (WAV)</label>"
        "<input id='wav' name='wav' type='file' accept='audio/wav'>"
        "<label for='language'>The line</label><select id='language' name='language'>"
        "<option value='en'>English</option><option value='cy'>Cymraeg (Welsh)</option>"
        "</select><p><button type='submit'>Call</button></p></form>" + (queue if queue_url else "")
    )


def wav_seconds(wav: bytes) -> int:
    """A WAV's length in whole seconds (0 when its header cannot be read)."""
    try:
        with wave.open(io.BytesIO(wav)) as audio:
            return max(1, int(audio.getnframes() // audio.getframerate()))
    except (wave.Error, EOFError):
        return 0


def listening_socket(port: int) -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(64)
    return sock
