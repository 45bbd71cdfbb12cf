"""What the pages show for each fixed choice: English msgids, translated when a page is rendered."""

from collections.abc import Callable, Mapping

Translate = Callable[[str], str]

PROMPTS: Mapping[str, str] = {
    "lockdown": "How was lockdown for you?",
    "unites-us": "What unites us?",
    "divides-us": "What divides us?",
    "closer": "What would bring us closer?",
}

LANGUAGES: Mapping[str, str] = {"en": "English", "cy": "Welsh"}

REGIONS: Mapping[str, str] = {
    "Wales": "Wales",
    "Scotland": "Scotland",
    "Northern Ireland": "Northern Ireland",
    "North East": "North East",
    "North West": "North West",
    "Yorkshire and the Humber": "Yorkshire and the Humber",
    "East Midlands": "East Midlands",
    "West Midlands": "West Midlands",
    "East of England": "East of England",
    "London": "London",
    "South East": "South East",
    "South West": "South West",
}

ALL: tuple[Mapping[str, str], ...] = (PROMPTS, LANGUAGES, REGIONS)


def options(labels: Mapping[str, str], translate: Translate) -> list[tuple[str, str]]:
    """`(value, label)` pairs for the form macros, labels in the page's language."""
    return [(str(value), translate(label)) for value, label in labels.items()]


def label(labels: Mapping[str, str], value: str, translate: Translate) -> str:
    return translate(labels.get(value, value))
