"""Opinion groups in the national conversation: who thinks alike, what unites and what divides.

Participants vote agree (+1), disagree (-1) or pass (0) on short statements. `analyse` turns those
votes into opinion groups, consensus statements and divisive statements, the way Polis does:

1. Votes. The last vote given for a (participant, statement) pair is the one that counts. A
   participant is counted only with at least `MIN_VOTES` votes; the votes of those not counted are
   left out of everything below (the matrix, the shares and the totals). A statement anyone voted
   on is a statement of the conversation, and has shares, even if only uncounted people voted on it.
2. Matrix. One row per counted participant and one column per statement, both sorted by id; each
   cell is +1, -1 or 0, a missing vote being 0 like a pass.
3. Opinion map. The rows are projected onto their first two principal components (PCA, fewer if
   the matrix is smaller); each counted participant's point is rounded to 4 decimals.
4. Groups. k-means (10 starts) is run on the points for k = 2 .. min(`MAX_GROUPS`, participants - 1)
   and the k with the highest silhouette score is kept. If every silhouette is below 0.2 there is
   no real structure and everyone is one group. With fewer than 4 counted participants or fewer
   than 2 statements nobody is clustered either: everyone is one group (and no one counted, no
   group). Groups are numbered 1, 2, ... by size, largest first, ties broken by the smallest
   participant id; their participants are sorted.
5. Shares. For a group (or everyone) and a statement: of those in it who voted on the statement,
   the share who agreed and the share who disagreed. A pass counts in the denominator, so a pass
   lowers both shares; 0.0 when nobody in it voted.
6. Consensus: statements on which every group has at least `MIN_GROUP_VOTES` votes and an agree
   share of at least `CONSENSUS_AGREE`. Score: the lowest group agree share. Highest score first,
   then by statement id.
7. Divisive (only with two groups or more): statements whose spread, the highest minus the lowest
   group agree share, is at least `DIVISIVE_SPREAD`, counting only groups with at least
   `MIN_GROUP_VOTES` votes on the statement (and at least two such groups). Score: the spread.
   Largest spread first, then by statement id.
8. Representative statements of a group (only with two groups or more): those the group agrees
   with by a share at least 0.5, on at least `MIN_GROUP_VOTES` of its votes, and by more than 0.2
   above the agree share of everyone outside the group. Largest difference first, then by
   statement id; at most 5.

Thresholds are compared with a tolerance of 1e-9, so that a spread of exactly 0.5 computed as
0.7 - 0.2 still counts. The result depends only on the votes and the seed, never on their order
(bar the last vote of a pair winning): the same input and seed give an equal `Analysis`.
numpy and scikit-learn are imported when `analyse` is first called, not with this module, so that
the service starts fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

AGREE, DISAGREE, PASS = 1, -1, 0

MIN_VOTES = 3
"""A participant is counted with at least this many votes."""
MAX_GROUPS = 5
CONSENSUS_AGREE = 0.6
"""A consensus statement is agreed by at least this share of every group..."""
MIN_GROUP_VOTES = 2
"""...each group having at least this many votes on it."""
DIVISIVE_SPREAD = 0.5
"""A divisive statement's highest minus lowest group agree share is at least this."""

_VALUES = frozenset({AGREE, DISAGREE, PASS})
_MIN_PARTICIPANTS = 4
_MIN_STATEMENTS = 2
_MIN_SILHOUETTE = 0.2
_REPRESENTATIVE_LEAD = 0.2
_REPRESENTATIVE_AGREE = 0.5
_MAX_REPRESENTATIVE = 5
_EPSILON = 1e-9
_DECIMALS = 4


@dataclass(frozen=True)
class Vote:
    participant: str
    statement: str
    value: int
    """AGREE, DISAGREE or PASS."""


@dataclass(frozen=True)
class Share:
    """How one group (or everyone) voted on one statement."""

    agree: float
    """Share of those in the group who voted on it (pass included in the denominator) who agreed;
    0.0 when nobody voted."""
    disagree: float
    votes: int
    """How many in the group voted on it."""


