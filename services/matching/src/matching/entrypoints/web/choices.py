"""The fixed choices of matching's own pages: English msgids, translated when a page is rendered.

The shared taxonomy's labels (interests, languages) are the kit's `together_kit.web.labels`.
"""

from collections.abc import Mapping
from typing import Any

from together_kit.web.i18n import Translate
from together_kit.web.labels import LANGUAGES, match_reasons

EVENT_LANGUAGES: Mapping[str, str] = {**LANGUAGES, "bilingual": "Both"}

WHERE: Mapping[str, str] = {"venue": "At a venue", "online": "Online"}

REJECTION_REASONS: Mapping[str, str] = {
    "personal-data": "It included someone's personal details",
    "abusive": "It was abusive",
    "off-topic": "It was not about community activity",
    "spam": "It looked like spam",
    "duplicate": "The same event is already listed",
    "not-safe": "It did not look safe for volunteers",
    "incomplete": "It did not say enough about the event",
    "not-a-community-event": "It is not a community event",
    "commercial": "It was selling something",
    "safeguarding": "It raised a safeguarding concern",
    "other": "The moderator did not give a reason from our list",
}
"""Moderation's reason codes (listing.rejected), as the organiser's page says them."""

ALL: tuple[Mapping[str, str], ...] = (EVENT_LANGUAGES, WHERE, REJECTION_REASONS)


def reasons_said(kept: Mapping[str, Any], translate: Translate) -> list[str]:
    """The reasons stored with a match (`handlers.matching.reasons_kept`), in the page's words;
    none for a match stored without them."""
    if not kept:
        return []
    return match_reasons(
        distance_km=kept.get("distance_km"),
        interests=kept.get("interests") or (),
        slot=kept.get("slot"),
        translate=translate,
    )
