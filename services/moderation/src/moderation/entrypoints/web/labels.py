"""What the pages show for moderation's own fixed choices: English msgids, translated when a page
is rendered. The languages, and `options`/`label`, are the kit's (`together_kit.web.labels`)."""

from collections.abc import Mapping

PROMPTS: Mapping[str, str] = {
    "lockdown": "How was lockdown for you?",
    "unites-us": "What unites us?",
    "divides-us": "What divides us?",
    "closer": "What would bring us closer?",
}

REGIONS: Mapping[str, str] = {
    "Wales": "Wales",
    "Scotland": "Scotland",
    "Northern Ireland": "Northern Ireland",
    "North East": "North East",
    "North West": "North West",
    "Yorkshire and the Humber": "Yorkshire and the Humber",
    "East Midlands": "East Midlands",
    "West Midlands": "West Midlands",
    "East of England": "East of England",
    "London": "London",
    "South East": "South East",
    "South West": "South West",
}

WORKERS: Mapping[str, str] = {
    "nhs-care": "NHS and care staff",
    "shops-delivery": "Shop and delivery workers",
    "schools": "Teachers and school staff",
    "transport": "Transport workers",
    "emergency": "Emergency services",
    "volunteers": "Volunteers",
    "neighbours": "Neighbours",
    "other": "Someone else",
}
"""Who a thank-you is for (domain.thanks.WORKERS)."""

NATIONS: Mapping[str, str] = {
    "England": "England",
    "Northern Ireland": "Northern Ireland",
    "Scotland": "Scotland",
    "Wales": "Wales",
}

ALL: tuple[Mapping[str, str], ...] = (PROMPTS, REGIONS, WORKERS, NATIONS)
"""The labels whose Welsh is in moderation's catalogue."""

REASONS: Mapping[str, str] = {
    "personal-data": "Personal data",
    "abusive": "Abusive",
    "off-topic": "Off topic",
    "spam": "Spam",
    "duplicate": "Duplicate",
    "not-safe": "Not safe",
    "incomplete": "Incomplete",
    "not-a-community-event": "Not a community event",
    "commercial": "Commercial",
    "safeguarding": "Safeguarding",
    "unsure": "Unsure",
    "legal": "Legal question",
    "other": "Other",
}
"""Why an item is rejected or escalated, as the (English-only) moderator UI shows it."""

KINDS: Mapping[str, str] = {
    "story": "Story",
    "listing": "Event listing",
    "pledge": "Pledge",
    "pledge-update": "Pledge progress update",
    "statement": "Conversation statement",
    "thanks": "Thank-you",
    "recording": "Story told by phone",
}
STATUSES: Mapping[str, str] = {
    "pending": "Waiting",
    "held": "Held (safeguarding)",
    "escalated": "Escalated",
    "approved": "Approved",
    "rejected": "Rejected",
    "withdrawn": "Withdrawn",
    "erased": "Erased",
}
"""What the moderator UI calls each kind and status of item."""

FLAGS: Mapping[str, str] = {
    "personal-data": "Personal data",
    "link": "Link",
    "abusive-language": "Abusive language",
    "near-duplicate": "Near duplicate",
    "safeguarding": "Safeguarding",
}
"""What screening raised, in the moderator UI's words."""
