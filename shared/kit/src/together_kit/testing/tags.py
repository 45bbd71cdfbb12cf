"""Unique tags for test data that people's text will carry (story titles, names)."""

import uuid

LETTERS = str.maketrans("0123456789", "ghijklmnop")


def unique_tag(length: int = 6) -> str:
    """Letters only: a hex tag such as "b12cd3" reads as a postcode, and screening would flag it
    as personal data (and redact it, or refuse to approve it as sent)."""
    return uuid.uuid4().hex[:length].translate(LETTERS)
