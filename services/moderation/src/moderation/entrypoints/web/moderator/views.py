"""What the item page shows of an item: its text cut into plain and flagged pieces (each escaped
by the template, never marked safe), its findings, details and audit."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from moderation.domain.items import Item, ListingDetails
from moderation.domain.pledges import PledgeDetails
from moderation.domain.screening import Finding


@dataclass(frozen=True)
class Piece:
    text: str
    flag: str = ""
    """The flag a finding raised on this piece, empty for plain text."""


def pieces(text: str, findings: list[Finding]) -> list[Piece]:
    """`text` cut at the findings' spans; overlapping or out-of-range spans are skipped."""
    cut: list[Piece] = []
    cursor = 0
    spans = sorted(
        (f for f in findings if f.start is not None and f.end is not None),
        key=lambda f: (f.start or 0, -(f.end or 0)),
    )
    for finding in spans:
        start, end = finding.start or 0, finding.end or 0
        if start < cursor or end <= start or end > len(text):
            continue
        if start > cursor:
            cut.append(Piece(text[cursor:start]))
        cut.append(Piece(text[start:end], finding.flag.value))
        cursor = end
    if cursor < len(text):
        cut.append(Piece(text[cursor:]))
    return cut


def paragraphs(text: str, findings: list[Finding]) -> list[list[Piece]]:
    """Pieces grouped by line, so the page keeps the author's line breaks without markup."""
    lines: list[list[Piece]] = [[]]
    for piece in pieces(text, findings):
        first, *rest = piece.text.split("\n")
        if first:
            lines[-1].append(Piece(first, piece.flag))
        for line in rest:
            lines.append([Piece(line, piece.flag)] if line else [])
    return [line for line in lines if line] or [[Piece("")]]


def item_view(item: Item) -> dict[str, Any]:
    findings = list(item.screening.findings)
    on = {name: [f for f in findings if f.field == name] for name in ("title", "text")}
    details: list[tuple[str, str]] = []
    if isinstance(item.details, ListingDetails):
        listing = item.details
        details = [
            ("Type of event", listing.event_type),
            ("Starts", _when(listing.starts_at)),
            ("Ends", _when(listing.ends_at)),
            ("Places", str(listing.places)),
            ("Where", "Online" if listing.online else (listing.outward_code or "Not given")),
        ]
    elif isinstance(item.details, PledgeDetails):
        details = pledge_details(item.details)
    else:
        story = item.story
        details = [
            ("Question", story.prompt),
            ("Name to publish", story.author_name or "Anonymous"),
            ("Consent to publish", "Yes" if story.consent_to_publish else "No"),
            ("Wants to hear the outcome", "Yes" if story.notify_outcome else "No"),
        ]
    return {
        "item": item,
        "title_pieces": pieces(item.title, on["title"]),
        "text_lines": paragraphs(item.text, on["text"]),
        "findings": findings,
        "details": [("Region", item.region), ("Language", item.language), *details],
        "suggested_title": item.screening.suggested_title or item.title,
        "suggested_text": item.screening.suggested_text or item.text,
    }


def pledge_details(pledge: PledgeDetails) -> list[tuple[str, str]]:
    """The title is the organisation's name, the text its pledge."""
    return [
        ("Organisation", pledge.organisation_id),
        ("Themes", ", ".join(pledge.categories) or "None chosen"),
    ]


def _when(moment: datetime) -> str:
    return f"{moment:%a %d %b %Y %H:%M} UTC"
