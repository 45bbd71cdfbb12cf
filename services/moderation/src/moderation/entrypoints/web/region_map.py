"""Maps of the UK's nations and regions, drawn as SVG by `_region_map.html` (which escapes every
label): the kit's coastline (`together_kit.web.uk_map`) with one circle per region at its centre
(`domain.regions.CENTRES`), its value printed inside it, so colour is never the only cue.

- Agreement with a statement: circles coloured on a sequential scale of five steps of blue, from
  light (few agree) to dark (most agree); a region with fewer than `MIN_REGION_VOTES` votes is a
  hollow grey circle with a dash, and the page says why.
- Themes of the stories: circles coloured by the region's leading theme, its number inside.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from together_kit.web import uk_map

from moderation.domain.regions import CENTRES, REGIONS
from moderation.domain.talk import MIN_REGION_VOTES
from moderation.domain.themes import Leading, leading_by_region

RADIUS = 28
FONT_SIZE = 17
VIEW = uk_map.ViewBox(20, 118, 480, 780)
"""The picture's part showing every centre with room around it: the UK from the Scilly Isles to
Orkney (Shetland, without a centre of its own, is left off), and Ireland's east coast."""
AGREEMENT_SCALE = (
    ("#deebf7", "#0b0c0c"),
    ("#9ecae1", "#0b0c0c"),
    ("#4292c6", "#0b0c0c"),
    ("#2171b5", "#ffffff"),
    ("#08306b", "#ffffff"),
)
"""(fill, text) for agreement 0-19%, 20-39%, 40-59%, 60-79%, 80-100%: ColorBrewer's sequential
Blues, each step's text the more legible of black and white on it."""
DASH = "\u2013"
"""An en dash: a range of percentages, and the mark of a region with too few votes."""
THEME_COLOURS = (
    ("#1d70b8", "#ffffff"),
    ("#d4351c", "#ffffff"),
    ("#00703c", "#ffffff"),
    ("#f47738", "#0b0c0c"),
    ("#4c2c92", "#ffffff"),
    ("#85994b", "#0b0c0c"),
)
"""(fill, text) per theme number (GOV.UK palette), as many as a prompt's most themes."""


@dataclass(frozen=True)
class Bubble:
    region: str
    """Its name in the page's language."""
    x: float
    y: float
    fill: str | None
    """None: a hollow grey circle (too few votes)."""
    text_colour: str
    text: str
    """Printed in the circle: a percentage, a theme's number, or a dash."""
    said: str
    """What the circle shows, in words (for the table beside the map)."""

    @property
    def title(self) -> str:
        """The circle's SVG `<title>`."""
        return f"{self.region}: {self.said}"


@dataclass(frozen=True)
class Key:
    fill: str | None
    text: str


def agreement_colour(share: float) -> tuple[str, str]:
    """(fill, text colour) of an agreement share between 0 and 1."""
    step = min(int(share * len(AGREEMENT_SCALE)), len(AGREEMENT_SCALE) - 1)
    return AGREEMENT_SCALE[max(step, 0)]


def theme_colour(number: int) -> tuple[str, str]:
    return THEME_COLOURS[(number - 1) % len(THEME_COLOURS)]


def _at(region: str) -> tuple[float, float]:
    return uk_map.on_map(*CENTRES[region])


def agreement_bubbles(
    shares: Mapping[str, Mapping[str, float]], *, translate: Callable[[str], str]
) -> list[Bubble]:
    """A circle per nation and region for one statement, from `{region: {"agree", "votes"}}`
    (regions with too few votes are absent from it)."""
    bubbles = []
    for region in REGIONS:
        x, y = _at(region)
        name = translate(region)
        if region not in shares:
            few = translate("fewer than %(count)s votes") % {"count": MIN_REGION_VOTES}
            bubbles.append(Bubble(name, x, y, None, "#505a5f", DASH, few))
            continue
        percent = round(shares[region]["agree"] * 100)
        fill, text = agreement_colour(shares[region]["agree"])
        said = translate("%(percent)s%% agree") % {"percent": percent}
        votes = translate("%(count)s votes") % {"count": int(shares[region]["votes"])}
        bubbles.append(Bubble(name, x, y, fill, text, f"{percent}%", f"{said} ({votes})"))
    return bubbles


def agreement_key(*, translate: Callable[[str], str]) -> list[Key]:
    """The colour scale's steps, then the hollow circle of too few votes."""
    size = 100 // len(AGREEMENT_SCALE)
    tops = [(n + 1) * size - 1 for n in range(len(AGREEMENT_SCALE) - 1)] + [100]
    steps = [
        Key(fill, f"{n * size}{DASH}{top}%")
        for n, ((fill, _), top) in enumerate(zip(AGREEMENT_SCALE, tops, strict=True))
    ]
    few = translate("fewer than %(count)s votes") % {"count": MIN_REGION_VOTES}
    return [*steps, Key(None, few)]


def theme_bubbles(leading: list[Leading], *, translate: Callable[[str], str]) -> list[Bubble]:
    """A circle per nation or region with stories in a theme, coloured by its leading theme."""
    bubbles = []
    for lead in leading:
        x, y = _at(lead.region)
        name = translate(lead.region)
        fill, text = theme_colour(lead.theme)
        said = translate("Theme %(number)s: %(stories)s of %(of)s stories") % {
            "number": lead.theme,
            "stories": lead.stories,
            "of": lead.of,
        }
        bubbles.append(Bubble(name, x, y, fill, text, str(lead.theme), said))
    return bubbles


@dataclass(frozen=True)
class ThemesMap:
    """One prompt's map of themes by region: circles, a key naming the themes, and how many
    stories are left off (they give a postcode district)."""

    bubbles: list[Bubble]
    key: list[Key]
    left_out: int


def themes_map(
    themes: Sequence[Mapping[str, Any]], *, translate: Callable[[str], str]
) -> ThemesMap:
    """From a prompt's kept themes (each with `number`, `terms` and `regions`)."""
    leading, left_out = leading_by_region({t["number"]: t["regions"] for t in themes})
    shown = {lead.theme for lead in leading}
    key = [
        Key(
            theme_colour(t["number"])[0],
            f"{translate('Theme %(number)s') % {'number': t['number']}}: {', '.join(t['terms'][:3])}",
        )
        for t in themes
        if t["number"] in shown
    ]
    return ThemesMap(theme_bubbles(leading, translate=translate), key, left_out)
