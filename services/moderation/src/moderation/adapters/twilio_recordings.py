"""Fetching a finished recording from Twilio: its `RecordingUrl` with `.wav`, with HTTP Basic auth
(the account's SID and auth token), only from under `twilio_api_url`: the URL comes in a signed
callback, and is checked all the same before any credentials are sent to it."""

import httpx

from moderation.domain.voice import RecordingFetchError

MAX_WAV_BYTES = 8 * 1024 * 1024
"""Three minutes at 8 kHz 16-bit mono is 2.9 MB; this leaves room for a stereo or 16 kHz file."""


class TwilioRecordings:
    """The `RecordingFetcher` of the voice line."""

    def __init__(
        self, *, api_url: str, account_sid: str, auth_token: str, timeout: float = 30.0
    ) -> None:
        self.api_url = api_url.rstrip("/") + "/"
        self.auth = httpx.BasicAuth(account_sid, auth_token)
        self.timeout = timeout

    async def fetch(self, recording_url: str) -> bytes:
        if not recording_url.startswith(self.api_url):
            raise RecordingFetchError("the recording is not at the Twilio API's address")
        async with (
            httpx.AsyncClient(timeout=self.timeout, follow_redirects=False) as client,
            client.stream("GET", recording_url + ".wav", auth=self.auth) as response,
        ):
            if response.status_code != httpx.codes.OK:
                raise RecordingFetchError(f"fetching the recording answered {response.status_code}")
            wav = bytearray()
            async for chunk in response.aiter_bytes():
                wav += chunk
                if len(wav) > MAX_WAV_BYTES:
                    raise RecordingFetchError("the recording is larger than any call can make")
        if not (wav[:4] == b"RIFF" and wav[8:12] == b"WAVE"):
            raise RecordingFetchError("the recording is not a WAV file")
        return bytes(wav)