@dataclass(frozen=True)
class Group:
    number: int
    """1, 2, ... ordered by size, largest first."""
    participants: tuple[str, ...]
    """Sorted."""
    representative: tuple[str, ...]
    """Statement ids this group agrees with more than the rest do, best first, at most 5."""


@dataclass(frozen=True)
class Standing:
    """A statement's standing across the groups: what unites or what divides."""

    statement: str
    by_group: tuple[Share, ...]
    """In group order."""
    overall: Share
    score: float
    """Consensus: the lowest group agree share; divisive: highest minus lowest group agree share."""


@dataclass(frozen=True)
class Analysis:
    participants: int
    """Voters counted (those with at least MIN_VOTES votes)."""
    statements: int
    votes: int
    """Votes cast by the counted participants (one per participant and statement)."""
    groups: tuple[Group, ...]
    points: dict[str, tuple[float, float]]
    """Participant -> 2-D coordinates for the opinion map, only counted participants."""
    consensus: tuple[Standing, ...]
    """Best first."""
    divisive: tuple[Standing, ...]
    """Most divisive first."""
    shares: dict[str, tuple[Share, ...]]
    """Statement -> per-group shares, for every statement."""
    method: str
    """One human-readable sentence naming the method and the k chosen."""


def analyse(votes: Iterable[Vote], *, seed: int = 0) -> Analysis:
    """Opinion groups, consensus and divisive statements from `votes` (see the module docstring).

    Raises ValueError for a vote whose value is not AGREE, DISAGREE or PASS; never for a small or
    empty conversation.
    """
    latest: dict[tuple[str, str], int] = {}
    for vote in votes:
        if vote.value not in _VALUES:
            raise ValueError(f"a vote is AGREE, DISAGREE or PASS, not {vote.value!r}")
        latest[(vote.participant, vote.statement)] = vote.value

    cast: dict[str, dict[str, int]] = {}
    for (participant, statement), value in latest.items():
        cast.setdefault(participant, {})[statement] = value
    counted = sorted(participant for participant, own in cast.items() if len(own) >= MIN_VOTES)
    ballots = {participant: cast[participant] for participant in counted}
    statements = sorted({statement for _, statement in latest})

    rows = [[ballots[participant].get(s, PASS) for s in statements] for participant in counted]
    points, labels, method = _map_and_cluster(rows, seed)

    members: dict[int, list[str]] = {}
    for participant, label in zip(counted, labels, strict=True):
        members.setdefault(label, []).append(participant)
    memberships = sorted(members.values(), key=lambda group: (-len(group), min(group)))

    def share(participants: Iterable[str], statement: str) -> Share:
        return _share(
            [ballots[p][statement] for p in participants if statement in ballots[p]],
        )

    shares = {
        statement: tuple(share(group, statement) for group in memberships)
        for statement in statements
    }
    overall = {statement: share(counted, statement) for statement in statements}

    groups = tuple(
        Group(
            number=number,
            participants=tuple(group),
            representative=(
                _representative(group, counted, statements, share) if len(memberships) > 1 else ()
            ),
        )
        for number, group in enumerate(memberships, start=1)
    )

    consensus: list[Standing] = []
    divisive: list[Standing] = []
    for statement in statements:
        by_group = shares[statement]
        if by_group and all(
            s.votes >= MIN_GROUP_VOTES and s.agree >= CONSENSUS_AGREE - _EPSILON for s in by_group
        ):
            lowest = min(s.agree for s in by_group)
            consensus.append(Standing(statement, by_group, overall[statement], lowest))
        heard = [s.agree for s in by_group if s.votes >= MIN_GROUP_VOTES]
        if len(heard) >= 2:
            spread = max(heard) - min(heard)
            if spread >= DIVISIVE_SPREAD - _EPSILON:
                divisive.append(Standing(statement, by_group, overall[statement], spread))

    return Analysis(
        participants=len(counted),
        statements=len(statements),
        votes=sum(len(own) for own in ballots.values()),
        groups=groups,
        points=dict(zip(counted, points, strict=True)),
        consensus=tuple(sorted(consensus, key=lambda s: (-s.score, s.statement))),
        divisive=tuple(sorted(divisive, key=lambda s: (-s.score, s.statement))),
        shares=shares,
        method=method,
    )


