"""What pages show for the shared taxonomy's fixed choices: English msgids, translated when a page
is rendered (their Welsh is in the kit's catalogue)."""

from collections.abc import Mapping

from together_contracts import Availability, Interest, OrganisationType

from together_kit.i18n import Translate

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

AVAILABILITY: Mapping[str, str] = {
    Availability.WEEKDAY_DAYTIMES: "Weekday daytimes",
    Availability.WEEKDAY_EVENINGS: "Weekday evenings",
    Availability.WEEKENDS: "Weekends",
}

ORGANISATION_TYPES: Mapping[str, str] = {
    OrganisationType.COMMUNITY_GROUP: "Community group",
    OrganisationType.CHARITY: "Charity",
    OrganisationType.FAITH_GROUP: "Faith group",
    OrganisationType.BUSINESS: "Business",
    OrganisationType.PUBLIC_BODY: "Public body",
    OrganisationType.SCHOOL_OR_COLLEGE: "School or college",
    OrganisationType.SPORTS_CLUB: "Sports club",
    OrganisationType.OTHER: "Other",
}

LANGUAGES: Mapping[str, str] = {"en": "English", "cy": "Welsh"}

ALL: tuple[Mapping[str, str], ...] = (INTERESTS, AVAILABILITY, ORGANISATION_TYPES, LANGUAGES)


def options(labels: Mapping[str, str], translate: Translate) -> list[tuple[str, str]]:
    """`(value, label)` pairs for the form macros, labels in the page's language."""
    return [(str(value), translate(label)) for value, label in labels.items()]


def label(labels: Mapping[str, str], value: str, translate: Translate) -> str:
    """The translated label of `value`, or `value` itself when it has none."""
    return translate(labels.get(value, value))
