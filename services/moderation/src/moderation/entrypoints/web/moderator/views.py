"""What the item page shows of an item: its text cut into plain and flagged pieces (each escaped
by the template, never marked safe), its findings, and its details in words, not codes (the
moderator UI is English: labels are shown as their English msgids)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from together_kit.web.labels import INTERESTS, LANGUAGES

from moderation.domain import texts
from moderation.domain.decisions import Reason
from moderation.domain.items import Item, ListingDetails, RecordingDetails, StatementDetails
from moderation.domain.pledges import PledgeDetails
from moderation.domain.screening import Finding
from moderation.domain.thanks import ThanksDetails
from moderation.entrypoints.web.labels import KINDS, PROMPTS, REASONS, STATUSES, WORKERS
from moderation.entrypoints.web.moderator.ui import uk_time

PREVIEW_LENGTH = 160


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
            ("Type of event", words(INTERESTS, listing.event_type)),
            ("Starts", uk_time(listing.starts_at)),
            ("Ends", uk_time(listing.ends_at)),
            ("Places", str(listing.places)),
            ("Where", "Online" if listing.online else (listing.outward_code or "Not given")),
        ]
        if roles := listing_roles(item):
            details.append(("Roles", ", ".join(roles)))
    elif isinstance(item.details, PledgeDetails):
        details = pledge_details(item.details)
    elif isinstance(item.details, StatementDetails):
        details = [
            ("Conversation", item.title),
            ("Voted on", "Only once approved, as written (a statement cannot be edited)"),
        ]
    elif isinstance(item.details, ThanksDetails):
        thanks = item.details
        details = [
            ("Who is thanked", item.title),
            ("Kind of worker", words(WORKERS, thanks.worker)),
            ("Nation", thanks.nation or "Not known"),
            ("Name to publish", thanks.author_name or "Anonymous"),
            ("Wants to hear the outcome", "Yes" if thanks.notify_outcome else "No"),
        ]
    elif isinstance(item.details, RecordingDetails):
        details = recording_details(item.details)
    else:
        story = item.story
        details = [
            ("Question", words(PROMPTS, story.prompt)),
            ("Name to publish", story.author_name or "Anonymous"),
            ("Consent to publish", "Yes" if story.consent_to_publish else "No"),
            ("Wants to hear the outcome", "Yes" if story.notify_outcome else "No"),
        ]
    return {
        "item": item,
        "kind": words(KINDS, item.kind.value),
        "status": words(STATUSES, item.status.value),
        "title_pieces": pieces(item.title, on["title"]),
        "text_lines": paragraphs(item.text, on["text"]),
        "findings": findings,
        "details": [
            ("Region", item.region),
            ("Language", words(LANGUAGES, item.language)),
            *sent_by(item, details),
        ],
        "suggested_title": item.screening.suggested_title or item.title,
        "suggested_text": item.screening.suggested_text or item.text,
    }


def recording_details(recording: RecordingDetails) -> list[tuple[str, str]]:
    """How long the call was and where the draft came from (the caller is never named)."""
    minutes, seconds = divmod(recording.seconds, 60)
    drafted = (
        f"By {recording.recogniser}, offline: listen and correct every word"
        if recording.recogniser
        else "Being drafted: reload the page in a minute, or type what you hear"
        if recording.draft_pending
        else "None: type what you hear"
    )
    return [
        ("Told by", "Phone (the caller's number is not kept)"),
        ("Length", f"{minutes} min {seconds} s" if minutes else f"{seconds} s"),
        ("Draft transcript", drafted),
    ]


def sent_by(item: Item, details: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A story or thank-you sent by text: said so, and its outcome is texted, never emailed."""
    if not texts.sent_by_text(item.extra):
        return details
    told = "Yes, by text message" if texts.reply_ref(item.extra) else "No"
    return [
        ("Sent", "Sent by text message"),
        *(
            (name, told if name == "Wants to hear the outcome" else value)
            for name, value in details
        ),
    ]


def pledge_details(pledge: PledgeDetails) -> list[tuple[str, str]]:
    """The title is the organisation's name, the text its pledge."""
    themes = [words(INTERESTS, category) for category in pledge.categories]
    if pledge.pledge_id is not None:
        return [("Organisation", pledge.organisation_id), ("Progress on pledge", pledge.pledge_id)]
    return [
        ("Organisation", pledge.organisation_id),
        ("Themes", ", ".join(themes) or "None chosen"),
    ]


def words(labels: Mapping[str, str], code: str) -> str:
    """The label of `code`, or the code itself when it has none (a value from a newer producer)."""
    return labels.get(code, code)


def listing_roles(item: Item) -> tuple[str, ...]:
    """The roles a listing asks volunteers for, once moderation keeps them (`roles` on its
    details, from `event.submitted`); none before."""
    roles: Iterable[str] = getattr(item.details, "roles", None) or ()
    return tuple(str(role) for role in roles)


def preview(text: str, length: int = PREVIEW_LENGTH) -> str:
    """The start of `text` on one line, cut at a word near `length` characters, with an ellipsis
    if cut (escaped by the template like everything the public sent)."""
    flat = " ".join(text.split())
    if len(flat) <= length:
        return flat
    cut = flat[:length]
    space = cut.rfind(" ")
    return (cut[:space] if space > length // 2 else cut).rstrip(" ,.;:") + "…"


def reason_options(reasons: Iterable[Reason]) -> list[tuple[str, str]]:
    """`(value, label)` of each reason, in the order of their labels."""
    return sorted(((r.value, words(REASONS, r.value)) for r in reasons), key=lambda o: o[1])
