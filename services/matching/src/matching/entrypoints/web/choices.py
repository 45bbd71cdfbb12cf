"""What the pages show for each fixed choice: English msgids, translated when a page is rendered."""

from collections.abc import Callable, Mapping

from together_contracts import Interest

Translate = Callable[[str], str]

INTERESTS: Mapping[str, str] = {
    Interest.COMMUNITY_EVENTS: "Community events",
    Interest.BEFRIENDING: "Befriending and tackling loneliness",
    Interest.INTERGENERATIONAL: "Bringing generations together",
    Interest.FAITH: "Faith and interfaith",
    Interest.MIGRANTS_AND_REFUGEES: "Welcoming migrants and refugees",
    Interest.ENVIRONMENT: "Environment",
    Interest.SPORT: "Sport",
    Interest.ARTS_AND_CULTURE: "Arts and culture",
    Interest.FOOD_AND_MUTUAL_AID: "Food and mutual aid",
    Interest.YOUNG_PEOPLE: "Young people",
    Interest.DIGITAL_INCLUSION: "Helping people get online",
}

EVENT_LANGUAGES: Mapping[str, str] = {"en": "English", "cy": "Welsh", "bilingual": "Both"}

WHERE: Mapping[str, str] = {"venue": "At a venue", "online": "Online"}

ALL: tuple[Mapping[str, str], ...] = (INTERESTS, EVENT_LANGUAGES, WHERE)


def options(labels: Mapping[str, str], translate: Translate) -> list[tuple[str, str]]:
    return [(str(value), translate(label)) for value, label in labels.items()]


def label(labels: Mapping[str, str], value: str, translate: Translate) -> str:
    return translate(labels.get(value, value))
