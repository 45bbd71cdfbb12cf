"""Themes of the stories: two planted topics are found in English and in Welsh with their own
terms and stories, Welsh stop words are never terms, prompts are separate and small ones get no
themes, regions are counted per theme, the same stories give the same themes, and small or odd
input never fails."""

import ast
import inspect
import random

import pytest
from moderation.domain import themes
from moderation.domain.themes import (
    MIN_STORIES,
    TOP_TERMS,
    WELSH_STOP_WORDS,
    PromptThemes,
    Story,
    find_themes,
)

pytestmark = pytest.mark.unit

GARDENING = (
    "Our allotment saved us. We grew potatoes, leeks and courgettes, and the vegetables from "
    "the garden tasted better than anything from the shop.",
    "I had never grown anything before, but the garden needed digging. By June we were growing "
    "vegetables in raised beds, and the allotment society next door sent us spare seedlings.",
    "Dad took on an allotment plot at the edge of town. Weeding, watering and picking runner "
    "beans every evening kept him sane, and he gave the vegetables away.",
    "The community garden opened a waiting list and we got an allotment of our own. Growing "
    "vegetables with the children taught them where food comes from.",
    "Seed swaps over the garden fence: tomatoes for chillies, beans for lettuce. Half the street "
    "was growing vegetables by summer, and the allotment waiting list doubled.",
    "My allotment neighbour left leeks and onions on my gate. Digging side by side in the "
    "garden beds, two metres apart, we talked about anything but the news.",
    "We dug up the lawn and turned the back garden over to vegetables. Watering the beans at "
    "dusk became our family ritual, and the garden has never looked so alive.",
)
SINGING = (
    "Every Thursday our street stood on the doorsteps singing. The choir leader from number 12 "
    "handed out song sheets through letterboxes.",
    "Our church choir rehearsed on video calls. Singing together on a screen was odd and lovely, "
    "and the music kept us going.",
    "A neighbour played music on his doorstep and soon the whole close joined in singing old "
    "songs, from Abba to hymns.",
    "The choir sang outside the care home, standing apart on the pavement. Residents waved and "
    "sang along to the music from their windows.",
    "Singing from the doorsteps on Sunday evenings became our street's concert. Children "
    "brought drums and pans, a noisy kind of music.",
    "I joined a virtual choir and learnt harmonies at the kitchen table. Hearing hundreds of "
    "voices singing together made me cry.",
    "Someone started music on the doorsteps with a trumpet, and by the third week the whole "
    "road was singing songs for the nurses.",
)
BAKING = (
    "I baked bread for the first time, a sourdough starter called Dough Jones living on the "
    "kitchen windowsill. The first loaves were bricks.",
    "Flour vanished from the shops, so the baker on our road sold us bags of flour from the back "
    "door. We baked bread together every Sunday.",
    "My sourdough loaves got better week by week. I left a warm loaf on the doorstep of the "
    "couple next door, who were shielding.",
    "Banana bread, soda bread, focaccia: the oven never cooled. Baking gave the days a shape and "
    "the kitchen smelled of warm bread.",
    "We swapped sourdough starter in jam jars across the street and compared our loaves in a "
    "group chat full of photos of bread.",
    "Mum taught me to bake bread over a video call, flour everywhere, the dough too wet. The "
    "loaf was flat but we ate every crumb.",
    "Baking for the food bank kept me busy: twenty loaves of bread a week, kneaded by hand in "
    "a kitchen far too small for it.",
)
GARDENING_WORDS = {"allotment", "vegetables", "garden"}
SINGING_WORDS = {"singing", "choir", "music"}

