"""The conversation's opinion groups: planted groups are found with what unites and divides them,
no structure makes one group, small conversations never fail, light voters are left out, a pass
counts in a share's denominator, and the same votes give the same analysis."""

import ast
import inspect
import random

import pytest
from moderation.domain import opinion_groups
from moderation.domain.opinion_groups import (
    AGREE,
    DISAGREE,
    MIN_VOTES,
    PASS,
    Analysis,
    Share,
    Vote,
    analyse,
)

pytestmark = pytest.mark.unit

SIDE_A = ("a1", "a2", "a3", "a4")
SIDE_B = ("b1", "b2", "b3", "b4")
COMMON = ("c1", "c2")
GROUP_A = tuple(f"p{n:02}" for n in range(20))
GROUP_B = tuple(f"p{n:02}" for n in range(20, 40))


def planted() -> list[Vote]:
    """40 participants in two planted groups of 20: A agrees with a1..a4 and disagrees with
    b1..b4, B the opposite, everyone agrees with c1 and c2; about 10% of votes are missing and
    about 10% of those cast are random."""
    rng = random.Random(7)  # noqa: S311 (test data, not secrecy)
    votes = []
    for participant in GROUP_A + GROUP_B:
        mine, theirs = (SIDE_A, SIDE_B) if participant in GROUP_A else (SIDE_B, SIDE_A)
        meant = {s: AGREE for s in mine + COMMON} | {s: DISAGREE for s in theirs}
        for statement in SIDE_A + SIDE_B + COMMON:
            if rng.random() < 0.1:
                continue
            value = meant[statement]
            if rng.random() < 0.1:
                value = rng.choice((AGREE, DISAGREE, PASS))
            votes.append(Vote(participant, statement, value))
    return votes


def ids(standings: tuple[opinion_groups.Standing, ...]) -> set[str]:
    return {standing.statement for standing in standings}


def test_planted_groups_are_found_with_what_unites_and_divides_them() -> None:
    analysis = analyse(planted())

    assert analysis.participants == 40
    assert [group.participants for group in analysis.groups] == [GROUP_A, GROUP_B]
    assert [group.number for group in analysis.groups] == [1, 2]
    assert analysis.method.startswith("PCA to 2 dimensions and k-means, k=2 chosen by silhouette")
    assert ids(analysis.consensus) == set(COMMON)
    assert ids(analysis.divisive) == set(SIDE_A + SIDE_B)
    assert set(analysis.groups[0].representative) == set(SIDE_A)
    assert set(analysis.groups[1].representative) == set(SIDE_B)
    assert set(analysis.points) == set(GROUP_A + GROUP_B)


def test_standings_are_ordered_and_scored_from_the_group_shares() -> None:
    analysis = analyse(planted())

    for standing in analysis.consensus:
        assert standing.score == min(share.agree for share in standing.by_group)
        assert standing.score >= opinion_groups.CONSENSUS_AGREE
        assert standing.by_group == analysis.shares[standing.statement]
    for standing in analysis.divisive:
        agree = [share.agree for share in standing.by_group]
        assert standing.score == max(agree) - min(agree)
    assert [s.score for s in analysis.consensus] == sorted(
        (s.score for s in analysis.consensus), reverse=True
    )
    assert [s.score for s in analysis.divisive] == sorted(
        (s.score for s in analysis.divisive), reverse=True
    )
    assert set(analysis.shares) == set(SIDE_A + SIDE_B + COMMON)
    assert all(len(shares) == 2 for shares in analysis.shares.values())


def agreeing(statement: str, in_a: int, in_b: int, *, b_voters: int = 20) -> list[Vote]:
    """`in_a` of group A and `in_b` of the first `b_voters` of group B agree with `statement`;
    the others among them pass."""
    return [Vote(p, statement, AGREE if n < in_a else PASS) for n, p in enumerate(GROUP_A)] + [
        Vote(p, statement, AGREE if n < in_b else PASS) for n, p in enumerate(GROUP_B[:b_voters])
    ]


def test_thresholds_hold_at_their_edges() -> None:
    analysis = analyse(
        planted()
        + agreeing("just-united", 12, 12)  # 0.6 in both groups: consensus
        + agreeing("nearly-united", 11, 11)  # 0.55 in both groups: not consensus
        + agreeing("one-b-voter", 20, 1, b_voters=1)  # 1 vote in group B: not consensus
        + agreeing("just-split", 14, 4)  # 0.7 - 0.2 = 0.5: divisive
        + agreeing("nearly-split", 12, 3)  # 0.6 - 0.15 = 0.45: not divisive
        + agreeing("leaning-b", 0, 8)  # 0.4 - 0.0 ahead, but below half of B: not representative
        + agreeing("held-by-a", 10, 0)  # 0.5 - 0.0 ahead, half of A: representative
    )

    assert [group.participants for group in analysis.groups] == [GROUP_A, GROUP_B]
    assert ids(analysis.consensus) == {"c1", "c2", "just-united"}
    assert ids(analysis.divisive) == {*SIDE_A, *SIDE_B, "just-split", "held-by-a"}
    assert set(analysis.groups[0].representative) <= {*SIDE_A, "just-split", "held-by-a"}
    assert "held-by-a" in analysis.groups[0].representative
    assert set(analysis.groups[1].representative) == set(SIDE_B)
    assert len(analysis.groups[0].representative) == 5
    assert analysis.shares["one-b-voter"][1] == Share(agree=1.0, disagree=0.0, votes=1)