def _share(values: Sequence[int]) -> Share:
    if not values:
        return Share(agree=0.0, disagree=0.0, votes=0)
    return Share(
        agree=values.count(AGREE) / len(values),
        disagree=values.count(DISAGREE) / len(values),
        votes=len(values),
    )


def _representative(
    group: Sequence[str],
    counted: Sequence[str],
    statements: Sequence[str],
    share: Callable[[Iterable[str], str], Share],
) -> tuple[str, ...]:
    inside = set(group)
    outside = [participant for participant in counted if participant not in inside]
    leads: list[tuple[float, str]] = []
    for statement in statements:
        own = share(group, statement)
        lead = own.agree - share(outside, statement).agree
        if (
            own.votes >= MIN_GROUP_VOTES
            and own.agree >= _REPRESENTATIVE_AGREE - _EPSILON
            and lead > _REPRESENTATIVE_LEAD + _EPSILON
        ):
            leads.append((-lead, statement))
    return tuple(statement for _, statement in sorted(leads)[:_MAX_REPRESENTATIVE])


def _map_and_cluster(
    rows: Sequence[Sequence[int]], seed: int
) -> tuple[list[tuple[float, float]], list[int], str]:
    """Each row's point on the opinion map, its group label and a sentence saying how."""
    participants = len(rows)
    if participants == 0:
        return [], [], f"No participant has {MIN_VOTES} votes yet, so there are no groups"
    statements = len(rows[0])
    everyone = [0] * participants

    import warnings

    import numpy as np
    from sklearn.cluster import KMeans  # type: ignore[import-untyped]
    from sklearn.decomposition import PCA  # type: ignore[import-untyped]
    from sklearn.exceptions import ConvergenceWarning  # type: ignore[import-untyped]
    from sklearn.metrics import silhouette_score  # type: ignore[import-untyped]

    matrix = np.asarray(rows, dtype=np.float64)
    components = min(2, participants, statements)
    alike = bool((matrix == matrix[0]).all())
    coordinates = np.zeros((participants, 2))
    if participants >= 2 and components >= 1 and not alike:
        projected = PCA(n_components=components, random_state=seed).fit_transform(matrix)
        coordinates[:, :components] = projected
    coordinates = np.round(coordinates, _DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0
    points = [(float(x), float(y)) for x, y in coordinates]

    if participants < _MIN_PARTICIPANTS or statements < _MIN_STATEMENTS:
        return (
            points,
            everyone,
            f"One group: {participants} participants counted and {statements} statements are "
            f"too few to look for groups (at least {_MIN_PARTICIPANTS} and {_MIN_STATEMENTS})",
        )
    if alike:
        return points, everyone, "One group: every counted participant voted alike"

    distinct = len(np.unique(coordinates, axis=0))
    most = min(MAX_GROUPS, participants - 1)
    best: tuple[float, int, list[int]] | None = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for k in range(2, min(most, distinct) + 1):
            found = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(coordinates)
            if len(set(found.tolist())) < 2:
                continue
            score = float(silhouette_score(coordinates, found))
            if best is None or score > best[0]:
                best = (score, k, [int(label) for label in found])

    if best is None:
        return (
            points,
            everyone,
            "PCA to 2 dimensions and k-means; no k found two groups, so one group",
        )
    score, k, labels = best
    if score < _MIN_SILHOUETTE:
        return (
            points,
            everyone,
            f"PCA to 2 dimensions and k-means, one group: the best silhouette ({score:.2f}, k={k}) "
            f"is below {_MIN_SILHOUETTE} (no real structure)",
        )
    return (
        points,
        labels,
        f"PCA to 2 dimensions and k-means, k={k} chosen by silhouette ({score:.2f})",
    )
