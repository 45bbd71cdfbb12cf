"""Co-signing the open letter, with the small fakes of signups' ports and real tokens and links."""

from dataclasses import replace
from urllib.parse import urlsplit

import pytest
from signups.domain.letter import SignatoryDetails, Signature
from signups.domain.people import ConfirmOutcome
from signups.handlers import erasure, letter, links
from signups.handlers.letter import SignLetter, SignOutcome
from signups.handlers.links import LinkOutcome
from together_contracts import LetterConfirmed, LetterSigned, Nation, SignatoryKind, email_digest

from .fakes import ERASURE_KEY, NOW, FakeMailQuota, World, new_world

pytestmark = pytest.mark.unit

NIA = SignatoryDetails(
    name="Nia Evans",
    kind=SignatoryKind.PERSON,
    email="nia@example.org",
    nation=Nation.WALES,
    town="Bangor",
    public=True,
    invite=True,
    language="cy",
)


def sign(**changes: object) -> SignLetter:
    return SignLetter(details=replace(NIA, **changes), correlation_id="test")  # type: ignore[arg-type]


def token_of(event: LetterSigned) -> str:
    return urlsplit(event.data.confirm_url).path.rpartition("/")[2]


def signed_events(world: World) -> list[LetterSigned]:
    return [e for e in world.events if isinstance(e, LetterSigned)]


def test_a_signature_is_shown_only_once_confirmed_and_only_if_agreed() -> None:
    public = Signature(NIA, signed_at=NOW)
    private = Signature(replace(NIA, public=False), signed_at=NOW)
    nonce = public.confirmation_nonce or ""

    assert not public.shown
    assert public.confirm("not-the-nonce", NOW) is ConfirmOutcome.INVALID
    assert public.confirm(nonce, NOW) is ConfirmOutcome.CONFIRMED
    assert public.shown
    assert public.pending_since is None
    assert public.confirm(nonce, NOW) is ConfirmOutcome.ALREADY_CONFIRMED
    private.confirm(private.confirmation_nonce or "", NOW)
    assert private.confirmed
    assert not private.shown


async def test_signing_tells_only_the_address_and_the_link_and_counts_nothing_yet() -> None:
    world = new_world()

    outcome = await letter.sign_letter(sign(), world.ctx)

    assert outcome is SignOutcome.SIGNED
    [event] = signed_events(world)
    assert event.data.email == "nia@example.org"
    assert event.data.language == "cy"
    assert "Nia" not in event.model_dump_json()
    assert (await world.signatures.counts()).total == 0


async def test_confirming_counts_the_signature_and_tells_no_name_town_or_address() -> None:
    world = new_world()
    await letter.sign_letter(sign(), world.ctx)
    [event] = signed_events(world)

    followed = await links.confirm(token_of(event), correlation_id="test", ctx=world.ctx)

    assert followed.outcome is LinkOutcome.CONFIRMED
    assert followed.signature
    [confirmed] = [e for e in world.events if isinstance(e, LetterConfirmed)]
    said = confirmed.model_dump_json()
    assert all(word not in said for word in ("Nia", "Bangor", "nia@example.org"))
    assert (confirmed.data.nation, confirmed.data.invite) == (Nation.WALES, True)
    counts = await world.signatures.counts()
    assert (counts.total, counts.by_nation[Nation.WALES]) == (1, 1)
    again = await links.confirm(token_of(event), correlation_id="test", ctx=world.ctx)
    assert again.outcome is LinkOutcome.ALREADY_CONFIRMED
    assert len([e for e in world.events if isinstance(e, LetterConfirmed)]) == 1


async def test_signing_again_resends_the_link_until_confirmed_then_changes_nothing() -> None:
    world = new_world()
    quota = FakeMailQuota(per_day=5)
    world = replace(world, ctx=replace(world.ctx, mail_quota=quota))
    await letter.sign_letter(sign(), world.ctx)

    again = await letter.sign_letter(sign(name="Someone Else", nation=Nation.ENGLAND), world.ctx)

    assert again is SignOutcome.SENT_AGAIN
    first, second = signed_events(world)
    assert first.data.signature_id == second.data.signature_id
    [stored] = world.signatures.signatures.values()
    assert (stored.details.name, stored.details.nation) == ("Nia Evans", Nation.WALES)
    await links.confirm(token_of(second), correlation_id="test", ctx=world.ctx)
    taken = sum(quota.counts.values())

    after = await letter.sign_letter(sign(), world.ctx)

    assert after is SignOutcome.ALREADY_SIGNED
    assert len(signed_events(world)) == 2
    assert sum(quota.counts.values()) == taken, "the email taken for it is given back"
    assert (await world.signatures.counts()).total == 1


async def test_past_the_addresss_emails_for_today_nothing_is_stored() -> None:
    world = new_world()
    world = replace(world, ctx=replace(world.ctx, mail_quota=FakeMailQuota(per_day=0)))

    assert await letter.sign_letter(sign(), world.ctx) is SignOutcome.LIMITED
    assert world.signatures.signatures == {}


async def test_erasure_by_address_deletes_the_signature() -> None:
    world = new_world()
    await letter.sign_letter(sign(), world.ctx)
    await letter.sign_letter(sign(email="someone@example.org"), world.ctx)

    await erasure.forget_address(email_digest("nia@example.org", key=ERASURE_KEY), ctx=world.ctx)

    assert [s.details.email for s in world.signatures.signatures.values()] == [
        "someone@example.org"
    ]