GARDDIO = (
    "Garddio oedd fy achubiaeth. Bob bore roeddwn i'n plannu llysiau mewn gardd gymunedol gyda "
    "fy nghymdogion.",
    "Tyfon ni datws, moron a ffa yn y rhandir. Roedd garddio gyda'r plant yn hwyl a'r llysiau'n "
    "flasus dros ben.",
    "Roedd gardd fach y tu ôl i'r tŷ yn llawn llysiau erbyn yr haf. Dysgais lawer am bridd a "
    "hadau wrth arddio.",
    "Rhannodd y cymdogion hadau a phlanhigion dros y wal. Daeth garddio â ni at ein gilydd, a "
    "phawb yn tyfu llysiau.",
    "Mewn gardd gymunedol yng Nghaerdydd buon ni'n tyfu llysiau i'r banc bwyd. Roedd garddio yn "
    "dawel ac yn llonydd.",
    "Cefais randir am y tro cyntaf, ac roedd garddio bob dydd yn help mawr. Tomatos a llysiau "
    "gwyrdd ym mhobman yn yr ardd.",
)
CANU = (
    "Bob nos Iau roedd y stryd yn canu o'r drysau. Roedd y côr lleol yn arwain, ac roedd "
    "cerddoriaeth yn codi calon pawb.",
    "Ymarferodd ein côr ar-lein bob wythnos. Roedd canu gyda'n gilydd ar sgrin yn rhyfedd ond yn "
    "hyfryd.",
    "Canu emynau ar garreg y drws oedd uchafbwynt yr wythnos. Daeth cerddoriaeth â'r cymdogion "
    "allan i'r stryd.",
    "Roedd cerddoriaeth a chanu yn gwneud i ni deimlo'n agos. Sefydlodd fy chwaer gôr bach ar y "
    "stryd, a daeth y côr yn enwog.",
    "Chwaraeodd cymydog y ffidil a dechreuodd pawb ganu. Roedd cerddoriaeth fyw bob nos Sul, a'r "
    "côr lleol yn canu tan yr hwyr.",
    "Roedd y côr yn canu i'r cartref gofal drwy'r ffenestri. Canu oedd ein ffordd o ddweud "
    "diolch, a cherddoriaeth oedd ein hiaith.",
)
GARDDIO_WORDS = {"garddio", "llysiau", "gardd"}
CANU_WORDS = {"canu", "côr", "cerddoriaeth"}
WELSH_IN_THE_CORPUS = {
    "a",
    "ac",
    "ar",
    "bob",
    "ein",
    "gyda",
    "mae",
    "ni",
    "oedd",
    "roedd",
    "y",
    "yn",
}
"""Welsh function words the Welsh stories use, which must never be terms."""


def corpus(
    first: tuple[str, ...],
    second: tuple[str, ...],
    *,
    prompt: str = "unites-us",
    language: str = "en",
    regions: tuple[str, str] = ("Wales", "Wales"),
) -> list[Story]:
    """The two topics' stories, ids "a.." for the first and "b.." for the second."""
    return [
        Story(f"{tag}{n:02}", prompt, region, language, text)
        for tag, texts, region in (("a", first, regions[0]), ("b", second, regions[1]))
        for n, text in enumerate(texts)
    ]


def words(terms: tuple[str, ...]) -> set[str]:
    return {word for term in terms for word in term.split()}


def only(found: tuple[PromptThemes, ...]) -> PromptThemes:
    assert len(found) == 1
    return found[0]


def assert_planted(found: PromptThemes, first: set[str], second: set[str]) -> None:
    """Two themes, one per topic: its stories all from the topic, its key words in its terms."""
    assert len(found.themes) == 2, found
    by_topic = {}
    for theme in found.themes:
        tags = {story_id[0] for story_id in theme.stories}
        assert len(tags) == 1, theme
        assert 2 <= len(theme.stories) <= 3
        by_topic[tags.pop()] = theme
    assert set(by_topic) == {"a", "b"}
    for tag, key in (("a", first), ("b", second)):
        own, other = by_topic[tag], by_topic["b" if tag == "a" else "a"]
        assert key <= set(own.terms), (key, own.terms)
        assert not key & words(other.terms), (key, other.terms)


