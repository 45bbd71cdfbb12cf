"""What pages show for the shared taxonomy's fixed choices: English msgids, translated when a page
is rendered (their Welsh is in the kit's catalogue)."""

from collections.abc import Iterable, Mapping

from together_contracts import Availability, Interest, OrganisationType

from together_kit.web.i18n import Translate

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

REJECTION_REASONS: Mapping[str, str] = {
    "personal-data": "It included someone's personal details",
    "abusive": "It was abusive",
    "off-topic": "It was not about community life",
    "spam": "It looked like spam",
    "duplicate": "It repeated something already sent",
    "not-safe": "It did not look safe to publish",
    "incomplete": "It did not say enough",
    "not-a-community-event": "It is not a community event",
    "commercial": "It was selling something",
    "safeguarding": "It raised a safeguarding concern",
    "other": "The moderator did not give a reason from our list",
}
"""Moderation's reason codes (`story.rejected`, `pledge.rejected`) as the person who sent the
story or pledge is told them."""

ALL: tuple[Mapping[str, str], ...] = (
    INTERESTS,
    AVAILABILITY,
    ORGANISATION_TYPES,
    LANGUAGES,
    REJECTION_REASONS,
)

NEARBY_KM = 0.05
"""Closer than this (0.0 km once rounded: the same postcode district) reads "In your area"."""


def options(labels: Mapping[str, str], translate: Translate) -> list[tuple[str, str]]:
    """`(value, label)` pairs for the form macros, labels in the page's language."""
    return [(str(value), translate(label)) for value, label in labels.items()]


def match_reasons(
    *,
    distance_km: float | None,
    interests: Iterable[str],
    slot: str | None,
    translate: Translate,
) -> list[str]:
    """Why an event was proposed to a volunteer, in words of their language: how far (`None`
    for an online event; "In your area" for the same district), the interests they share with
    it, and the free time it falls in."""
    if distance_km is None:
        said = [translate("Online")]
    elif distance_km < NEARBY_KM:
        said = [translate("In your area")]
    elif distance_km < 1:
        said = [translate("Less than 1 km from you")]
    else:
        said = [translate("%(km)s km from you") % {"km": f"{distance_km:.1f}"}]
    for interest in interests:
        liked = translate(INTERESTS.get(interest, interest))
        said.append(translate("You like: %(interest)s") % {"interest": liked})
    if slot:
        free = translate(AVAILABILITY.get(slot, slot))
        said.append(translate("You are usually free then: %(when)s") % {"when": free})
    return said


def label(labels: Mapping[str, str], value: str, translate: Translate) -> str:
    """The translated label of `value`, or `value` itself when it has none."""
    return translate(labels.get(value, value))
