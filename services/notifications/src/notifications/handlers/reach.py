"""By which channels a volunteer hears of invitations, reminders, changes and places: email,
text (SMS) or both, as they chose in signups.

A text goes only to a volunteer who chose texts and gave a number, and only while there is an
SMS provider: otherwise the email goes, whatever the choice (said once, when the choice is
recorded: handlers.people). Someone who chose the weekly digest gets invitations in the email
digest only, never by text. Every other message (confirmations, welcomes, links) is email only,
but for someone who joined with only a mobile: their welcome and sign-in links are texted
(handlers.messages).

A text is its own message beside the email (its key, its suppressions and its weekly cap under
the number's digest), rendered from `templates/sms/`; it carries short links, and an
invitation's carries the code to answer it by text (YES K7MX).
"""

from dataclasses import replace
from datetime import datetime

from together_contracts import phone_digest

from notifications.domain.contacts import EMAIL, SMS, Contact
from notifications.domain.messages import MessageRequest, Recipient
from notifications.handlers.context import Context

TEXTED = frozenset(
    {
        "match_invitation",
        "match_accepted",
        "match_declined",
        "event_changed",
        "event_cancelled",
        "reminder_day_before",
        "reminder_morning",
    }
)
"""The messages that go by text to someone who chose texts."""


def texts_to(contact: Contact, ctx: Context) -> bool:
    """Whether texts can reach this contact: they chose them, gave a number, and texts are on."""
    return (
        contact.texts
        and SMS in ctx.channels
        and ctx.text_codes is not None
        and ctx.short_links is not None
    )


def channels_for(contact: Contact, wanted: MessageRequest, ctx: Context) -> list[str]:
    """The channels this message goes by to this contact, email first."""
    texted = wanted.template in TEXTED and not wanted.digest and texts_to(contact, ctx)
    chosen = [EMAIL] if contact.email and (contact.emails or not texted) else []
    return [*chosen, SMS] if texted else chosen


def as_text(wanted: MessageRequest, contact: Contact, **fields: object) -> MessageRequest:
    """The text beside an email: the same cause and template, to the contact's number."""
    return replace(
        wanted,
        recipient=Recipient(contact.phone, contact.name, contact.language, contact.person_id),
        channel=SMS,
        context={**wanted.context, **fields},
        digest=False,
    )


async def short(url: str, ctx: Context, *, person_id: str, until: datetime) -> str:
    """A short link to `url` for a text, kept until `until` (and a week after)."""
    if not url or ctx.short_links is None:
        return url
    return await ctx.short_links.shorten(url, person_id=person_id, expires_at=until)


class TextFields:
    """What a text of a message links to: a page (shortened), and for an invitation the code
    to answer it by (issued once per match, until the event starts)."""

    def __init__(
        self, *, link: str = "", match_id: str | None = None, until: datetime | None = None
    ) -> None:
        self.link, self.match_id, self.until = link, match_id, until

    async def values(self, contact: Contact, ctx: Context) -> dict[str, object]:
        until = self.until or ctx.clock()
        values: dict[str, object] = {
            "link": await short(self.link, ctx, person_id=contact.person_id, until=until)
        }
        if self.match_id is not None and ctx.text_codes is not None:
            values["code"] = await ctx.text_codes.issue(
                match_id=self.match_id,
                person_id=contact.person_id,
                phone_digest=phone_digest(contact.phone, key=ctx.erasure_key),
                expires_at=until,
            )
        return values
