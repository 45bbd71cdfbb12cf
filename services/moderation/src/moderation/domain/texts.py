"""Stories and thank-yous sent by text message (issue 23): what moderation makes of a text.

A text brings only its words, their language and, when its sender asked to hear the outcome, a
`reply_ref` that notifications alone can turn back into their number. So the item has no author
(no name, no email: nothing erasure or subject access could find it by), and what a web form
asks is filled in with what the public pages can show: the region `UK`, a story's question the
first one ("How was lockdown for you?"), a thank-you's kind of worker "someone else" and who is
thanked the words after "to" (`THANKS to the bin crew for …`) or else everyone who helped. The
title is the text's first words. A moderator may change the title before publishing, as for any
story. `extra` keeps that the item came by text, and the `reply_ref` for its outcome.
"""

import re
import uuid
from collections.abc import Mapping
from typing import Any, Literal
from uuid import UUID

REGION = "UK"
"""Where a text comes from, as far as anyone here knows."""
PROMPT: Literal["lockdown"] = "lockdown"
WORKER: Literal["other"] = "other"
EVERYONE = {"en": "everyone who helped", "cy": "bawb a helpodd"}
"""Who a thank-you by text thanks when it does not say (after "Thank you, " / "Diolch, ")."""
UNTITLED = {"en": "A story sent by text", "cy": "Stori a anfonwyd mewn neges destun"}
"""The title of a text with no words to take one from."""
SOURCE = "sms"
TITLE_WORDS = 8
TITLE_LENGTH = 60
WHO_LENGTH = 80

TEXT_NAMESPACE = uuid.UUID("3c7b0f52-8d1e-4a9b-b6f4-2e51d0c9a7e3")

_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
_THANKED = re.compile(r"^(?:to|i)\s+(?P<who>[^.!?\n]{2,80}?)\s+(?:for|am)\b", re.IGNORECASE)


def item_id(text_id: UUID) -> UUID:
    """The item of a text: derived from the text's id, so a text redelivered or sent again by
    the provider is queued once (and notifications' id of it is not the public page's)."""
    return uuid.uuid5(TEXT_NAMESPACE, str(text_id))


def title_of(body: str, language: str) -> str:
    """The first words of the first sentence, with an ellipsis when cut."""
    first = " ".join(_SENTENCE_END.split(body.strip(), maxsplit=1)[0].split())
    title = " ".join(first.split(" ")[:TITLE_WORDS])
    if len(title) > TITLE_LENGTH:
        title = title[:TITLE_LENGTH].rsplit(" ", 1)[0] or title[:TITLE_LENGTH]
    cut = title != first
    title = title.rstrip(" .,;:-")
    if not title:
        return UNTITLED.get(language, UNTITLED["en"])
    return title + "…" if cut else title


def thanked(body: str, language: str) -> str:
    """Who a thank-you by text thanks: `to the bin crew for …` (`i … am` in Welsh) names them."""
    found = _THANKED.match(" ".join(body.split()))
    if found is not None:
        return found.group("who")[:WHO_LENGTH]
    return EVERYONE.get(language, EVERYONE["en"])


def by_text(reply_ref: UUID | None) -> dict[str, Any]:
    """What an item keeps in `extra` of the text it came by."""
    kept: dict[str, Any] = {"source": SOURCE}
    if reply_ref is not None:
        kept["reply_ref"] = str(reply_ref)
    return kept


def sent_by_text(extra: Mapping[str, Any]) -> bool:
    return extra.get("source") == SOURCE


def reply_ref(extra: Mapping[str, Any]) -> UUID | None:
    """Notifications' reference to the sender's number, to text them the outcome; None when the
    item did not come by text or its sender asked not to be told."""
    kept = extra.get("reply_ref")
    return UUID(kept) if kept else None
