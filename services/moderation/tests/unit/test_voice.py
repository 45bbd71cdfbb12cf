"""The voice line without I/O: Twilio's request signature, the TwiML a caller hears (English and
Welsh), and the rules of deciding a recording (published only as the moderator's typed text)."""

import io
import wave
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from moderation.adapters.transcriber import MODEL_RATE, mono_16k
from moderation.domain.decisions import Action, Moderator
from moderation.domain.items import (
    Item,
    Kind,
    RecordingDetails,
    Status,
    StoryDetails,
    TranscriptMissingError,
)
from moderation.domain.voice import WORDS, line_language
from moderation.entrypoints import voice
from moderation.handlers.recordings import VoiceLine
from moderation.settings import Settings
from together_contracts import phone_digest
from together_kit.twilio import twilio_signature

pytestmark = pytest.mark.unit

TOKEN = "a-test-auth-token-of-thirty-two-chars"
SID = "AC" + "1" * 32
BASE = "https://moderation.example"
NOW = datetime(2026, 7, 5, 10, tzinfo=UTC)
ANN = Moderator("ann")


def test_the_line_is_welsh_by_its_number_or_its_address() -> None:
    welsh = ("+44 29 2000 0000",)
    assert line_language(asked=None, called="+442920000000", welsh_numbers=welsh) == "cy"
    assert line_language(asked="cy", called="+441610000000", welsh_numbers=welsh) == "cy"
    assert line_language(asked=None, called="+441610000000", welsh_numbers=welsh) == "en"
    assert line_language(asked="fr", called="", welsh_numbers=()) == "en"


class NoFetch:
    async def fetch(self, recording_url: str) -> bytes:
        raise AssertionError("the greeting fetches nothing")


@pytest.fixture
def line() -> Iterator[TestClient]:
    app = FastAPI()
    app.include_router(voice.router)
    app.state.voice = VoiceLine(
        auth_token=TOKEN,
        account_sid=SID,
        public_base_url=BASE,
        welsh_numbers=("+442920000000",),
        fetcher=NoFetch(),
        transcriber=None,
        erasure_key=b"k" * 32,
    )
    with TestClient(app, base_url=BASE) as client:
        yield client


