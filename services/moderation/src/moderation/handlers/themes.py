"""The themes of the published stories (domain.themes), found again by a leased periodic job
and kept whole (beside the conversations, `TalkRepository.keep_themes`) for `/stories/themes`;
the topic modelling runs in a worker thread."""

import asyncio
from collections import Counter
from dataclasses import asdict
from typing import Any

from moderation.domain import themes
from moderation.handlers.context import Context

MOST_STORIES = 5000
"""The newest published stories the themes are found in."""


async def find_story_themes(ctx: Context) -> dict[str, Any] | None:
    """Find the themes of the newest published stories and keep them; what is kept. Nothing is
    done while no prompt has enough stories, or when the stories are the same as last time (so
    an idle service never loads scikit-learn)."""
    if ctx.talk is None:
        raise RuntimeError("this moderation has no store for themes")
    published, _ = await ctx.items.published(theme=None, region=None, limit=MOST_STORIES, offset=0)
    by_prompt = Counter(item.story.prompt for item in published)
    if not by_prompt or max(by_prompt.values()) < themes.MIN_STORIES:
        return None
    fingerprint = f"{len(published)}:{published[0].id}:{published[0].decided_at}"
    latest = await ctx.talk.themes_found()
    if latest is not None and latest.get("fingerprint") == fingerprint:
        return latest
    stories = [
        themes.Story(
            id=str(item.id),
            prompt=item.story.prompt,
            region=item.region,
            language=item.language,
            text=f"{item.published_title or item.title}\n{item.published_text or item.text}",
        )
        for item in published
    ]
    titles = {story.id: story.text.split("\n", 1)[0] for story in stories}
    found = await asyncio.to_thread(themes.find_themes, stories)
    kept: dict[str, Any] = {
        "computed_at": ctx.clock(),
        "fingerprint": fingerprint,
        "stories": len(stories),
        "prompts": [
            {
                **asdict(prompt),
                "themes": [
                    {
                        **asdict(theme),
                        "stories": [
                            {"id": story, "title": titles.get(story, "")} for story in theme.stories
                        ],
                    }
                    for theme in prompt.themes
                ],
            }
            for prompt in found
        ],
    }
    await ctx.talk.keep_themes(kept)
    return kept
