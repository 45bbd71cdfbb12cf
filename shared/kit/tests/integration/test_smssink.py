"""The local SMS sink over real localhost HTTP: each API's own credentials checked, texts kept
(in order, with their segments, on disk), numbers made to fail, a slow answer, and the inbox
page's reply form reaching notifications' inbound route in the provider's shape."""

import asyncio
import base64
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest
from fastapi import FastAPI, Request, Response
from together_kit.dev.smssink import BackgroundServer, SmsSink, listening
from together_kit.testing.waiting import eventually

pytestmark = pytest.mark.integration
SERVICE, SECRET = str(uuid.uuid4()), str(uuid.uuid4())
KEY = f"together_test-{SERVICE}-{SECRET}"
TOKEN = "callback-token-for-the-sink-tests"
SID = "AC" + "5" * 32


class Notifications:
    """Stands in for notifications' SMS routes: keeps every call it gets."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, str], bytes]] = []
        self.app = FastAPI()

        @self.app.post("/sms/{route}")
        async def route(route: str, request: Request) -> Response:
            self.calls.append((route, dict(request.headers), await request.body()))
            return Response("thanks", status_code=200)


@pytest.fixture
def notifications() -> Iterator[tuple[Notifications, str]]:
    receiver = Notifications()
    server = BackgroundServer(receiver.app)
    port = server.start(listening(0))
    yield receiver, f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def sink(tmp_path: Path, notifications: tuple[Notifications, str]) -> Iterator[SmsSink]:
    sink = SmsSink(
        folder=tmp_path / "sms",
        notifications_url=notifications[1],
        notify_api_key=KEY,
        notify_callback_token=TOKEN,
        twilio_account_sid=SID,
        twilio_auth_token=TOKEN,
    )
    sink.start()
    yield sink
    sink.stop()


def notify_auth(*, secret: str = SECRET, issued: float | None = None) -> dict[str, str]:
    claims = {"iss": SERVICE, "iat": int(time.time() if issued is None else issued)}
    return {"Authorization": f"Bearer {jwt.encode(claims, secret, algorithm='HS256')}"}


def text_for(to: str, body: str = "Hello") -> dict[str, object]:
    return {"phone_number": to, "template_id": str(uuid.uuid4()), "reference": "k1"} | {
        "personalisation": {"body": body}
    }


async def test_notify_takes_only_fresh_tokens_signed_with_its_key(sink: SmsSink) -> None:
    url = f"{sink.url}/v2/notifications/sms"
    async with httpx.AsyncClient() as client:
        forged = await client.post(
            url, json=text_for("07700 900111"), headers=notify_auth(secret=str(uuid.uuid4()))
        )
        stale = await client.post(
            url, json=text_for("07700 900111"), headers=notify_auth(issued=time.time() - 60)
        )
        good = await client.post(
            url, json=text_for("07700 900111", "Croeso"), headers=notify_auth()
        )

    async with httpx.AsyncClient() as client:
        garbled = await client.post(url, content=b"[1, 2", headers=notify_auth())
    assert garbled.status_code == 400
    assert (forged.status_code, stale.status_code, good.status_code) == (403, 403, 201)
    assert forged.json()["errors"][0]["error"] == "AuthError"
    [text] = sink.texts_to("+447700900111")
    assert (text.id, text.body, text.reference) == (good.json()["id"], "Croeso", "k1")
    kept = json.loads((sink.folder / "00001.json").read_text())
    assert (kept["to"], kept["body"], kept["segments"]) == ("+447700900111", "Croeso", 1)


async def test_twilio_takes_only_its_account_and_token(sink: SmsSink) -> None:
    url = f"{sink.url}/2010-04-01/Accounts/{SID}/Messages.json"
    form = {"To": "+447700900222", "From": sink.number, "Body": "Hello"}
    async with httpx.AsyncClient() as client:
        wrong = await client.post(url, data=form, auth=(SID, "not-the-token"))
        other = await client.post(url.replace(SID, "AC" + "6" * 32), data=form, auth=(SID, TOKEN))
        good = await client.post(url, data=form, auth=(SID, TOKEN))
        listed = await client.get(url, params={"To": "+447700900222"}, auth=(SID, TOKEN))

    assert (wrong.status_code, other.status_code, good.status_code) == (401, 401, 201)
    assert wrong.json()["code"] == 20003
    assert good.json()["status"] == "queued"
    assert [m["sid"] for m in listed.json()["messages"]] == [good.json()["sid"]]


async def test_a_number_made_unavailable_fails_as_often_as_told(sink: SmsSink) -> None:
    sink.fail("07700 900333", "unavailable", times=2)
    async with httpx.AsyncClient() as client:
        answers = [
            (
                await client.post(
                    f"{sink.url}/v2/notifications/sms",
                    json=text_for("+447700900333"),
                    headers=notify_auth(),
                )
            ).status_code
            for _ in range(3)
        ]

    assert answers == [503, 503, 201]
    assert len(sink.texts_to("+447700900333")) == 1


async def test_a_slow_answer_comes_after_the_text_is_kept(sink: SmsSink) -> None:
    """A provider that got the text, its answer not yet given: what a crash at hand-over meets."""
    sink.delay_seconds = 1.0
    async with httpx.AsyncClient() as client:
        sending = asyncio.create_task(
            client.post(
                f"{sink.url}/v2/notifications/sms",
                json=text_for("+447700900444"),
                headers=notify_auth(),
            )
        )

        async def kept() -> int:
            return len(sink.texts_to("+447700900444"))

        await eventually(kept, what="the text kept")
        assert not sending.done()
        assert (await sending).status_code == 201


async def test_the_page_shows_each_phones_texts_and_its_reply_reaches_notifications(
    sink: SmsSink, notifications: tuple[Notifications, str]
) -> None:
    async with httpx.AsyncClient(base_url=sink.url) as client:
        await client.post(
            "/v2/notifications/sms",
            json=text_for("+447700900555", "Your place: YES 4KQ"),
            headers=notify_auth(),
        )
        replied = await client.post("/reply", data={"phone": "+447700900555", "body": "YES 4KQ"})
        page = (await client.get("/")).text

    assert replied.status_code == 303
    assert "Your place: YES 4KQ" in page
    assert "1 segment(s), GSM-7" in page
    assert "notifications answered 200 thanks" in page
    [(_, headers, body)] = [call for call in notifications[0].calls if call[0] == "inbound"]
    assert headers["authorization"] == f"Bearer {TOKEN}"
    assert json.loads(body)["source_number"] == "447700900555"
    assert json.loads(body)["message"] == "YES 4KQ"


@pytest.mark.parametrize(
    ("phone", "body", "message"),
    [("+447700900666", " ", "Type the text to send."), ("", "STOP", "Type the phone number")],
)
async def test_the_reply_form_says_what_is_missing_and_sends_nothing(
    sink: SmsSink, notifications: tuple[Notifications, str], phone: str, body: str, message: str
) -> None:
    async with httpx.AsyncClient(base_url=sink.url) as client:
        answer = await client.post("/reply", data={"phone": phone, "body": body})

    assert answer.status_code == 400
    assert message in answer.text
    assert [call for call in notifications[0].calls if call[0] == "inbound"] == []


async def test_a_twilio_shaped_sink_signs_its_replies(
    sink: SmsSink, notifications: tuple[Notifications, str]
) -> None:
    sink.shape = "twilio"

    reply = await sink.reply("07700 900777", "STORY We met at the food bank")

    assert reply.status == 200
    [(_, headers, body)] = [call for call in notifications[0].calls if call[0] == "inbound"]
    assert base64.b64decode(headers["x-twilio-signature"])
    assert b"From=%2B447700900777" in body
