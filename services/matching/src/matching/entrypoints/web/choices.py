"""The fixed choices of matching's own pages: English msgids, translated when a page is rendered.

The shared taxonomy's labels (interests, languages) are the kit's `together_kit.labels`.
"""

from collections.abc import Mapping

from together_kit.labels import LANGUAGES

EVENT_LANGUAGES: Mapping[str, str] = {**LANGUAGES, "bilingual": "Both"}

WHERE: Mapping[str, str] = {"venue": "At a venue", "online": "Online"}

ALL: tuple[Mapping[str, str], ...] = (EVENT_LANGUAGES, WHERE)