def test_two_planted_english_topics_are_found_with_their_terms_and_stories() -> None:
    found = only(find_themes(corpus(GARDENING, SINGING)))

    assert found.prompt == "unites-us"
    assert found.stories == 14
    assert_planted(found, GARDENING_WORDS, SINGING_WORDS)
    assert [theme.number for theme in found.themes] == [1, 2]
    assert sorted(theme.size for theme in found.themes) == [7, 7]
    assert all(len(theme.terms) == TOP_TERMS for theme in found.themes)
    assert found.method.startswith("TF-IDF of words and word pairs")
    assert "NMF with 2 themes" in found.method


def test_two_planted_welsh_topics_are_found_and_welsh_stop_words_are_never_terms() -> None:
    found = only(find_themes(corpus(GARDDIO, CANU, language="cy")))

    assert_planted(found, GARDDIO_WORDS, CANU_WORDS)
    assert WELSH_IN_THE_CORPUS <= WELSH_STOP_WORDS
    for theme in found.themes:
        assert not words(theme.terms) & (WELSH_STOP_WORDS | WELSH_IN_THE_CORPUS), theme.terms


def test_three_planted_topics_make_three_themes() -> None:
    stories = corpus(GARDENING, SINGING) + [
        Story(f"c{n:02}", "unites-us", "Wales", "en", text) for n, text in enumerate(BAKING)
    ]

    found = only(find_themes(stories))

    assert "NMF with 3 themes" in found.method
    assert [theme.size for theme in found.themes] == [7, 7, 7]
    tags = [{story_id[0] for story_id in theme.stories} for theme in found.themes]
    assert sorted("".join(sorted(tag)) for tag in tags) == ["a", "b", "c"]
    baking = found.themes[[tag == {"c"} for tag in tags].index(True)]
    assert {"bread", "sourdough"} <= set(baking.terms)


def test_representative_stories_are_those_with_most_of_the_theme_in_them() -> None:
    richest = Story(
        "a99",
        "unites-us",
        "Wales",
        "en",
        "Allotment, garden, vegetables: growing vegetables on the allotment and in the garden "
        "was all I did, and the allotment and the garden were full of vegetables.",
    )

    found = only(find_themes([*corpus(GARDENING, SINGING), richest]))

    gardening = next(theme for theme in found.themes if theme.stories[0][0] == "a")
    assert gardening.stories[0] == "a99"
    assert gardening.size == 8


def test_themes_are_numbered_by_size_largest_first() -> None:
    found = only(find_themes(corpus(SINGING[:5], GARDENING)))

    assert [(theme.number, theme.size) for theme in found.themes] == [(1, 7), (2, 5)]
    assert {story_id[0] for story_id in found.themes[0].stories} == {"b"}
    assert {story_id[0] for story_id in found.themes[1].stories} == {"a"}


def test_welsh_letters_with_a_circumflex_stay_in_a_word_however_they_are_typed() -> None:
    decomposed = [
        Story(story.id, story.prompt, story.region, story.language, text)
        for story, text in (
            (story, story.text.replace("ô", "o\u0302"))
            for story in corpus(GARDDIO, CANU, language="cy")
        )
    ]

    found = only(find_themes(decomposed))

    assert any("côr" in theme.terms for theme in found.themes)


def test_prompts_are_separate_and_a_small_prompt_gets_no_themes() -> None:
    small = [
        Story(f"c{n}", "closer", "North West", "en", text)
        for n, text in enumerate(SINGING[: MIN_STORIES - 1])
    ]
    stories = (
        corpus(GARDENING, SINGING, prompt="lockdown")
        + small
        + corpus(GARDDIO, CANU, prompt="unites-us", language="cy")
    )

    found = find_themes(stories)

    assert [p.prompt for p in found] == ["closer", "lockdown", "unites-us"]
    assert [p.stories for p in found] == [MIN_STORIES - 1, 14, 12]
    closer, lockdown, unites = found
    assert closer.themes == ()
    assert str(MIN_STORIES) in closer.method
    assert_planted(lockdown, GARDENING_WORDS, SINGING_WORDS)
    assert_planted(unites, GARDDIO_WORDS, CANU_WORDS)


