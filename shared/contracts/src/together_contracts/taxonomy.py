"""The fixed vocabularies that several services share: interests, availability, languages."""

from enum import StrEnum
from typing import Literal

Language = Literal["en", "cy"]


class Interest(StrEnum):
    COMMUNITY_EVENTS = "community-events"
    BEFRIENDING = "befriending-and-loneliness"
    INTERGENERATIONAL = "intergenerational"
    FAITH = "faith-and-interfaith"
    MIGRANTS_AND_REFUGEES = "migrants-and-refugees"
    ENVIRONMENT = "environment"
    SPORT = "sport"
    ARTS_AND_CULTURE = "arts-and-culture"
    FOOD_AND_MUTUAL_AID = "food-and-mutual-aid"
    YOUNG_PEOPLE = "young-people"
    DIGITAL_INCLUSION = "digital-inclusion"


class Availability(StrEnum):
    WEEKDAY_DAYTIMES = "weekday-daytimes"
    WEEKDAY_EVENINGS = "weekday-evenings"
    WEEKENDS = "weekends"


class OrganisationType(StrEnum):
    COMMUNITY_GROUP = "community-group"
    CHARITY = "charity"
    FAITH_GROUP = "faith-group"
    BUSINESS = "business"
    PUBLIC_BODY = "public-body"
    SCHOOL_OR_COLLEGE = "school-or-college"
    SPORTS_CLUB = "sports-club"
    OTHER = "other"


class Consent(StrEnum):
    """What a person may agree to, each separately."""

    MATCHED_EVENTS = "matched-events"
    NEWS = "news"
