"""The story moderation's unit tests start from: shared from CF10 with consent to publish, and
screened as the service screens it."""

from datetime import datetime
from typing import Any

from moderation.domain.items import Item, Kind, StoryDetails
from moderation.domain.screening import screen


def a_story(
    at: datetime,
    text: str = "We sang on the doorsteps.",
    *,
    title: str = "The street choir",
    **details: Any,
) -> Item:
    """A story shared `at`; `details` add to (or change) its StoryDetails."""
    return Item(
        kind=Kind.STORY,
        title=title,
        text=text,
        region="CF10",
        created_at=at,
        details=StoryDetails(**{"prompt": "unites-us", "consent_to_publish": True, **details}),
        screening=screen(title=title, text=text),
    )
