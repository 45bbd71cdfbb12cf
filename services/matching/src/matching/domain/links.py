"""What matching's own signed links are for, and how long each kind works."""

from enum import StrEnum
from typing import NamedTuple

RESPONSE_MAX_AGE_SECONDS = 90 * 24 * 3600
"""A volunteer's link to answer a proposal."""
ORGANISER_MAX_AGE_SECONDS = 365 * 24 * 3600
"""An organiser's cancel and attendance links (issued before the organiser's page had its own)."""


class Purpose(StrEnum):
    RESPOND = "respond"
    ORGANISER = "organiser"


class AnswerLinks(NamedTuple):
    """A proposal's links for its volunteer: its page, and accept or decline in one click. The
    three carry the same token (one signature per proposal)."""

    page: str
    accept: str
    decline: str
