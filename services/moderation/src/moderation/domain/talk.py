"""talk/together: a conversation people take part in by adding short statements and voting on
others' (agree, disagree or pass), as in Polis. The votes show opinion groups, what unites them
and what divides them (`opinion_groups`).

A lead opens a conversation with a question and seed statements (published at once: the lead
wrote them). Anyone may add a statement of at most `MAX_STATEMENT` characters; it is screened and
decided in the moderation queue like a story (an item of kind `statement`), and only approved
statements are voted on. Participants are pseudonymous: a random id in a signed cookie, never a
name or an address; one vote per participant and statement, a later vote replacing it.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from moderation.domain.regions import REGIONS

MAX_STATEMENT = 140
MAX_QUESTION = 200
MAX_DESCRIPTION = 2000
MAX_SEEDS = 50
AGE_BANDS = ("16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+")
MIN_REGION_VOTES = 3
"""A region's agreement with a statement is shown once at least this many there voted on it."""


class ConversationNotFoundError(LookupError):
    """There is no conversation with this id."""


class ConversationClosedError(Exception):
    """The conversation has closed: no more statements or votes."""


class StatementNotFoundError(LookupError):
    """No statement of this conversation open to votes has this id."""


class VoteValue(StrEnum):
    AGREE = "agree"
    DISAGREE = "disagree"
    PASS = "pass"  # noqa: S105 (a vote, not a password)

    @property
    def number(self) -> int:
        return {"agree": 1, "disagree": -1, "pass": 0}[self.value]


@dataclass(frozen=True)
class About:
    """What a participant chose to tell about themselves, asked once, both optional: a nation or
    English region (`domain.regions.REGIONS`) and an age band (`AGE_BANDS`)."""

    region: str | None = None
    age_band: str | None = None

    def __post_init__(self) -> None:
        if self.region is not None and self.region not in REGIONS:
            raise ValueError(f"{self.region!r} is not a UK nation or region")
        if self.age_band is not None and self.age_band not in AGE_BANDS:
            raise ValueError(f"{self.age_band!r} is not an age band")


@dataclass(frozen=True)
class Statement:
    """A statement open to votes: a seed, or a participant's once approved."""

    id: UUID
    text: str
    seed: bool


@dataclass
class Conversation:
    question: str
    description: str
    opened_by: str
    opened_at: datetime
    seeds: list[Statement]
    closes_at: datetime | None = None
    language: str = "en"
    id: UUID = field(default_factory=uuid4)

    def open_at(self, now: datetime) -> bool:
        return self.closes_at is None or now < self.closes_at

    def refuse_unless_open(self, now: datetime) -> None:
        if not self.open_at(now):
            raise ConversationClosedError(str(self.id))


def seeds_of(texts: list[str]) -> list[Statement]:
    """The lead's seed statements, each with an id of its own (blank and repeated ones dropped)."""
    kept: list[Statement] = []
    seen: set[str] = set()
    for text in texts:
        cleaned = " ".join(text.split())
        if cleaned and cleaned.casefold() not in seen:
            seen.add(cleaned.casefold())
            kept.append(Statement(id=uuid4(), text=cleaned, seed=True))
    return kept


def next_for(
    statements: list[Statement], *, votes: dict[UUID, int], voted: set[UUID]
) -> Statement | None:
    """The statement a participant is shown next: one they have not voted on, those with fewest
    votes first (so new statements are heard), then oldest first as listed."""
    waiting = [s for s in statements if s.id not in voted]
    if not waiting:
        return None
    order = {s.id: n for n, s in enumerate(statements)}
    return min(waiting, key=lambda s: (votes.get(s.id, 0), order[s.id]))


def agreement_by_region(
    votes: list[tuple[str, str, int]], regions: dict[str, str]
) -> dict[str, dict[str, dict[str, float | int]]]:
    """`{statement: {region: {"agree": share, "votes": n}}}` from the votes of participants who
    told their region, for regions with at least `MIN_REGION_VOTES` votes on the statement (a
    pass counts in the share's denominator, as in the groups)."""
    tally: dict[str, dict[str, list[int]]] = {}
    for participant, statement, value in votes:
        region = regions.get(participant)
        if region is None:
            continue
        counts = tally.setdefault(statement, {}).setdefault(region, [0, 0])
        counts[0] += value == 1
        counts[1] += 1
    return {
        statement: {
            region: {"agree": round(agreed / voted, 4), "votes": voted}
            for region, (agreed, voted) in sorted(by_region.items())
            if voted >= MIN_REGION_VOTES
        }
        for statement, by_region in tally.items()
    }