def post(client: TestClient, path: str, form: dict[str, str], *, token: str = TOKEN) -> ET.Element:
    response = client.post(
        path,
        data=form,
        headers={
            "X-Twilio-Signature": twilio_signature(token, url=BASE + path, params=form.items())
        },
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    return ET.fromstring(response.content)  # noqa: S314 (the app's own TwiML)


def call(to: str = "+441610000000") -> dict[str, str]:
    return {"AccountSid": SID, "CallSid": "CA" + "2" * 32, "From": "+447700900123", "To": to}


def test_the_greeting_then_a_recording_of_three_minutes(line: TestClient) -> None:
    answer = post(line, "/voice/incoming", call())
    say, record, goodbye, hangup = list(answer)
    assert (say.tag, say.get("language"), say.text) == ("Say", "en-GB", WORDS["en"].greeting)
    assert "lived through lockdown" in (say.text or "")
    assert record.tag == "Record"
    assert record.get("maxLength") == "180"
    assert record.get("playBeep") == "true"
    action, status = (
        urlsplit(record.get("action", "")),
        urlsplit(record.get("recordingStatusCallback", "")),
    )
    assert (action.path, status.path) == ("/voice/recorded", "/voice/recording-status")
    about = parse_qs(status.query)
    assert about["lang"] == ["en"]
    assert about["caller"] == [phone_digest("07700 900123", key=b"k" * 32)], "its digest only"
    assert "7700" not in ET.tostring(answer).decode(), "the number itself never"
    assert (goodbye.tag, hangup.tag) == ("Say", "Hangup")


def test_a_welsh_line_greets_in_welsh_and_keeps_its_language(line: TestClient) -> None:
    for answer in (
        post(line, "/voice/incoming", call(to="+442920000000")),
        post(line, "/voice/incoming?lang=cy", call()),
    ):
        say, record, *_ = list(answer)
        assert (say.get("language"), say.text) == ("cy-GB", WORDS["cy"].greeting)
        assert parse_qs(urlsplit(record.get("recordingStatusCallback", "")).query)["lang"] == ["cy"]
    thanks = post(line, "/voice/recorded?lang=cy", {**call(), "RecordingSid": "RE1"})
    assert [verb.tag for verb in thanks] == ["Say", "Hangup"]
    assert thanks[0].text == WORDS["cy"].thanks


@pytest.mark.parametrize("path", ["/voice/incoming", "/voice/recorded", "/voice/recording-status"])
def test_a_forged_or_missing_signature_is_refused(line: TestClient, path: str) -> None:
    form = call()
    forged = twilio_signature("not-the-token", url=BASE + path, params=form.items())
    assert line.post(path, data=form, headers={"X-Twilio-Signature": forged}).status_code == 403
    assert line.post(path, data=form).status_code == 403
    other_account = {**form, "AccountSid": "AC" + "9" * 32}
    signed = twilio_signature(TOKEN, url=BASE + path, params=other_account.items())
    assert (
        line.post(path, data=other_account, headers={"X-Twilio-Signature": signed}).status_code
        == 403
    )


def test_the_line_is_not_there_when_it_is_off() -> None:
    app = FastAPI()
    app.include_router(voice.router)
    with TestClient(app) as client:
        assert client.post("/voice/incoming", data=call()).status_code == 404


def recording(draft: str = "we clapped on thursdays") -> Item:
    details = RecordingDetails(prompt="lockdown", consent_to_publish=True, recording_sid="RE1")
    return Item(
        kind=Kind.RECORDING,
        title=WORDS["en"].title,
        text=draft,
        region="",
        created_at=NOW,
        details=details,
    )


def test_a_recording_is_approved_only_with_the_moderators_text() -> None:
    item = recording()
    item.take_claim(ANN, NOW)
    with pytest.raises(TranscriptMissingError):
        item.approve(ANN, NOW)  # as sent (and so in bulk): the draft is never published unread
    with pytest.raises(TranscriptMissingError):
        item.approve(ANN, NOW, redacted_text="  \n", redacted_title="Thursdays")
    assert item.open


def test_an_approved_recording_is_a_story_of_the_typed_text() -> None:
    item = recording()
    item.take_claim(ANN, NOW)
    decision = item.approve(
        ANN, NOW, redacted_text="We clapped on Thursdays.", redacted_title="Thursdays"
    )
    assert decision.action is Action.APPROVE_WITH_REDACTIONS
    assert decision.before == "we clapped on thursdays", "the draft stays in the audit"
    assert (item.kind, item.status) == (Kind.STORY, Status.APPROVED)
    assert type(item.details) is StoryDetails
    assert (item.published_title, item.published_text) == ("Thursdays", "We clapped on Thursdays.")
    assert item.extra["told_by"] == "phone"


def wav(rate: int, channels: int, seconds: float) -> bytes:
    frames = np.zeros(int(rate * seconds) * channels, dtype="<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as audio:
        audio.setnchannels(channels)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        audio.writeframes(frames.tobytes())
    return out.getvalue()


@pytest.mark.parametrize(("rate", "channels"), [(8000, 1), (8000, 2), (22050, 1), (16000, 1)])
def test_recordings_are_read_as_one_channel_at_the_models_rate(rate: int, channels: int) -> None:
    samples = mono_16k(wav(rate, channels, 1.5))
    assert abs(samples.size - int(1.5 * MODEL_RATE)) <= 1
    assert samples.dtype == np.dtype("<i2")


def test_production_refuses_the_placeholder_twilio_account_with_the_line_on() -> None:
    real = {
        "secret_key": "s" * 40,
        "erasure_key": "e" * 40,
        "site_key": "k" * 40,
        "staff_pass_secret": "p" * 40,
    }
    with pytest.raises(ValueError, match="MODERATION_TWILIO_AUTH_TOKEN"):
        Settings(environment="production", voice_enabled=True, **real)
    with pytest.raises(ValueError, match="MODERATION_TWILIO_AUTH_TOKEN"):
        Settings(
            environment="production",
            voice_enabled=True,
            twilio_account_sid=SID,
            twilio_auth_token="short",
            **real,
        )
    Settings(environment="production", voice_enabled=False, **real)
    Settings(
        environment="production",
        voice_enabled=True,
        twilio_account_sid=SID,
        twilio_auth_token=TOKEN,
        **real,
    )
    assert Settings().recording_retention_days == 30
