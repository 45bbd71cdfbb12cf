"""The voice line (issue 23): what a caller hears, in English or Welsh. (How a request is known to
come from Twilio: `together_kit.twilio`.)"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

LineLanguage = Literal["en", "cy"]
MAX_RECORDING_SECONDS = 180


class RecordingFetchError(Exception):
    """The recording could not be fetched, or what came back is not a WAV file of a sane size."""


@dataclass(frozen=True)
class Words:
    """What the line says, and the Twilio voice that says it."""

    language: str
    voice: str
    greeting: str
    nothing_heard: str
    thanks: str
    title: str
    """The title a recording is queued under (the moderator may change it before publishing)."""


WORDS: dict[LineLanguage, Words] = {
    "en": Words(
        language="en-GB",
        voice="Polly.Amy",
        greeting=(
            "Thank you for calling together. Tell us how you lived through lockdown, what unites "
            "us or what divides us, after the tone. You have up to three minutes; press any key "
            "when you finish. A moderator listens to your recording and types what you said; "
            "only those words may be published, never your voice or your number."
        ),
        nothing_heard="We did not hear anything. Please call again when you are ready. Goodbye.",
        thanks="Thank you. A moderator will listen to your story soon. Goodbye.",
        title="A story told by phone",
    ),
    "cy": Words(
        language="cy-GB",
        voice="Polly.Gwyneth",
        greeting=(
            "Diolch am ffonio together. Dywedwch wrthym sut y gwnaethoch fyw drwy'r cyfnod clo, "
            "beth sy'n ein huno neu beth sy'n ein rhannu, ar ôl y dôn. Mae gennych hyd at dri "
            "munud; pwyswch unrhyw fotwm pan fyddwch wedi gorffen. Bydd cymedrolwr yn gwrando ar "
            "eich recordiad ac yn teipio'r hyn a ddywedoch; dim ond y geiriau hynny a allai gael "
            "eu cyhoeddi, byth eich llais na'ch rhif."
        ),
        nothing_heard="Ni chlywsom ddim. Ffoniwch eto pan fyddwch yn barod. Hwyl fawr.",
        thanks="Diolch. Bydd cymedrolwr yn gwrando ar eich stori cyn bo hir. Hwyl fawr.",
        title="Stori a adroddwyd dros y ffôn",
    ),
}


def line_language(*, asked: str | None, called: str, welsh_numbers: Iterable[str]) -> LineLanguage:
    """Welsh when the call came to a Welsh line (one of `welsh_numbers`) or a URL asked for it
    (`?lang=cy`); English otherwise."""
    if asked == "cy" or _digits(called) in {_digits(number) for number in welsh_numbers}:
        return "cy"
    return "en"


def _digits(number: str) -> str:
    return "".join(character for character in number if character.isdigit())
