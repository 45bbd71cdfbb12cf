"""Texts to the coalition's number (issue 23): what each one asks, done once per text.

A text is recorded once, under an id derived from the provider's (`text_id`), and the record
carries in its outbox the events the text causes, so recording it and telling the other services
are one write. The steps before that write (a reply in the delivery log, a suppression, a kept
sender) are each idempotent, so a webhook the provider resends after a crash between them does
none of them twice; once the text is recorded, a resend does nothing at all.

Every reply goes out through `texts_out.queue_text`, keyed by the text (its cause), in the
language of the keyword when it was a Welsh one, else the language of the volunteer with that
number, else English. A number that texts more than `REPLIES_PER_DAY` times a day gets no more
replies that day (an auto-responder must not talk to us for ever); a STOP is always confirmed.
"""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

import structlog
from together_contracts import (
    ChannelsChosen,
    ChannelsChosenData,
    IntegrationEvent,
    MatchAnswered,
    MatchAnsweredData,
    PersonErasureRequested,
    TextReceived,
    TextReceivedData,
    TextsStopped,
    TextsStoppedData,
    normalised_phone,
    phone_digest,
)

from notifications.domain import keywords
from notifications.domain.contacts import Contact
from notifications.domain.keywords import Answer, Asked, Choice, OptIn, OptOut, Submission
from notifications.domain.suppressions import STOP_CONFIRMATION, TEXTS_STOPPED
from notifications.domain.text_codes import CodeEntry
from notifications.domain.text_senders import TextSender
from notifications.domain.texts import InboundText
from notifications.handlers.context import PRODUCER, Context
from notifications.handlers.texts_out import queue_text

log = structlog.get_logger("notifications.texts_in")
TEXT_IDS = uuid.UUID("5d0c1f4e-2b7a-4c55-9d43-7a1f6b0e2c11")
"""The namespace of `text_id`s (uuid5 of the provider's id) and of `reply_ref`s."""
REPLY = "transactional"
"""The kind of a reply in the delivery log: asked for, so sent even to a number unsubscribed
from invitations (never to one that sent STOP)."""
REPLIES_PER_DAY = 10

Language = Literal["en", "cy"]


@dataclass(frozen=True)
class Heard:
    """A text being acted on: who sent it and what they asked."""

    text_id: str
    phone: str
    digest: str
    """`phone_digest` of the number: how contacts, codes and erasure find it."""
    asked: Asked
    language: Language
    contacts: list[Contact]
    correlation_id: str


@dataclass
class Done:
    """What acting on a text left to do: events to record with it, a reply to queue."""

    events: list[IntegrationEvent] = field(default_factory=list)
    reply: str | None = None
    kind: str = REPLY
    values: dict[str, object] = field(default_factory=dict)


def text_id_of(provider_id: str) -> str:
    return str(uuid.uuid5(TEXT_IDS, f"text:{provider_id}"))


def reply_ref_of(text_id: str) -> str:
    return str(uuid.uuid5(TEXT_IDS, f"reply:{text_id}"))


async def receive_text(text: InboundText, *, correlation_id: str, ctx: Context) -> bool:
    """Act on a text once; False when it was received before (a resent webhook)."""
    assert ctx.inbound_texts is not None, "bootstrap gives texts a store"
    text_id = text_id_of(text.provider_id)
    if await ctx.inbound_texts.seen(text_id):
        return False
    phone = normalised_phone(text.sender)
    digest = phone_digest(phone, key=ctx.erasure_key)
    asked = keywords.parse(text.body)
    contacts = await ctx.contacts.with_phone(digest)
    heard = Heard(
        text_id=text_id,
        phone=phone,
        digest=digest,
        asked=asked,
        language=_language(asked, contacts),
        contacts=contacts,
        correlation_id=correlation_id,
    )
    if isinstance(asked, OptOut):
        done = await _stop(asked, heard, ctx)
    else:
        done = await _act(heard, ctx)
        if done.reply and not await _too_many(heard, ctx):
            await _reply(heard, done, ctx)
    asked_for = type(asked).__name__.lower()
    recorded = await ctx.inbound_texts.record(
        text_id, phone_digest=digest, asked=asked_for, at=ctx.clock(), events=done.events
    )
    told = [event.type for event in done.events]
    log.info("text received", text_id=text_id, asked=asked_for, told=told, recorded=recorded)
    return recorded


async def _act(heard: Heard, ctx: Context) -> Done:
    asked = heard.asked
    if isinstance(asked, OptIn):
        await ctx.suppressions.lift(ctx.address_keys.digests(heard.phone), reason=TEXTS_STOPPED)
        return Done(reply="reply_started")
    if isinstance(asked, Choice):
        return await _choose(asked, heard, ctx)
    if isinstance(asked, Answer):
        return await _answer(asked, heard, ctx)
    if isinstance(asked, Submission):
        return await _submit(asked, heard, ctx)
    return Done(reply="reply_help")


async def _stop(asked: OptOut, heard: Heard, ctx: Context) -> Done:
    """Confirm first (the confirmation is recorded before the number is suppressed, and is of
    the one kind a stop lets through), then suppress the number for texts, and tell signups of
    each volunteer with the number."""
    done = Done(reply="reply_stopped", kind=STOP_CONFIRMATION)
    await _reply(heard, done, ctx)
    await ctx.suppressions.add(
        ctx.address_keys.digests(heard.phone),
        reason=TEXTS_STOPPED,
        at=ctx.clock(),
        person_id=heard.contacts[0].person_id if len(heard.contacts) == 1 else None,
        detail=f"replied {asked.keyword} to a text",
    )
    done.events = [
        TextsStopped(
            producer=PRODUCER,
            correlation_id=heard.correlation_id,
            data=TextsStoppedData(person_id=uuid.UUID(contact.person_id), keyword=asked.keyword),
        )
        for contact in heard.contacts
    ]
    return done


