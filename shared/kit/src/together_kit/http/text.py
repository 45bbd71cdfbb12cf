"""Cleaned user text for request models and forms: `name: Annotated[str, single_line(100)]`.

The factories return pydantic metadata, so inside `Annotated` mypy sees a plain `str`; written
alone (`name: single_line(100)`) pydantic accepts it too, but mypy needs an ignore and sees `Any`.
Cleaning runs before the length check, so `min_length` and `max_length` count what is kept,
length errors carry the field's path, and the JSON schema keeps `minLength`/`maxLength`.
"""

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from annotated_types import GroupedMetadata
from pydantic import BeforeValidator, GetCoreSchemaHandler, StringConstraints
from pydantic_core import core_schema

_LINE_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029]")
_KEPT_IN_MULTILINE = frozenset("\n\t")


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Remove control and format characters (Unicode Cc, Cf), normalise to NFC, trim the ends.

    Single-line text also has every run of whitespace, line breaks and tabs included, collapsed to
    one space. Multi-line text keeps newlines (any line break becomes `\\n`) and tabs.
    """
    if multiline:
        value = _LINE_BREAKS.sub("\n", value)
    kept = "".join(
        char
        for char in value
        if unicodedata.category(char) not in {"Cc", "Cf"}
        or (char in _KEPT_IN_MULTILINE if multiline else char.isspace())
    )
    text = unicodedata.normalize("NFC", kept)
    return text.strip() if multiline else " ".join(text.split())


@dataclass(frozen=True)
class CleanText(GroupedMetadata):
    """Pydantic metadata: clean with `clean_text`, then check the length of what is left."""

    max_length: int
    min_length: int = 1
    multiline: bool = False

    def __iter__(self) -> Iterator[object]:
        """Constraints first, so they sit on the string schema and report string errors.

        A before-validator wraps whatever precedes it, so cleaning still runs before the check.
        """
        yield StringConstraints(min_length=self.min_length, max_length=self.max_length)
        yield BeforeValidator(self._clean)

    def __get_pydantic_core_schema__(
        self, source: object, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """Used only when written alone as an annotation; inside `Annotated` it is unpacked."""
        return handler.generate_schema(Annotated[str, self])

    def _clean(self, value: object) -> object:
        return clean_text(value, multiline=self.multiline) if isinstance(value, str) else value


def single_line(max_length: int, *, min_length: int = 1) -> CleanText:
    """A name, title or similar: one line, whitespace collapsed."""
    return CleanText(max_length, min_length)


def multi_line(max_length: int, *, min_length: int = 1) -> CleanText:
    """A story, message or description: newlines and tabs kept."""
    return CleanText(max_length, min_length, multiline=True)
