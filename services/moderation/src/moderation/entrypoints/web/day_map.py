"""The map of the 5 July page: where the thanks come from and where the day's events are, drawn
with `_region_map.html`'s `bubble_map` on the kit's outline (`together_kit.web.uk_map`).

A thank-you or an event is placed at its postcode district (the kit's district table,
`together_kit.districts`) or at its nation's or region's centre (`domain.regions.CENTRES`); one
that cannot be placed (an online event) is counted in the table but not drawn. One circle per
place, its number (thanks and events together) printed inside it; its colour says what is there,
and the table beside the map says it in words.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from together_kit import districts
from together_kit.web import uk_map

from moderation.domain.regions import CENTRES
from moderation.entrypoints.web.region_map import Bubble, Key

RADIUS = 18
THANKS_COLOUR = ("#1d70b8", "#ffffff")
EVENTS_COLOUR = ("#00703c", "#ffffff")
BOTH_COLOUR = ("#4c2c92", "#ffffff")
"""(fill, text): GOV.UK blue, green and purple."""


@dataclass(frozen=True)
class Place:
    name: str
    """A nation, region or postcode district, as stored."""
    label: str
    """Its name in the page's language."""
    thanks: int
    events: int
    on_map: bool


def where(region: str) -> tuple[float, float] | None:
    """SVG coordinates of a nation, region or postcode district, or None."""
    if region in CENTRES:
        return uk_map.on_map(*CENTRES[region])
    placed = districts.place(region)
    if placed is None:
        return None
    return uk_map.on_map(placed.centroid.latitude, placed.centroid.longitude)


def places(
    thanks: Iterable[str], events: Iterable[str], *, translate: Callable[[str], str]
) -> list[Place]:
    """Each place with its thanks and events, the busiest first."""
    by_thanks, by_events = Counter(thanks), Counter(events)
    found = [
        Place(name, translate(name), by_thanks[name], by_events[name], where(name) is not None)
        for name in set(by_thanks) | set(by_events)
    ]
    return sorted(found, key=lambda p: (-(p.thanks + p.events), p.name))


def bubbles(found: Iterable[Place], *, translate: Callable[[str], str]) -> list[Bubble]:
    drawn = []
    for place in found:
        at = where(place.name)
        if at is None:
            continue
        if place.thanks and place.events:
            fill, text = BOTH_COLOUR
        else:
            fill, text = THANKS_COLOUR if place.thanks else EVENTS_COLOUR
        said = translate("thanks: %(thanks)s, events: %(events)s") % {
            "thanks": place.thanks,
            "events": place.events,
        }
        total = str(place.thanks + place.events)
        drawn.append(Bubble(place.label, at[0], at[1], fill, text, total, said))
    return drawn


def key(*, translate: Callable[[str], str]) -> list[Key]:
    return [
        Key(THANKS_COLOUR[0], translate("Thanks")),
        Key(EVENTS_COLOUR[0], translate("Events on the day")),
        Key(BOTH_COLOUR[0], translate("Thanks and events")),
    ]
