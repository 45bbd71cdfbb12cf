"""Every message the pages of notifications can show has a Welsh translation."""

from pathlib import Path

import pytest
from together_kit.web.i18n import KIT_LOCALES, Catalogues, template_messages

pytestmark = pytest.mark.unit

WEB = Path(__file__).resolve().parents[2] / "src" / "notifications" / "entrypoints" / "web"


def test_the_service_catalogue_is_complete() -> None:
    assert Catalogues(WEB / "locales").untranslated("cy") == []


def test_every_message_has_a_welsh_translation() -> None:
    translated = Catalogues(KIT_LOCALES, WEB / "locales").catalogue_entries("cy")
    assert sorted(template_messages(WEB / "templates") - set(translated)) == []
