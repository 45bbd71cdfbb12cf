"""Themes of the approved stories: what people wrote about, per prompt, with where they wrote from.

Stories (English or Welsh) answer one of the prompts ("lockdown", "unites-us", "divides-us",
"closer"). `find_themes` finds the themes of each prompt's stories with topic modelling:

1. Grouping. Stories are grouped by prompt; the result has one `PromptThemes` per prompt, sorted
   by prompt name. Within a prompt, stories are taken in order of id, so the order they are given
   in does not matter. A prompt with fewer than `MIN_STORIES` stories gets no themes.
2. Words. Each text is put in Unicode NFC form (so that "ô" typed as "o" plus a combining
   circumflex is one letter) and lower-cased. A term is a run of two or more letters, any
   alphabet's, Welsh ŵ ŷ â ê î ô û included; digits and punctuation split words, so "don't" gives
   "don" and a dropped "t". Stop words are left out before word pairs are formed: scikit-learn's
   English stop words, `WELSH_STOP_WORDS` (common Welsh function words, with some mutated forms),
   and words every story about lockdown uses (`TOPIC_NOISE`: "lockdown", "people", "time", "clo",
   "pobl", ...). A few Welsh function words are also English words ("pan", "tan", "dim"), which
   are then never terms in English stories either.
3. TF-IDF. Terms are words and word pairs (`ngram_range=(1, 2)`), with sublinear term frequency.
   A term must be in at least 2 stories when the prompt has 10 stories or more (else in 1), and in
   at most 90% of them. If fewer than 2 terms remain (all stories alike, empty or only stop words)
   the prompt gets no themes.
4. NMF. Non-negative matrix factorisation (`init="nndsvda"`, `max_iter=400`, `random_state=seed`)
   splits the TF-IDF matrix into k themes. A story's strongest theme is the one in which it has
   the highest weight; a story with no remaining term, or with weight 0 in every theme, has no
   strongest theme and is in no theme's size.
5. Choosing k. For k = 2 .. min(`MAX_THEMES`, n // 2), where n is the number of stories with at
   least one term (and k at most the number of terms), NMF is fitted and every story with a
   strongest theme is labelled with it. A k is eligible only when every theme is the strongest
   theme of more stories than a term must be in (at least 3 stories with 10 stories or more, else
   at least 2): on a few short texts the silhouette otherwise favours many "themes" that are just
   pairs of stories sharing a rare word. An eligible k's score is the mean silhouette of the
   labelled TF-IDF rows under cosine distance. The smallest k whose score is within 0.02 of the
   best score is kept. No eligible k: no themes.
6. A theme's terms: the terms of highest weight in its NMF component, best first, at most
   `TOP_TERMS`, only those of positive weight (ties by term). Its stories: of the stories whose
   strongest theme it is, the (at most 3) with the highest weight in it, best first; if that
   makes fewer than 2, stories of other themes with a positive weight in it are added, highest
   first, up to 2 (ties by story id). Its size: the stories whose strongest theme it is; its
   regions: how many of those come from each region, most first (ties by region).
7. Themes are numbered 1, 2, ... by size, largest first, ties broken by first term.

The same stories and seed give an equal result. `find_themes` never raises on small or odd input
(no stories, one story, identical stories, empty texts): it gives fewer themes, or none, and says
why in `method`. numpy and scikit-learn are imported when `find_themes` is first called, not with
this module, so that the service starts fast.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from moderation.domain.regions import REGIONS

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

TOP_TERMS = 6
"""A theme lists at most this many terms."""
MIN_STORIES = 4
"""A prompt with fewer stories gets no themes (an empty tuple)."""
MAX_THEMES = 6
"""A prompt gets at most this many themes."""

WELSH_STOP_WORDS: frozenset[str] = frozenset(
    {
        # articles, conjunctions and particles
        "a", "ac", "ag", "â", "y", "yr", "yn", "ym", "yng", "fe", "mi", "na", "nad", "nid", "ni",
        "ond", "neu", "os", "pe", "felly", "hefyd", "iawn", "fel", "mor", "rhy", "eto", "dim",
        "ddim", "achos", "oherwydd",
        # prepositions
        "am", "ar", "at", "i", "o", "gan", "gyda", "efo", "wrth", "dros", "drwy", "trwy", "heb",
        "rhwng", "tan", "ers", "mewn", "hyd", "tuag", "dan", "ôl", "ol", "gyd",
        # pronouns and possessives
        "fi", "ti", "e", "ef", "hi", "nhw", "chi", "ei", "eu", "ein", "eich", "fy", "dy", "hyn",
        "hynny", "hon", "hwn", "honno", "hwnnw", "gilydd", "pawb", "pob", "bob", "un", "beth",
        "sut", "pam", "lle", "pryd", "pwy", "yma", "yno", "mwy", "llawer", "ychydig",
        # forms of "bod" (to be) and common verbs
        "bod", "fod", "mae", "maen", "sy", "sydd", "oes", "yw", "ydy", "ydw", "ydyn", "ydych",
        "roedd", "oedd", "roeddwn", "oeddwn", "roedden", "oedden", "roeddem", "bu", "buodd",
        "bydd", "byddai", "wedi", "cael", "gael", "gwneud", "wneud", "mynd", "fynd", "dod",
        "ddod",
    }
)  # fmt: skip
"""Common Welsh function words (and some of their mutated forms), never terms of a theme."""

TOPIC_NOISE: frozenset[str] = frozenset(
    {
        "lockdown", "covid", "pandemic", "people", "time", "just", "really", "got", "get",
        "clo", "cyfnod", "pandemig", "pobl", "amser",
    }
)  # fmt: skip
"""Words nearly every story about lockdown uses (English and Welsh), never terms of a theme."""

_WORD_PATTERN = r"(?u)\b[^\W\d_]{2,}\b"
"""Two or more letters of any alphabet (Welsh ŵ ŷ â ê î ô û included); no digits or underscores."""
_MANY_STORIES = 10
"""With at least this many stories a term must be in 2 of them (min_df=2)."""
_MAX_DF = 0.9
_NEAR = 0.02
"""A smaller k is kept when its silhouette is within this of the best."""
_MAX_STORIES_SHOWN = 3
_MIN_STORIES_SHOWN = 2
_MIN_TERMS = 2


@dataclass(frozen=True)
class Story:
    id: str
    prompt: str
    region: str
    """A UK nation or region ("Wales", "North West") or a postcode district ("CF10")."""
    language: str
    """"en" or "cy"."""
    text: str
    """Title and text joined by the caller."""


@dataclass(frozen=True)
class Theme:
    number: int
    """1, 2, ... within its prompt, largest first."""
    terms: tuple[str, ...]
    """Top terms (words or word pairs), best first, at most TOP_TERMS."""
    stories: tuple[str, ...]
    """Ids of the 2 or 3 most representative stories (highest weight), best first."""
    size: int
    """Stories whose strongest theme this is."""
    regions: dict[str, int]
    """Region -> how many of those stories come from it, most first."""


@dataclass(frozen=True)
class PromptThemes:
    prompt: str
    stories: int
    """Stories of this prompt considered."""
    themes: tuple[Theme, ...]
    method: str
    """One human-readable sentence naming the method, the k chosen, or why there are no themes."""


def find_themes(stories: Iterable[Story], *, seed: int = 0) -> tuple[PromptThemes, ...]:
    """The themes of each prompt's stories, sorted by prompt (see the module docstring)."""
    by_prompt: dict[str, list[Story]] = {}
    for story in stories:
        by_prompt.setdefault(story.prompt, []).append(story)
    return tuple(
        _prompt_themes(prompt, sorted(by_prompt[prompt], key=lambda s: s.id), seed)
        for prompt in sorted(by_prompt)
    )


