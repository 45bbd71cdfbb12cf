"""A draft transcript of an English recording, by pocketsphinx's bundled US English model, offline.

The model is 16 kHz; recordings (8 kHz from Twilio, any rate from the simulator) are mixed down to
one channel and resampled to it first. Recognition is plain CPU work, about a third of the
recording's length on a free core, run in a thread of its own (one at a time) so the event loop
keeps answering; it runs after the call (handlers.drafts), never in Twilio's webhook.
A draft is rough: the moderator listens and corrects it before anything is published.
"""

import asyncio
import io
import wave
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import structlog

log = structlog.get_logger("moderation.transcriber")
MODEL_RATE = 16_000
CHUNK_BYTES = MODEL_RATE * 2
"""The audio is fed a second at a time, as a live stream is: whole three-minute utterances
(`full_utt`) took six times longer (334 s against 56 s, measured on espeak-ng speech)."""
WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="transcriber")


class SphinxTranscriber:
    """The `Transcriber` of the voice line (English only: there is no Welsh model)."""

    name = "pocketsphinx"

    async def draft(self, wav: bytes) -> str:
        """The words heard in `wav`, or "" when none were (or the audio cannot be read)."""
        return await asyncio.get_running_loop().run_in_executor(WORKER, recognise, wav)


def available_transcriber() -> SphinxTranscriber | None:
    """The recogniser, if pocketsphinx is installed with its model; None otherwise."""
    try:
        import pocketsphinx  # type: ignore[import-untyped]  # noqa: F401 (an optional part)
    except ImportError:
        return None
    return SphinxTranscriber()


def recognise(wav: bytes) -> str:
    from pocketsphinx import Decoder

    try:
        samples = mono_16k(wav)
    except (wave.Error, EOFError, ValueError) as error:
        log.warning("recording unreadable", error=type(error).__name__)
        return ""
    if samples.size == 0:
        return ""
    decoder = Decoder(samprate=MODEL_RATE, loglevel="FATAL")
    decoder.start_utt()
    raw = samples.tobytes()
    for start in range(0, len(raw), CHUNK_BYTES):
        decoder.process_raw(raw[start : start + CHUNK_BYTES], full_utt=False)
    decoder.end_utt()
    found = decoder.hyp()
    return found.hypstr.strip() if found is not None else ""


def mono_16k(wav: bytes) -> np.ndarray:
    """The WAV's 16-bit PCM samples mixed down to one channel at 16 kHz."""
    with wave.open(io.BytesIO(wav)) as audio:
        if audio.getsampwidth() != 2:
            raise ValueError("only 16-bit PCM is read")
        channels, rate = audio.getnchannels(), audio.getframerate()
        frames = np.frombuffer(audio.readframes(audio.getnframes()), dtype="<i2")
    mixed = frames.reshape(-1, channels).mean(axis=1)
    count = int(len(mixed) * MODEL_RATE / rate)
    resampled = np.interp(np.arange(count) * rate / MODEL_RATE, np.arange(len(mixed)), mixed)
    samples: np.ndarray = resampled.astype("<i2")
    return samples
