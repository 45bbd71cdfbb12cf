"""Every message the pages of matching can show has a Welsh translation."""

from pathlib import Path

import pytest
from matching.entrypoints.web import forms, labels
from together_kit.i18n import KIT_LOCALES, Catalogues, template_messages

pytestmark = pytest.mark.unit

WEB = Path(__file__).resolve().parents[2] / "src" / "matching" / "entrypoints" / "web"


def shown_messages() -> set[str]:
    messages = set(template_messages(WEB / "templates"))
    for choices in labels.ALL:
        messages |= set(choices.values())
    for said in forms.EVENT.values():
        messages |= {m for m in (said.missing, said.invalid, said.too_long, said.rule) if m}
    return messages | {forms.UNKNOWN_POSTCODE, forms.CHECK.missing}


def test_the_service_catalogue_is_complete() -> None:
    assert Catalogues(WEB / "locales").untranslated("cy") == []


def test_every_message_has_a_welsh_translation() -> None:
    translated = Catalogues(KIT_LOCALES, WEB / "locales").catalogue_entries("cy")
    assert sorted(shown_messages() - set(translated)) == []
