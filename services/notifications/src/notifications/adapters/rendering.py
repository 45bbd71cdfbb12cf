"""Email bodies from Jinja templates: per message type, in English and Welsh, falling back to English.

`templates/email/<language>/<template>.subject.txt`, `.txt` and `.html`; each body extends its
language's `_base` (footer with the unsubscribe link). HTML is autoescaped, text is not.

Texts (SMS) from `templates/sms/<language>/<template>.txt`: plain text sent as one paragraph (every
run of spaces and line breaks becomes one space), so a template may be laid out for reading; each
must fit two segments with long values (domain.segments, tests/unit/test_sms_templates.py).
Someone's words in a text go through the `plain` filter (domain.segments.plain), long ones
through `truncate`.
"""

from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    select_autoescape,
)
from together_contracts.matches import MatchReasons
from together_kit.web import labels
from together_kit.web.i18n import (
    DEFAULT_LANGUAGE,
    KIT_LOCALES,
    Catalogues,
    Translate,
    supported_language,
)

from notifications.domain.channels import Rendered
from notifications.domain.segments import plain

EMAIL_TEMPLATES = Path(__file__).parent.parent / "templates" / "email"
SMS_TEMPLATES = EMAIL_TEMPLATES.parent / "sms"
FALLBACK = "en"


class Renderer:
    def __init__(self, folder: Path = EMAIL_TEMPLATES) -> None:
        self._environment = Environment(
            loader=FileSystemLoader(folder),
            autoescape=select_autoescape(enabled_extensions=("html",), default=False),
            undefined=StrictUndefined,
        )

    def render(self, template: str, *, language: str, context: dict[str, Any]) -> Rendered:
        for candidate in dict.fromkeys((language, FALLBACK)):
            try:
                return self._render(template, candidate, context)
            except TemplateNotFound:
                continue
        raise TemplateNotFound(f"{FALLBACK}/{template}")

    def _render(self, template: str, language: str, context: dict[str, Any]) -> Rendered:
        base = f"{language}/{template}"
        subject = self._environment.get_template(f"{base}.subject.txt").render(context)
        return Rendered(
            subject=" ".join(subject.split()),
            text=self._environment.get_template(f"{base}.txt").render(context).strip() + "\n",
            html=self._environment.get_template(f"{base}.html").render(subject=subject, **context),
            language=language,
        )


class TextRenderer:
    """Renders a text message: the `Rendered` of an email with only `text` (no subject, no HTML)."""

    def __init__(self, folder: Path = SMS_TEMPLATES) -> None:
        self._environment = Environment(
            loader=FileSystemLoader(folder),
            autoescape=select_autoescape(enabled_extensions=("html",), default=False),
            undefined=StrictUndefined,
        )
        self._environment.filters["plain"] = plain

    def render(self, template: str, *, language: str, context: dict[str, Any]) -> Rendered:
        for candidate in dict.fromkeys((language, FALLBACK)):
            try:
                found = self._environment.get_template(f"{candidate}/{template}.txt")
            except TemplateNotFound:
                continue
            return Rendered(
                subject="", text=tidy(found.render(context)), html="", language=candidate
            )
        raise TemplateNotFound(f"{FALLBACK}/{template}.txt")


def tidy(text: str) -> str:
    """A text as it is sent: one paragraph, every run of spaces and line breaks one space."""
    return " ".join(text.split())


class Words:
    """The kit's words for codes other services send (moderation's reasons, matching's reasons
    as facts), in English or Welsh, for the context of an email."""

    def __init__(self, catalogues: Catalogues | None = None) -> None:
        self._catalogues = catalogues or Catalogues(KIT_LOCALES)

    def translator(self, language: str) -> Translate:
        chosen = supported_language(language) or DEFAULT_LANGUAGE
        return lambda message: self._catalogues.gettext(chosen, message)

    def rejection(self, code: str | None, language: str) -> str:
        """Why a story or pledge was not published, in words ("" for no reason)."""
        if not code:
            return ""
        return labels.label(labels.REJECTION_REASONS, code, self.translator(language))

    def match_reasons(self, why: MatchReasons, language: str) -> list[str]:
        return labels.match_reasons(
            distance_km=why.distance_km,
            interests=[str(interest) for interest in why.interests],
            slot=None if why.slot is None else str(why.slot),
            translate=self.translator(language),
        )
