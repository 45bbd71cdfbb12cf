"""What a text to the coalition's number asks, read from its first word.

Case, spaces and punctuation around words are forgiven ("stop.", " Yes K7MX!", "STORY: ..."), and
Welsh words are read as well as English: IE / NA for yes / no, STORI for a story, DIOLCH for a
thank-you, CYMORTH for help, DECHRAU for start (STOP is STOP in Welsh too), and EBOST, TESTUN and
DDAU for EMAIL, TEXT and BOTH, which choose how invitations, reminders and changes reach the
volunteer (the word alone or with a courtesy: "Text me when..." is no choice).

The opt-out words are the UK carriers' (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT), matched
as providers match them, on a text that is the word alone; STOP, STOPALL and UNSUBSCRIBE also
opt out at the head of a longer text, whose intent is plain. An answer to an invitation is YES or
NO alone, with the invitation's code, or with a word of courtesy ("yes please"): a story that
happens to begin "No one came..." is never read as giving up a place. Anything else is answered
with help.
"""

import re
from dataclasses import dataclass
from typing import Literal

from notifications.domain.text_codes import LENGTH

Language = Literal["en", "cy"]

OPT_OUT_ALONE = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
OPT_OUT_LEADING = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE"})
OPT_IN: dict[str, Language] = {"START": "en", "UNSTOP": "en", "DECHRAU": "cy"}
HELP: dict[str, Language | None] = {"HELP": None, "INFO": None, "CYMORTH": "cy"}
ANSWERS: dict[str, tuple[Literal["accept", "decline"], Language]] = {
    "YES": ("accept", "en"),
    "Y": ("accept", "en"),
    "IE": ("accept", "cy"),
    "NO": ("decline", "en"),
    "N": ("decline", "en"),
    "NA": ("decline", "cy"),
}
COURTESIES = frozenset({"PLEASE", "PLS", "THANKS", "THANK", "YOU", "DIOLCH", "TA"})
SUBMISSIONS: dict[str, tuple[Literal["story", "thanks"], Language]] = {
    "STORY": ("story", "en"),
    "STORI": ("story", "cy"),
    "THANKS": ("thanks", "en"),
    "DIOLCH": ("thanks", "cy"),
}
Channel = Literal["email", "sms"]
CHOICES: dict[str, tuple[tuple[Channel, ...], Language]] = {
    "EMAIL": (("email",), "en"),
    "EBOST": (("email",), "cy"),
    "TEXT": (("sms",), "en"),
    "TEXTS": (("sms",), "en"),
    "TESTUN": (("sms",), "cy"),
    "BOTH": (("email", "sms"), "en"),
    "DDAU": (("email", "sms"), "cy"),
}
MAX_BODY = 1600
"""The longest body `text.received` carries (ten segments of a concatenated text)."""

_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_LEADING_MARKS = re.compile(r"^[\s:;,.\-\u2013\u2014]+")
_FIRST_WORD = re.compile(r"^[\W_]*(\w+)[^\w\s]*\s*(.*)$", re.DOTALL)


@dataclass(frozen=True)
class OptOut:
    keyword: str
    """The word as typed, upper-cased (`volunteer.texts_stopped` carries it)."""


@dataclass(frozen=True)
class OptIn:
    keyword: str
    language: Language


@dataclass(frozen=True)
class Help:
    language: Language | None = None
    """The language of the word, when it says one (CYMORTH); None for HELP, INFO or no keyword."""


@dataclass(frozen=True)
class Choice:
    channels: tuple[Channel, ...]
    keyword: str
    language: Language


@dataclass(frozen=True)
class Answer:
    answer: Literal["accept", "decline"]
    code: str | None
    """The invitation's code, upper-cased; None for a bare YES or NO."""
    language: Language


@dataclass(frozen=True)
class Submission:
    kind: Literal["story", "thanks"]
    text: str
    """What follows the keyword, as typed (empty when nothing did)."""
    language: Language


Asked = OptOut | OptIn | Help | Choice | Answer | Submission


def word(raw: str) -> str:
    """A typed word as it is compared: punctuation around it dropped, upper-cased."""
    return _EDGES.sub("", raw).upper()


def parse(body: str) -> Asked:
    """What the text asks."""
    found = _FIRST_WORD.match(body.strip())
    if found is None:
        return Help()
    first, rest = found.group(1).upper(), found.group(2).strip()
    words = [w for w in (word(part) for part in rest.split()) if w]
    if first in OPT_OUT_LEADING or (first in OPT_OUT_ALONE and not words):
        return OptOut(first)
    if first in OPT_IN and not words:
        return OptIn(first, OPT_IN[first])
    if first in HELP and not words:
        return Help(HELP[first])
    if choice := _choice(body):
        return choice
    if first in ANSWERS:
        return _answer(first, words)
    if first in SUBMISSIONS:
        kind, language = SUBMISSIONS[first]
        return Submission(kind, _LEADING_MARKS.sub("", rest)[:MAX_BODY], language)
    return Help()


def _choice(body: str) -> Choice | None:
    """EMAIL, TEXT or BOTH (or E-MAIL, EBOST...) alone or with a word of courtesy."""
    said = [w for w in (word(part).replace("-", "") for part in body.split()) if w]
    if not said or said[0] not in CHOICES or any(w not in COURTESIES for w in said[1:]):
        return None
    channels, language = CHOICES[said[0]]
    return Choice(channels, said[0], language)


def _answer(first: str, words: list[str]) -> Asked:
    answer, language = ANSWERS[first]
    code = None
    if words and len(words[0]) == LENGTH and words[0].isalnum() and words[0] not in COURTESIES:
        code, words = words[0], words[1:]
    if any(w not in COURTESIES for w in words):
        return Help()
    return Answer(answer, code, language)
