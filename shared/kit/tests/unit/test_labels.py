import pytest
from together_contracts import Availability, Interest, OrganisationType
from together_kit.web import labels
from together_kit.web.forms import MESSAGES, texts_of
from together_kit.web.i18n import KIT_LOCALES, Catalogues

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("taxonomy", "shown"),
    [
        (Interest, labels.INTERESTS),
        (Availability, labels.AVAILABILITY),
        (OrganisationType, labels.ORGANISATION_TYPES),
    ],
)
def test_every_choice_of_the_taxonomy_has_a_label(taxonomy: type, shown: dict[str, str]) -> None:
    assert set(shown) == {member.value for member in taxonomy}


def test_every_label_and_form_message_of_the_kit_speaks_welsh() -> None:
    welsh = Catalogues(KIT_LOCALES).catalogue_entries("cy")
    shown = {text for mapping in labels.ALL for text in mapping.values()}
    said = {text for messages in MESSAGES for text in texts_of(messages)}
    assert sorted((shown | said) - welsh.keys()) == []


def test_options_and_labels_are_translated() -> None:
    welsh = Catalogues(KIT_LOCALES)

    def translate(message: str) -> str:
        return welsh.gettext("cy", message)

    assert labels.options(labels.LANGUAGES, translate) == [("en", "Saesneg"), ("cy", "Cymraeg")]
    assert labels.label(labels.INTERESTS, Interest.SPORT, translate) == "Chwaraeon"
    assert labels.label(labels.INTERESTS, "unheard-of", translate) == "unheard-of"


@pytest.mark.parametrize(
    ("distance_km", "language", "first"),
    [
        (0.0, "en", "In your area"),
        (0.0, "cy", "Yn eich ardal chi"),
        (0.4, "en", "Less than 1 km from you"),
        (2.14, "en", "2.1 km from you"),
        (2.14, "cy", "2.1 km oddi wrthych"),
        (None, "cy", "Ar-lein"),
    ],
)
def test_match_reasons_are_said_in_the_readers_language(
    distance_km: float | None, language: str, first: str
) -> None:
    catalogues = Catalogues(KIT_LOCALES)

    def translate(message: str) -> str:
        return catalogues.gettext(language, message)

    said = labels.match_reasons(
        distance_km=distance_km,
        interests=[Interest.FOOD_AND_MUTUAL_AID],
        slot=Availability.WEEKENDS,
        translate=translate,
    )

    assert said[0] == first
    if language == "cy":
        assert said[1:] == [
            "Rydych yn hoffi: Bwyd a chyd-gymorth",
            "Rydych fel arfer yn rhydd bryd hynny: Penwythnosau",
        ]
    else:
        assert said[1:] == [
            "You like: Food and mutual aid",
            "You are usually free then: Weekends",
        ]


def test_every_rejection_reason_of_moderation_has_words() -> None:
    codes = {
        "personal-data", "abusive", "off-topic", "spam", "duplicate", "not-safe", "incomplete",
        "not-a-community-event", "commercial", "safeguarding", "other",
    }  # fmt: skip
    assert set(labels.REJECTION_REASONS) == codes