def _prompt_themes(prompt: str, stories: Sequence[Story], seed: int) -> PromptThemes:
    def none(why: str) -> PromptThemes:
        return PromptThemes(prompt=prompt, stories=len(stories), themes=(), method=why)

    if len(stories) < MIN_STORIES:
        counted = "1 story" if len(stories) == 1 else f"{len(stories)} stories"
        return none(f"No themes: {counted}, fewer than {MIN_STORIES}")

    import warnings

    import numpy as np
    from sklearn.decomposition import NMF  # type: ignore[import-untyped]
    from sklearn.exceptions import ConvergenceWarning  # type: ignore[import-untyped]
    from sklearn.feature_extraction.text import (  # type: ignore[import-untyped]
        ENGLISH_STOP_WORDS,
        TfidfVectorizer,
    )
    from sklearn.metrics import silhouette_score  # type: ignore[import-untyped]

    min_df = 2 if len(stories) >= _MANY_STORIES else 1
    smallest = min_df + 1
    stop_words = sorted(set(ENGLISH_STOP_WORDS) | WELSH_STOP_WORDS | TOPIC_NOISE)
    vectorizer = TfidfVectorizer(
        preprocessor=_normalise,
        stop_words=stop_words,
        token_pattern=_WORD_PATTERN,
        ngram_range=(1, 2),
        min_df=min_df,
        max_df=_MAX_DF,
        sublinear_tf=True,
    )
    try:
        tfidf = vectorizer.fit_transform([story.text for story in stories])
    except ValueError:  # no term left: empty texts, only stop words, or every term too common
        return none("No themes: no term is left after stop words and document-frequency limits")
    features: list[str] = [str(name) for name in vectorizer.get_feature_names_out()]
    if len(features) < _MIN_TERMS:
        return none(f"No themes: {len(features)} term left, too few to find themes")

    with_terms = np.flatnonzero(np.asarray(tfidf.sum(axis=1)).ravel() > 0)
    most = min(MAX_THEMES, len(with_terms) // 2, len(features))
    if most < 2:
        return none(
            f"No themes: only {len(with_terms)} of the stories have any term, too few for 2 themes"
        )
    fits: list[tuple[int, float, Any, NDArray[np.float64], NDArray[np.int64]]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for k in range(2, most + 1):
            model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=400)
            weights = np.asarray(model.fit_transform(tfidf), dtype=np.float64)
            labels = _strongest(weights)
            labelled = np.flatnonzero(labels >= 0)
            sizes = np.bincount(labels[labelled], minlength=k)
            if int(sizes.min()) < smallest or len(labelled) <= k:
                continue
            score = float(
                silhouette_score(tfidf[labelled], labels[labelled], metric="cosine"),
            )
            fits.append((k, score, model, weights, labels))

    if not fits:
        return none(
            f"No themes: NMF found no k in 2..{most} where every theme is the strongest "
            f"of at least {smallest} stories"
        )
    best_score = max(fit[1] for fit in fits)
    k, score, model, weights, labels = next(fit for fit in fits if fit[1] >= best_score - _NEAR)
    components = np.asarray(model.components_, dtype=np.float64)

    themes = [
        _theme(
            stories,
            features,
            components[component],
            weights[:, component],
            labels == component,
        )
        for component in range(k)
    ]
    themes.sort(key=lambda theme: (-theme.size, theme.terms[:1]))
    numbered = tuple(
        Theme(
            number=number,
            terms=theme.terms,
            stories=theme.stories,
            size=theme.size,
            regions=theme.regions,
        )
        for number, theme in enumerate(themes, start=1)
    )
    return PromptThemes(
        prompt=prompt,
        stories=len(stories),
        themes=numbered,
        method=(
            f"TF-IDF of words and word pairs ({len(features)} terms), NMF with {k} themes chosen "
            f"by cosine silhouette ({score:.2f}; reconstruction error "
            f"{float(model.reconstruction_err_):.1f})"
        ),
    )


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


def _strongest(weights: NDArray[np.float64]) -> NDArray[np.int64]:
    """Each story's strongest theme, or -1 when its weight is 0 in every theme."""
    import numpy as np

    labels: NDArray[np.int64] = np.asarray(np.argmax(weights, axis=1), dtype=np.int64)
    labels[weights.max(axis=1) <= 0] = -1
    return labels


def _theme(
    stories: Sequence[Story],
    features: Sequence[str],
    component: NDArray[np.float64],
    weights: NDArray[np.float64],
    members: NDArray[np.bool_],
) -> Theme:
    """One theme, numbered 0 (numbers are given once the themes are sorted)."""
    ranked_terms = sorted(
        (-float(weight), feature)
        for feature, weight in zip(features, component.tolist(), strict=True)
        if weight > 0
    )
    terms = tuple(feature for _, feature in ranked_terms[:TOP_TERMS])

    ranked = sorted(
        (-float(weight), bool(member), story.id)
        for story, weight, member in zip(stories, weights.tolist(), members.tolist(), strict=True)
        if weight > 0
    )
    shown = [story_id for _, member, story_id in ranked if member][:_MAX_STORIES_SHOWN]
    others = [story_id for _, member, story_id in ranked if not member]
    shown += others[: max(0, _MIN_STORIES_SHOWN - len(shown))]

    inside = [story for story, member in zip(stories, members.tolist(), strict=True) if member]
    regions = Counter(story.region for story in inside)
    return Theme(
        number=0,
        terms=terms,
        stories=tuple(shown),
        size=len(inside),
        regions=dict(sorted(regions.items(), key=lambda item: (-item[1], item[0]))),
    )


@dataclass(frozen=True)
class Leading:
    """A region's leading theme within one prompt."""

    region: str
    theme: int
    """The number of the theme most of the region's stories are in."""
    stories: int
    """The region's stories in that theme."""
    of: int
    """The region's stories in any theme of the prompt."""

    @property
    def share(self) -> float:
        return self.stories / self.of


def leading_by_region(regions: Mapping[int, Mapping[str, int]]) -> tuple[list[Leading], int]:
    """Each nation or region's leading theme, from `{theme number: {region: stories}}` (a prompt's
    themes' `regions`), in the order of `REGIONS`, with how many stories were left out because
    they give a postcode district rather than a nation or region (a district is not mapped to a
    region: that needs a lookup this service does not have). A tie goes to the lower-numbered,
    larger theme. Only stories whose strongest theme is one of these count."""
    counts: dict[str, dict[int, int]] = {}
    districts = 0
    for number, by_region in regions.items():
        for region, stories in by_region.items():
            if region in REGIONS:
                counts.setdefault(region, {})[number] = stories
            else:
                districts += stories
    leading = []
    for region in REGIONS:
        if sum(counts.get(region, {}).values()) == 0:
            continue
        themes = counts[region]
        theme = min(themes, key=lambda number: (-themes[number], number))
        leading.append(Leading(region, theme, themes[theme], sum(themes.values())))
    return leading, districts
