"""Every message the pages of matching can show has a Welsh translation."""

from pathlib import Path

import pytest
from matching.domain import areas
from matching.entrypoints.web import choices, forms, organiser
from together_kit.web import labels
from together_kit.web.forms import CHECK, texts_of
from together_kit.web.i18n import KIT_LOCALES, Catalogues, template_messages

pytestmark = pytest.mark.unit

WEB = Path(__file__).resolve().parents[2] / "src" / "matching" / "entrypoints" / "web"


def shown_messages() -> set[str]:
    messages = set(template_messages(WEB / "templates"))
    for shown in (*choices.ALL, labels.INTERESTS, areas.LABELS):
        messages |= set(shown.values())
    for said in forms.EVENT.values():
        messages |= texts_of(said)
    extra = {forms.UNKNOWN_POSTCODE, organiser.PLACES_TAKEN, *texts_of(forms.MESSAGE)}
    return messages | extra | texts_of(CHECK)


def test_the_service_catalogue_is_complete() -> None:
    assert Catalogues(WEB / "locales").untranslated("cy") == []


def test_the_service_catalogue_repeats_nothing_of_the_kits() -> None:
    service = Catalogues(WEB / "locales").catalogue_entries("cy")
    kit = Catalogues(KIT_LOCALES).catalogue_entries("cy")
    assert sorted(service.keys() & kit.keys()) == []


def test_every_message_has_a_welsh_translation() -> None:
    translated = Catalogues(KIT_LOCALES, WEB / "locales").catalogue_entries("cy")
    assert sorted(shown_messages() - set(translated)) == []
