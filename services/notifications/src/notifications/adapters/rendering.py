"""Email bodies from Jinja templates: per message type, in English and Welsh, falling back to English.

`templates/email/<language>/<template>.subject.txt`, `.txt` and `.html`; each body extends its
language's `_base` (footer with the unsubscribe link). HTML is autoescaped, text is not.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    select_autoescape,
)

EMAIL_TEMPLATES = Path(__file__).parent.parent / "templates" / "email"
FALLBACK = "en"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    language: str


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