async def _choose(asked: Choice, heard: Heard, ctx: Context) -> Done:
    """EMAIL, TEXT or BOTH: `volunteer.channels_chosen` for each volunteer with the number
    (signups applies it and tells us the channels back as `volunteer.contact_changed`), and a
    reply saying what now reaches them. Email needs an address we hold: a volunteer signed up
    with only a mobile is told so, and keeps texts. Choosing text lifts a STOP, as START does."""
    if not heard.contacts:
        return Done(reply="reply_choice_unknown")
    wanting = "email" in asked.channels
    choosing = [c for c in heard.contacts if c.email or not wanting]
    if not choosing:
        return Done(reply="reply_choice_no_email")
    if "sms" in asked.channels:
        await ctx.suppressions.lift(ctx.address_keys.digests(heard.phone), reason=TEXTS_STOPPED)
    chosen: list[IntegrationEvent] = [
        ChannelsChosen(
            producer=PRODUCER,
            correlation_id=heard.correlation_id,
            data=ChannelsChosenData(
                person_id=uuid.UUID(contact.person_id),
                channels=list(asked.channels),
                keyword=asked.keyword,
            ),
        )
        for contact in choosing
    ]
    return Done(events=chosen, reply="reply_chose_" + "_".join(asked.channels))


async def _answer(asked: Answer, heard: Heard, ctx: Context) -> Done:
    """YES or NO with a code of the number's, or bare while the number has one invitation open:
    `match.answered` (matching's `match.accepted` or `match.declined` is the reply)."""
    assert ctx.text_codes is not None, "bootstrap gives texts their codes"
    entry: CodeEntry | None
    if asked.code is not None:
        entry = await ctx.text_codes.find(asked.code, phone_digest=heard.digest)
        if entry is None:
            return Done(reply="reply_unknown_code")
    else:
        open_ones = await ctx.text_codes.open_for(heard.digest)
        if not open_ones:
            return Done(reply="reply_no_invitation")
        if len(open_ones) > 1:
            return Done(reply="reply_which_code")
        [entry] = open_ones
    answered = MatchAnswered(
        producer=PRODUCER,
        correlation_id=heard.correlation_id,
        data=MatchAnsweredData(
            match_id=uuid.UUID(entry.match_id),
            person_id=uuid.UUID(entry.person_id),
            answer=asked.answer,
        ),
    )
    return Done(events=[answered])


async def _submit(asked: Submission, heard: Heard, ctx: Context) -> Done:
    """STORY or THANKS and words: `text.received` for moderation's queue, with a `reply_ref`
    kept here to text the outcome; without words, a reply asking for them."""
    if not asked.text:
        return Done(reply=f"reply_{asked.kind}_empty")
    assert ctx.text_senders is not None, "bootstrap gives texts their senders"
    reply_ref = reply_ref_of(heard.text_id)
    sender = TextSender(reply_ref=reply_ref, phone=heard.phone, language=heard.language)
    await ctx.text_senders.keep(sender, phone_digest=heard.digest, at=ctx.clock())
    received = TextReceived(
        producer=PRODUCER,
        correlation_id=heard.correlation_id,
        data=TextReceivedData(
            text_id=uuid.UUID(heard.text_id),
            kind=asked.kind,
            body=asked.text,
            language=asked.language,
            reply_ref=uuid.UUID(reply_ref),
        ),
    )
    return Done(events=[received], reply=f"reply_{asked.kind}_received")


async def _reply(heard: Heard, done: Done, ctx: Context) -> None:
    assert done.reply is not None
    await queue_text(
        ctx,
        to=heard.phone,
        template=done.reply,
        language=heard.language,
        values=done.values,
        cause_id=heard.text_id,
        kind=done.kind,
    )


async def _too_many(heard: Heard, ctx: Context) -> bool:
    assert ctx.inbound_texts is not None
    since = ctx.clock() - timedelta(days=1)
    return await ctx.inbound_texts.count_since(heard.digest, since) >= REPLIES_PER_DAY


def _language(asked: Asked, contacts: list[Contact]) -> Language:
    said = None if isinstance(asked, OptOut) else asked.language
    if said == "cy":
        return "cy"
    if contacts and contacts[0].language == "cy":
        return "cy"
    return "en"


async def forget_texts(event: PersonErasureRequested, ctx: Context) -> None:
    """Erasure: by number, the senders kept for outcomes, the codes and the records of texts
    received go; by person, their invitations' codes. (A STOP's suppression stays: it holds no
    number, and erasure must not start texts again.)"""
    if ctx.text_codes is not None and event.data.person_id is not None:
        await ctx.text_codes.forget_person(str(event.data.person_id))
    digest = event.data.phone_digest
    if not digest:
        return
    if ctx.text_codes is not None:
        await ctx.text_codes.forget_number(digest)
    if ctx.text_senders is not None:
        await ctx.text_senders.forget_number(digest)
    if ctx.inbound_texts is not None:
        await ctx.inbound_texts.forget_number(digest)
