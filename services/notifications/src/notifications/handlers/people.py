"""Contacts and preferences: kept from signups' events, changed by our unsubscribe links, erased."""

from collections.abc import Sequence
from uuid import UUID

import structlog
from together_contracts import (
    Consent,
    PersonErasureRequested,
    VolunteerConfirmed,
    VolunteerContactChanged,
    VolunteerRegistered,
    VolunteerUnsubscribed,
    VolunteerUnsubscribedData,
    normalised_phone,
)
from together_kit.messaging.consuming import AlreadyHandled

from notifications.domain.contacts import SMS, Contact
from notifications.domain.suppressions import TEXTS_STOPPED, UNSUBSCRIBED
from notifications.handlers import organisers
from notifications.handlers.context import PRODUCER, Context

log = structlog.get_logger("notifications.people")
ALL_CONSENTS = tuple(str(consent) for consent in Consent)


def _phone(phone: str | None) -> str:
    return normalised_phone(phone) if phone else ""


def _note_texts_unavailable(person_id: str, channels: Sequence[str], ctx: Context) -> None:
    """Texts chosen while no SMS provider is configured: said once, when the choice is recorded
    (every message to the person then goes by email)."""
    if SMS in channels and SMS not in ctx.channels:
        log.info("texts chosen but no SMS provider is configured; email used", person_id=person_id)


async def record_registration(event: VolunteerRegistered, ctx: Context) -> None:
    """Keyed by the person id, after `messages.confirm_registration`, which ends a redelivery
    whose person was erased meanwhile before this brings the contact back (no inbox is kept).
    A contact already recorded from this very event makes the event a duplicate."""
    person_id = str(event.data.person_id)
    added = await ctx.contacts.add(
        Contact(
            person_id=person_id,
            name=event.data.name,
            email=str(event.data.email or ""),
            language=event.data.language,
            registered_event_id=str(event.id),
            registered_at=event.occurred_at,
            phone=_phone(event.data.phone),
            channels=tuple(event.data.channels),
        )
    )
    if added:
        _note_texts_unavailable(person_id, event.data.channels, ctx)
    else:
        kept = await ctx.contacts.get(person_id)
        if kept is None or kept.registered_event_id == str(event.id):
            raise AlreadyHandled(str(event.id))


async def record_contact_change(event: VolunteerContactChanged, ctx: Context) -> None:
    """The person confirmed a new name or language in signups: write to them so from now on.
    (The name kept from `volunteer.registered` was given before anyone proved the address.)
    When it carries `channels`, the channels and the number held change with it; choosing texts
    again (on My together, signed in) lifts a STOP replied before the choice was made."""
    data = event.data
    person_id = str(data.person_id)
    await ctx.contacts.set_name(person_id, name=data.name, language=data.language)
    if data.channels is not None:
        changed = await ctx.contacts.set_channels(
            person_id, phone=_phone(data.phone), channels=data.channels
        )
        if changed:
            _note_texts_unavailable(person_id, data.channels, ctx)
        if SMS in data.channels and data.phone:
            await ctx.suppressions.lift(
                ctx.address_keys.digests(_phone(data.phone)),
                reason=TEXTS_STOPPED,
                before=event.occurred_at,
            )


async def record_confirmation(event: VolunteerConfirmed, ctx: Context) -> None:
    """Confirming is consenting afresh: what the profile consents to is no longer withdrawn,
    and an earlier unsubscribe through our links is lifted."""
    person_id = str(event.data.person_id)
    contact = await ctx.contacts.get(person_id)
    if contact is None:
        return
    consents = {str(consent) for consent in event.data.profile.consents}
    withdrawn = [c for c in contact.withdrawn if c not in consents]
    await ctx.contacts.set_preferences(person_id, withdrawn=withdrawn)
    if consents and contact.email:
        await ctx.suppressions.lift(ctx.address_keys.digests(contact.email), reason=UNSUBSCRIBED)


async def record_unsubscribe(event: VolunteerUnsubscribed, ctx: Context) -> None:
    """Signups told us someone withdrew consent (or we told ourselves): keep it on the contact."""
    contact = await ctx.contacts.get(str(event.data.person_id))
    if contact is None:
        return
    withdrawn = sorted({*contact.withdrawn, *(str(c) for c in event.data.withdrawn)})
    await ctx.contacts.set_preferences(contact.person_id, withdrawn=withdrawn)


async def unsubscribe(token: str, *, correlation_id: str, ctx: Context) -> bool:
    """One click (RFC 8058): suppress the address; a known volunteer withdraws every consent and
    `volunteer.unsubscribed` is told, once. False when the link is not one of ours."""
    claims = ctx.links.read(token)
    if claims is None:
        return False
    await ctx.suppressions.add(
        [claims.recipient_hash],  # as the link was made: an older key's, if mailed before one
        reason=UNSUBSCRIBED,
        at=ctx.clock(),
        person_id=claims.person_id,
        detail="one-click unsubscribe link",
    )
    if claims.person_id:
        told = VolunteerUnsubscribed(
            producer=PRODUCER,
            correlation_id=correlation_id,
            data=VolunteerUnsubscribedData(
                person_id=UUID(claims.person_id),
                withdrawn=list(Consent),
                source="notifications",
            ),
        )
        await ctx.contacts.set_preferences(claims.person_id, withdrawn=ALL_CONSENTS, events=[told])
    return True


async def forget_person(event: PersonErasureRequested, ctx: Context) -> None:
    """Delete the contact (by person id, every contact with the address: organisation contacts
    too, and every contact with the phone number), strip the delivery log of who and what (keys
    and statuses stay, so nothing is sent twice; texts are found by the number's digest, and a
    contact found by the number has its own messages scrubbed too), drop unsubscribes and short
    links, take them off organisers' rosters; then say so with `person.erased`."""
    if event.data.person_id is not None:
        person_id = str(event.data.person_id)
        await ctx.contacts.forget(person_id)
        await ctx.messages.scrub_person(person_id)
        await ctx.suppressions.forget_person(person_id)
        if ctx.connectors is not None:
            await ctx.connectors.forget(person_id)
        if ctx.short_links is not None:
            await ctx.short_links.forget_person(person_id)
    if event.data.email_digest:
        await ctx.contacts.forget_address(event.data.email_digest)
        await ctx.messages.scrub_address(event.data.email_digest)
    if event.data.phone_digest:
        for contact in await ctx.contacts.with_phone(event.data.phone_digest):
            await ctx.messages.scrub_person(contact.person_id)
            if ctx.short_links is not None:
                await ctx.short_links.forget_person(contact.person_id)
        await ctx.contacts.forget_phone(event.data.phone_digest)
        await ctx.messages.scrub_address(event.data.phone_digest)
    await organisers.forget(event, ctx)
    if ctx.erasure_answers is not None:
        await ctx.erasure_answers.answer(event)