def test_a_prompt_of_exactly_min_stories_can_have_themes() -> None:
    stories = corpus(GARDENING[:2], SINGING[:2])

    assert len(stories) == MIN_STORIES
    assert len(only(find_themes(stories)).themes) == 2


def test_regions_are_counted_per_theme() -> None:
    stories = corpus(GARDENING, SINGING, regions=("Wales", "North West"))
    stories[0] = Story("a00", "unites-us", "CF10", "en", GARDENING[0])
    stories[1] = Story("a01", "unites-us", "CF10", "en", GARDENING[1])

    found = only(find_themes(stories))

    by_topic = {theme.stories[0][0]: theme for theme in found.themes}
    assert by_topic["a"].regions == {"Wales": 5, "CF10": 2}
    assert list(by_topic["a"].regions) == ["Wales", "CF10"]
    assert by_topic["b"].regions == {"North West": 7}
    for theme in found.themes:
        assert sum(theme.regions.values()) == theme.size


def test_the_same_stories_give_the_same_themes_in_any_order() -> None:
    stories = corpus(GARDENING, SINGING) + corpus(GARDDIO, CANU, prompt="closer", language="cy")
    shuffled = list(stories)
    random.Random(5).shuffle(shuffled)  # noqa: S311 (test data, not secrecy)

    first = find_themes(stories, seed=3)

    assert find_themes(stories, seed=3) == first
    assert find_themes(shuffled, seed=3) == first


@pytest.mark.parametrize(
    "stories",
    [
        pytest.param([], id="no stories"),
        pytest.param([Story("s1", "closer", "Wales", "en", "We sang.")], id="one story"),
        pytest.param(
            [Story(f"s{n}", "closer", "Wales", "en", SINGING[0]) for n in range(12)],
            id="identical stories",
        ),
        pytest.param(
            [Story(f"s{n}", "closer", "Wales", "en", "") for n in range(6)], id="empty texts"
        ),
        pytest.param(
            [Story(f"s{n}", "closer", "Wales", "cy", "Roedd hi yn y tŷ.") for n in range(6)],
            id="only stop words",
        ),
        pytest.param(
            [
                Story(f"s{n}", "closer", "Wales", "en", t)
                for n, t in enumerate(["ab"] * 4 + ["ab ab"])
            ],
            id="one term left",
        ),
        pytest.param(
            [Story(f"s{n}", "closer", "Wales", "en", "") for n in range(5)]
            + [Story("t1", "closer", "Wales", "en", SINGING[0])],
            id="mostly empty",
        ),
    ],
)
def test_small_or_odd_input_never_fails(stories: list[Story]) -> None:
    found = find_themes(stories)

    assert len(found) == len({story.prompt for story in stories})
    for prompt in found:
        assert prompt.themes == ()
        assert prompt.method


def test_empty_stories_among_real_ones_are_in_no_theme() -> None:
    stories = corpus(GARDENING, SINGING) + [
        Story(f"e{n}", "unites-us", "Wales", "en", text)
        for n, text in enumerate(("", "   ", "The time we had, really."))
    ]

    found = only(find_themes(stories))

    assert found.stories == 17
    assert_planted(found, GARDENING_WORDS, SINGING_WORDS)
    assert sum(theme.size for theme in found.themes) == 14


def test_numpy_and_scikit_learn_are_not_imported_with_the_module() -> None:
    tree = ast.parse(inspect.getsource(themes))
    top = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    names = {alias.name for node in top if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module or "" for node in top if isinstance(node, ast.ImportFrom)}

    assert not {name for name in names if name.split(".")[0] in {"numpy", "sklearn"}}
