"""Automatic screening of a submission before a person sees it: it flags, it never decides.

- personal data (emails, UK phone numbers, full postcodes, street addresses), each with a
  suggested redaction (`personal_data`);
- links, including `javascript:` and bare domains, also suggested for redaction;
- abusive language from the word list kept beside this module (`wordlist.txt`);
- near-duplicates of recent submissions (`duplicates`);
- safeguarding: phrases that may disclose self-harm, abuse, domestic violence or acute distress
  (`safeguarding.txt`). Such items wait for a lead; screening never rejects or publishes them.

Word lists are matched on normalised words (case, accents and punctuation ignored), whole words
only, so "Scunthorpe" is not abuse and "self-harm" matches "self harm".
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources

from moderation.domain import duplicates, personal_data
from moderation.domain.personal_data import Span

_LEET = str.maketrans({"@": "a", "$": "s", "0": "o", "1": "i", "3": "e", "4": "a", "5": "s"})


class Flag(StrEnum):
    PERSONAL_DATA = "personal-data"
    LINK = "link"
    ABUSIVE = "abusive-language"
    NEAR_DUPLICATE = "near-duplicate"
    SAFEGUARDING = "safeguarding"


@dataclass(frozen=True)
class Finding:
    """What screening found and where: `field` is "title" or "text"; spans index into it."""

    flag: Flag
    field: str
    text: str
    kind: str = ""
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Screening:
    flags: tuple[Flag, ...] = ()
    findings: tuple[Finding, ...] = ()
    suggested_title: str | None = None
    """The title with personal data and links replaced, when there were any."""
    suggested_text: str | None = None
    sketch: list[int] = field(default_factory=list)
    duplicate_of: str | None = None

    @property
    def safeguarding(self) -> bool:
        return Flag.SAFEGUARDING in self.flags


@cache
def word_list(name: str) -> tuple[tuple[str, ...], ...]:
    """A list shipped with this package, each entry as its normalised words."""
    lines = resources.files("moderation.domain").joinpath(name).read_text("utf-8").splitlines()
    entries = {tuple(duplicates.normalise(line)) for line in lines if not line.startswith("#")}
    return tuple(sorted(entry for entry in entries if entry))


def phrases_in(text: str, phrases: Sequence[tuple[str, ...]]) -> list[str]:
    """The listed phrases that occur in `text` as whole words, each once, in list order."""
    words = duplicates.normalise(text)
    joined = f" {' '.join(words)} "
    return [" ".join(p) for p in phrases if f" {' '.join(p)} " in joined]


def abusive_words(text: str) -> list[str]:
    found = phrases_in(text, word_list("wordlist.txt"))
    disguised = phrases_in(text.translate(_LEET), word_list("wordlist.txt"))
    return list(dict.fromkeys([*found, *disguised]))


def safeguarding_phrases(text: str) -> list[str]:
    return phrases_in(text, word_list("safeguarding.txt"))


def screen(
    *, title: str, text: str, earlier: Iterable[tuple[str, Sequence[int]]] = ()
) -> Screening:
    """Screen a submission's title and text against the lists and the recent `earlier` sketches."""
    findings: list[Finding] = []
    suggestions: dict[str, str | None] = {}
    for name, value in (("title", title), ("text", text)):
        spans = personal_data.find(value)
        findings += [_span_finding(name, span) for span in spans]
        suggestions[name] = personal_data.redact(value, spans) if spans else None
        findings += [Finding(Flag.ABUSIVE, name, word) for word in abusive_words(value)]
        findings += [Finding(Flag.SAFEGUARDING, name, p) for p in safeguarding_phrases(value)]
    sketch = duplicates.sketch(text)
    duplicate = duplicates.most_similar(sketch, earlier)
    if duplicate is not None:
        findings.append(
            Finding(Flag.NEAR_DUPLICATE, "text", duplicate[0], kind=f"{duplicate[1]:.2f}")
        )
    flags = tuple(flag for flag in Flag if any(f.flag is flag for f in findings))
    return Screening(
        flags=flags,
        findings=tuple(findings),
        suggested_title=suggestions["title"],
        suggested_text=suggestions["text"],
        sketch=sketch,
        duplicate_of=duplicate[0] if duplicate else None,
    )


def _span_finding(name: str, span: Span) -> Finding:
    flag = Flag.LINK if span.kind is personal_data.Kind.LINK else Flag.PERSONAL_DATA
    return Finding(flag, name, span.text, kind=span.kind.value, start=span.start, end=span.end)
