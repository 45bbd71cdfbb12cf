"""Templates: every one exists in English and Welsh; a missing language falls back to English."""

from pathlib import Path

import pytest
from notifications.adapters.rendering import EMAIL_TEMPLATES, Renderer

pytestmark = pytest.mark.unit


def templates(language: str) -> set[str]:
    folder = EMAIL_TEMPLATES / language
    return {p.name.removesuffix(".subject.txt") for p in folder.glob("*.subject.txt")}


def test_every_template_has_three_parts_in_both_languages() -> None:
    assert templates("en") == templates("cy")
    for language in ("en", "cy"):
        for name in templates(language):
            for suffix in (".subject.txt", ".txt", ".html"):
                assert (EMAIL_TEMPLATES / language / f"{name}{suffix}").is_file()


def test_html_is_escaped_and_text_is_not() -> None:
    rendered = Renderer().render(
        "story_approved",
        language="en",
        context={"name": "A & B", "title": "<b>x</b>", "public_url": "", "unsubscribe_url": ""},
    )
    assert "&lt;b&gt;x&lt;/b&gt;" in rendered.html
    assert "<b>x</b>" in rendered.text
    assert "A & B" in rendered.text


def test_missing_language_falls_back_to_english(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "cy").mkdir()
    for suffix, body in (
        (".subject.txt", "Hi"),
        (".txt", "Hello {{ name }}"),
        (".html", "<p>Hello</p>"),
    ):
        (tmp_path / "en" / f"only_english{suffix}").write_text(body)

    rendered = Renderer(tmp_path).render("only_english", language="cy", context={"name": "Ann"})

    assert rendered.language == "en"
    assert rendered.subject == "Hi"
    assert rendered.text == "Hello Ann\n"
