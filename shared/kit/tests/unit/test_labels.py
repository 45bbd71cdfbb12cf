import pytest
from together_contracts import Availability, Interest, OrganisationType
from together_kit import labels
from together_kit.forms import MESSAGES, texts_of
from together_kit.i18n import KIT_LOCALES, Catalogues

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
