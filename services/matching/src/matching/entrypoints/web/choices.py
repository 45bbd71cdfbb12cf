"""The fixed choices of matching's own pages: English msgids, translated when a page is rendered.

The shared taxonomy's labels (interests, languages) are the kit's `together_kit.labels`.
"""

from collections.abc import Mapping

from together_kit.labels import LANGUAGES

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
