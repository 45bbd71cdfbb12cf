"""Fetching a finished recording from Twilio: its `RecordingUrl` with `.wav`, with HTTP Basic auth
(the account's SID and auth token), only from under `twilio_api_url`: the URL comes in a signed
callback, and is checked all the same before any credentials are sent to it.

Twilio calls back once per recording and does not call again when the answer is an error, so a
moment's trouble on its side (a 5xx or 429, a timeout, a dropped connection) is tried again here
(stamina: exponential backoff with jitter; each retry is logged as `stamina.retry_scheduled`) while
Twilio still waits for the answer; anything else (a 4xx, not a WAV, too large) fails at once."""

import httpx
import stamina

from moderation.domain.voice import RecordingFetchError

MAX_WAV_BYTES = 8 * 1024 * 1024
"""Three minutes at 8 kHz 16-bit mono is 2.9 MB; this leaves room for a stereo or 16 kHz file."""
RETRYING = stamina.AsyncRetryingCaller(attempts=3, timeout=8.0, wait_initial=0.5, wait_max=2.0)
"""Three tries at most, no new one after 8 s: Twilio waits 15 s for the callback's answer."""


class TwilioUnavailableError(RecordingFetchError):
    """Twilio's API failed to answer this time; trying again may work."""


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
        wav = await RETRYING(TwilioUnavailableError, self._download, recording_url + ".wav")
        if not (wav[:4] == b"RIFF" and wav[8:12] == b"WAVE"):
            raise RecordingFetchError("the recording is not a WAV file")
        return wav

    async def _download(self, url: str) -> bytes:
        try:
            async with (
                httpx.AsyncClient(timeout=self.timeout, follow_redirects=False) as client,
                client.stream("GET", url, auth=self.auth) as response,
            ):
                if response.status_code >= 500 or response.status_code == 429:
                    raise TwilioUnavailableError(
                        f"fetching the recording answered {response.status_code}"
                    )
                if response.status_code != httpx.codes.OK:
                    raise RecordingFetchError(
                        f"fetching the recording answered {response.status_code}"
                    )
                wav = bytearray()
                async for chunk in response.aiter_bytes():
                    wav += chunk
                    if len(wav) > MAX_WAV_BYTES:
                        raise RecordingFetchError("the recording is larger than any call can make")
        except httpx.TransportError as error:  # timeouts too
            raise TwilioUnavailableError(f"fetching the recording failed: {error!r}") from error
        return bytes(wav)
