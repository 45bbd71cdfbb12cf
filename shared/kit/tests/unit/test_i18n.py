from pathlib import Path

import pytest
from together_kit.web.i18n import KIT_LOCALES, Catalogues, negotiate_language, template_messages

pytestmark = pytest.mark.unit

KIT_TEMPLATES = KIT_LOCALES.parent / "templates"


@pytest.mark.parametrize(
    ("query", "cookie", "accept_language", "expected"),
    [
        ("cy", "en", "en-GB", "cy"),
        (None, "cy", "en-GB,en;q=0.9", "cy"),
        ("fr", "cy", "en", "cy"),
        (None, None, "cy-GB,en;q=0.5", "cy"),
        (None, None, "en-GB,cy;q=0.9", "en"),
        (None, None, "en;q=0.4, cy;q=0.8", "cy"),
        (None, None, "fr-FR, de;q=0.9, cy;q=0.1", "cy"),
        (None, None, "cy;q=0, en;q=0.2", "en"),
        (None, None, "cy;q=banana, en;q=0.2", "en"),
        (None, None, "CY_gb", "cy"),
        (None, None, "fr, *;q=0.5", "en"),
        (None, None, "", "en"),
        (None, None, None, "en"),
        ("", "", None, "en"),
    ],
)
def test_negotiation_prefers_query_then_cookie_then_weighted_header(
    query: str | None, cookie: str | None, accept_language: str | None, expected: str
) -> None:
    assert (
        negotiate_language(query=query, cookie=cookie, accept_language=accept_language) == expected
    )


def test_the_kit_catalogue_speaks_welsh_and_english_falls_back_to_the_msgid() -> None:
    catalogues = Catalogues(KIT_LOCALES)
    assert catalogues.gettext("cy", "Skip to main content") == "Neidio i'r prif gynnwys"
    assert catalogues.gettext("en", "Skip to main content") == "Skip to main content"
    assert catalogues.gettext("cy", "not in any catalogue") == "not in any catalogue"


def test_every_kit_message_and_every_template_string_is_translated_into_welsh() -> None:
    catalogues = Catalogues(KIT_LOCALES)
    assert catalogues.untranslated("cy") == []
    entries = catalogues.catalogue_entries("cy")
    assert all(entries.values())
    assert template_messages(KIT_TEMPLATES) <= entries.keys()


def write_po(folder: Path, body: str) -> Path:
    po = folder / "cy" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    header = (
        'msgid ""\nmsgstr ""\n"Language: cy\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=6; plural=(n==0) ? 0 : (n==1) ? 1 : (n==2) ? 2 : '
        '(n==3) ? 3 : (n==6) ? 4 : 5;\\n"\n\n'
    )
    po.write_text(header + body, encoding="utf-8")
    return folder


def test_a_later_folder_adds_to_and_overrides_an_earlier_one(tmp_path: Path) -> None:
    service = write_po(
        tmp_path,
        'msgid "Join"\nmsgstr "Ymuno"\n\n'
        'msgid "together"\nmsgstr "ynghyd"\n\n'
        'msgid "Not yet"\nmsgstr ""\n\n'
        'msgid "%(n)s event"\nmsgid_plural "%(n)s events"\n'
        'msgstr[0] "%(n)s digwyddiad"\nmsgstr[1] "%(n)s digwyddiad"\n'
        'msgstr[2] "%(n)s ddigwyddiad"\nmsgstr[3] "%(n)s digwyddiad"\n'
        'msgstr[4] "%(n)s digwyddiad"\nmsgstr[5] "%(n)s o ddigwyddiadau"\n',
    )
    catalogues = Catalogues(KIT_LOCALES, service)
    assert catalogues.gettext("cy", "Join") == "Ymuno"
    assert catalogues.gettext("cy", "together") == "ynghyd"
    assert catalogues.gettext("cy", "Error:") == "Gwall:"
    assert catalogues.gettext("cy", "Not yet") == "Not yet"
    assert catalogues.ngettext("cy", "%(n)s event", "%(n)s events", 2) == "%(n)s ddigwyddiad"
    assert catalogues.ngettext("cy", "%(n)s event", "%(n)s events", 7) == "%(n)s o ddigwyddiadau"
    assert catalogues.ngettext("en", "%(n)s event", "%(n)s events", 1) == "%(n)s event"
    entries = catalogues.catalogue_entries("cy")
    assert entries["Join"] == "Ymuno"
    assert entries["together"] == "ynghyd"
    assert entries["Error:"] == "Gwall:"
    assert entries["%(n)s event"] == "%(n)s digwyddiad"
    assert "Not yet" not in entries
    assert catalogues.untranslated("cy") == ["Not yet"]


def test_an_unsupported_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        Catalogues(KIT_LOCALES).translations("fr")
