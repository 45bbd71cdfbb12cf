"""English and Welsh: which language a request wants, and the gettext catalogues that speak it.

Catalogues are read from `.po` files (`<folder>/<lang>/LC_MESSAGES/messages.po`) and compiled in
memory when built, so no `.mo` files are committed. English needs no catalogue: a missing message
falls back to its msgid, which is the English text.
"""

import gettext
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SUPPORTED_LANGUAGES = ("en", "cy")
DEFAULT_LANGUAGE = "en"
KIT_LOCALES = Path(__file__).parent / "locales"

Translate = Callable[[str], str]
"""An English msgid in, the text in one request's language out."""


def negotiate_language(
    *, query: str | None, cookie: str | None, accept_language: str | None
) -> str:
    """An explicit `?lang=` wins, then the `lang` cookie, then Accept-Language, then English."""
    for explicit in (query, cookie):
        language = supported_language(explicit)
        if language:
            return language
    return _preferred(accept_language or "") or DEFAULT_LANGUAGE


def supported_language(tag: str | None) -> str | None:
    """The supported language a tag such as `cy`, `cy-GB` or `EN_gb` names, if any."""
    primary = (tag or "").strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in SUPPORTED_LANGUAGES else None


def _preferred(accept_language: str) -> str | None:
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept_language.split(",")):
        tag, _, parameters = item.partition(";")
        language = supported_language(tag)
        quality = _quality(parameters)
        if language and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else None


def _quality(parameters: str) -> float:
    """The `q` weight of one Accept-Language entry: 1 when absent, 0 when malformed."""
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value.strip())
            except ValueError:
                return 0.0
            return quality if 0.0 <= quality <= 1.0 else 0.0
    return 1.0


class Catalogues:
    """The merged catalogues of several locale folders; a later folder overrides an earlier one.

    Build it with the kit's folder first and the service's after it:
    `Catalogues(KIT_LOCALES, service_locales)`.
    """

    def __init__(self, *folders: Path, domain: str = "messages") -> None:
        self._catalogs: dict[str, list[Catalog]] = {}
        self._translations: dict[str, gettext.NullTranslations] = {}
        for language in SUPPORTED_LANGUAGES:
            paths = (folder / language / "LC_MESSAGES" / f"{domain}.po" for folder in folders)
            catalogs = [_read(path, language, domain) for path in paths if path.is_file()]
            self._catalogs[language] = catalogs
            self._translations[language] = _compile(catalogs)

    def translations(self, language: str) -> gettext.NullTranslations:
        if language not in self._translations:
            raise ValueError(f"unsupported language {language!r}")
        return self._translations[language]

    def gettext(self, language: str, message: str) -> str:
        return self.translations(language).gettext(message)

    def ngettext(self, language: str, singular: str, plural: str, n: int) -> str:
        return self.translations(language).ngettext(singular, plural, n)

    def catalogue_entries(self, language: str) -> dict[str, str]:
        """msgid -> msgstr for every translated message (a plural under its singular, first form)."""
        return {
            _singular(message.id): _singular(message.string or "")
            for message in self._messages(language)
            if _translated(message.string) and not message.fuzzy
        }

    def untranslated(self, language: str) -> list[str]:
        """The msgids whose translation is missing or still marked fuzzy."""
        return [
            _singular(message.id)
            for message in self._messages(language)
            if not _translated(message.string) or message.fuzzy
        ]

    def _messages(self, language: str) -> Iterator[Message]:
        for catalog in self._catalogs.get(language, []):
            yield from (message for message in catalog if message.id)


def template_messages(folder: Path) -> set[str]:
    """The msgids a folder of Jinja templates asks to translate (singular ids), for tests."""
    extracted = extract_from_dir(
        str(folder),
        method_map=[("**.html", "jinja2")],
        options_map={"**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}},
    )
    return {_singular(message) for _filename, _line, message, _comments, _context in extracted}


def _read(path: Path, language: str, domain: str) -> Catalog:
    with path.open("rb") as po:
        return read_po(po, locale=language, domain=domain, abort_invalid=True)


def _compile(catalogs: list[Catalog]) -> gettext.NullTranslations:
    """Later catalogues first, each falling back to the one before it, and the last to the msgid."""
    compiled = gettext.NullTranslations()
    for catalog in catalogs:
        mo = BytesIO()
        write_mo(mo, catalog)
        mo.seek(0)
        translations = gettext.GNUTranslations(mo)
        translations.add_fallback(compiled)
        compiled = translations
    return compiled


def _singular(text: str | tuple[str, ...] | list[str]) -> str:
    """A message's text, or for a plural message its first form."""
    return text if isinstance(text, str) else text[0]


def _translated(msgstr: str | tuple[str, ...] | list[str] | None) -> bool:
    forms = (msgstr,) if msgstr is None or isinstance(msgstr, str) else msgstr
    return all(forms)