def test_no_structure_makes_one_group_and_nothing_divisive() -> None:
    votes = [
        Vote(f"p{n:02}", statement, AGREE if statement != "s3" else DISAGREE)
        for n in range(30)
        for statement in ("s1", "s2", "s3", "s4")
    ]

    analysis = analyse(votes)

    assert len(analysis.groups) == 1
    assert analysis.groups[0].participants == tuple(f"p{n:02}" for n in range(30))
    assert analysis.groups[0].representative == ()
    assert analysis.divisive == ()
    assert ids(analysis.consensus) == {"s1", "s2", "s4"}
    assert set(analysis.points.values()) == {(0.0, 0.0)}


@pytest.mark.parametrize(
    "votes",
    [
        [],
        [Vote("p1", "s1", AGREE), Vote("p1", "s2", DISAGREE), Vote("p1", "s3", PASS)],
        [Vote(p, s, AGREE if p == "p1" else DISAGREE) for p in ("p1", "p2", "p3") for s in "xyz"],
        [Vote(p, "only", AGREE) for p in ("p1", "p2", "p3", "p4", "p5")],
        [Vote(f"p{n}", "only", (AGREE, DISAGREE)[n % 2]) for n in range(6) for _ in range(3)],
    ],
    ids=["nobody", "one participant", "three participants", "one statement", "no one counted"],
)
def test_too_few_never_fails(votes: list[Vote]) -> None:
    analysis = analyse(votes)

    assert len(analysis.groups) <= 1
    assert analysis.divisive == ()
    assert set(analysis.points) == {p for group in analysis.groups for p in group.participants}
    assert analysis.participants == len(analysis.points)


def test_three_participants_make_one_group() -> None:
    votes = [
        Vote(p, s, AGREE if p == "p1" else DISAGREE) for p in ("p1", "p2", "p3") for s in "xyz"
    ]

    analysis = analyse(votes)

    assert [group.participants for group in analysis.groups] == [("p1", "p2", "p3")]
    assert analysis.shares["x"] == (Share(agree=1 / 3, disagree=2 / 3, votes=3),)
    assert "too few" in analysis.method


def test_participants_below_min_votes_are_not_counted() -> None:
    lurker = [Vote("lurker", s, DISAGREE) for s in COMMON]
    just_enough = [Vote("enough", s, AGREE) for s in ("c1", "c2", "a1")[:MIN_VOTES]]

    analysis = analyse(planted() + lurker + just_enough)
    everyone = analysis.groups[0].participants + analysis.groups[1].participants

    assert analysis.participants == 41
    assert "lurker" not in analysis.points
    assert "lurker" not in everyone
    assert "enough" in analysis.points
    assert "enough" in everyone
    assert analysis.votes == len(planted()) + MIN_VOTES
    assert analysis.statements == 10
    c1 = {standing.statement: standing for standing in analysis.consensus}["c1"]
    assert c1.overall.votes == sum(1 for vote in planted() if vote.statement == "c1") + 1


def test_a_pass_counts_in_the_denominator_of_the_agree_share() -> None:
    votes = [
        Vote("p1", "s1", AGREE),
        Vote("p2", "s1", AGREE),
        Vote("p3", "s1", PASS),
        Vote("p1", "s2", DISAGREE),
        Vote("p2", "s2", PASS),
        Vote("p1", "s3", AGREE),
        Vote("p2", "s3", AGREE),
        Vote("p3", "s3", AGREE),
        Vote("p3", "s4", DISAGREE),
        Vote("p3", "s5", DISAGREE),
    ]

    analysis = analyse(votes)

    assert analysis.shares["s1"] == (Share(agree=2 / 3, disagree=0.0, votes=3),)
    assert analysis.shares["s2"] == (Share(agree=0.0, disagree=0.5, votes=2),)
    assert analysis.shares["s4"] == (Share(agree=0.0, disagree=1.0, votes=1),)
    assert [s.statement for s in analysis.consensus] == ["s3", "s1"]
    assert analysis.consensus[1].overall == Share(agree=2 / 3, disagree=0.0, votes=3)


def test_the_last_vote_of_a_pair_wins() -> None:
    votes = [
        *(Vote(p, s, AGREE) for p in ("p1", "p2", "p3") for s in ("s1", "s2", "s3")),
        Vote("p3", "s1", DISAGREE),
    ]

    analysis = analyse(votes)

    assert analysis.votes == 9
    assert analysis.shares["s1"] == (Share(agree=2 / 3, disagree=1 / 3, votes=3),)


def test_a_vote_is_agree_disagree_or_pass() -> None:
    with pytest.raises(ValueError, match="AGREE, DISAGREE or PASS"):
        analyse([Vote("p1", "s1", 2)])


def test_the_same_votes_give_the_same_analysis() -> None:
    votes = planted()
    shuffled = list(votes)
    random.Random(3).shuffle(shuffled)  # noqa: S311 (test data, not secrecy)

    first = analyse(votes)

    assert analyse(votes) == first
    assert analyse(shuffled) == first
    assert isinstance(first, Analysis)


def test_points_are_rounded_to_four_decimals() -> None:
    for x, y in analyse(planted()).points.values():
        assert (x, y) == (round(x, 4), round(y, 4))


def test_numpy_and_scikit_learn_are_not_imported_with_the_module() -> None:
    tree = ast.parse(inspect.getsource(opinion_groups))
    top = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    names = {alias.name for node in top if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module or "" for node in top if isinstance(node, ast.ImportFrom)}

    assert not {name for name in names if name.split(".")[0] in {"numpy", "sklearn"}}
