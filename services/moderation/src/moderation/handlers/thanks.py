"""Posting a thank-you (issue 22): screened as a story is, stored pending (or held for a lead),
told as `thanks.submitted`."""

import csv
from dataclasses import dataclass
from functools import cache

from together_contracts import IntegrationEvent
from together_contracts.thanks import Worker
from together_kit.districts import SHIPPED

from moderation.domain.items import Item, Kind
from moderation.domain.thanks import nation_of, posted_thanks
from moderation.handlers import outgoing_events
from moderation.handlers.context import Context
from moderation.handlers.screening import screened_item


@dataclass(frozen=True)
class PostThanks:
    who: str
    worker: Worker
    what_for: str
    region: str
    correlation_id: str
    language: str = "en"
    author_name: str | None = None
    author_email: str | None = None
    notify_outcome: bool = False


@cache
def district_nations() -> dict[str, str]:
    """Outward code -> nation, from the kit's district table (its fourth column)."""
    with SHIPPED.open(encoding="utf-8", newline="") as rows:
        reader = csv.reader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)
        return {row[1].strip().upper(): row[3].strip() for row in reader if len(row) > 3}


async def post_thanks(command: PostThanks, ctx: Context) -> Item:
    """Store the thank-you with what screening found (title: who; text: what for); a possible
    safeguarding disclosure is held for a lead, as a story's is."""
    details = posted_thanks(
        worker=command.worker,
        nation=nation_of(command.region, district_nations()),
        author_name=command.author_name,
        author_email=command.author_email,
        notify_outcome=command.notify_outcome,
    )
    item = await screened_item(
        Kind.THANKS,
        title=command.who,
        text=command.what_for,
        region=command.region,
        language=command.language,
        details=details,
        ctx=ctx,
    )
    told: list[IntegrationEvent] = [outgoing_events.thanks_submitted(item, command.correlation_id)]
    await ctx.items.add(item, events=told)
    return item
