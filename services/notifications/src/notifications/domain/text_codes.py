"""Short codes that name one invitation in a text: "Reply YES K7MX to take the place".

A code is typed on a phone keypad and read off a small screen, so it is short and drawn from
letters and digits that no one mistakes for another (no 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G). It needs
to be unique only among the open invitations of one number: a reply is looked up with the
sender's number, never the code alone.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

ALPHABET = "ACDEFHJKMNPQRTUVWXY3479"
LENGTH = 4


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def looks_like_code(word: str) -> bool:
    """Whether a word someone typed could be a code (its case is forgiven)."""
    return len(word) == LENGTH and all(letter in ALPHABET for letter in word.upper())


@dataclass(frozen=True)
class CodeEntry:
    """The invitation a code stands for, while it is open."""

    code: str
    match_id: str
    person_id: str
    phone_digest: str
    expires_at: datetime
