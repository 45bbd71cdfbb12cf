"""Unique tags for test data that people's text will carry (story titles, names), and finding
names in the text a test reads back."""

import re
import uuid

LETTERS = str.maketrans("0123456789", "ghijklmnop")


def unique_tag(length: int = 6) -> str:
    """Letters only: a hex tag such as "b12cd3" reads as a postcode, and screening would flag it
    as personal data (and redact it, or refuse to approve it as sent)."""
    return uuid.uuid4().hex[:length].translate(LETTERS)


def mentions(text: str, name: str) -> bool:
    """Whether `text` has `name` as a word. A short name such as "Cai" can be spelled by chance
    inside a signed token in a link (it once was), so "not in" on a page or an email can fail
    when nothing is wrong."""
    return re.search(rf"\b{re.escape(name)}\b", text) is not None
