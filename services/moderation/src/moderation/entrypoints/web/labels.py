"""What the pages show for moderation's own fixed choices: English msgids, translated when a page
is rendered. The languages, and `options`/`label`, are the kit's (`together_kit.labels`)."""

from collections.abc import Mapping

PROMPTS: Mapping[str, str] = {
    "lockdown": "How was lockdown for you?",
    "unites-us": "What unites us?",
    "divides-us": "What divides us?",
    "closer": "What would bring us closer?",
}

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

ALL: tuple[Mapping[str, str], ...] = (PROMPTS, REGIONS)
"""The labels whose Welsh is in moderation's catalogue."""
