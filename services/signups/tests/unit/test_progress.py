"""Progress on a published pledge, with fakes of the ports: approval tells `pledge.published`
with a progress link that works only for that pledge while it is public; updates wait (a few at
most) and only an approved one is shown, a rejection being final; the link is told again only
to the contact."""

from uuid import UUID, uuid4

import pytest
from signups.domain.organisations import Organisation, Pledge
from signups.domain.progress import WAITING_AT_ONCE, published, reported_in
from signups.handlers import pledges, progress
from signups.handlers.progress import Posted, PostUpdate
from together_contracts import (
    PledgeApproved,
    PledgeOutcomeData,
    PledgeUpdateApproved,
    PledgeUpdateOutcomeData,
    PledgeUpdateRejected,
)

from .fakes import NOW, RIVERSIDE, World, new_world

pytestmark = pytest.mark.unit


@pytest.fixture
def world() -> World:
    return new_world()


async def public_pledge(world: World, *, districts: tuple[str, ...] = ("M1",)) -> Organisation:
    organisation = Organisation(RIVERSIDE, Pledge("A lunch.", districts=districts), joined_at=NOW)
    organisation.confirm(organisation.confirmation_nonce or "", NOW)
    organisation.approve_pledge(organisation.pledge.id, organisation_name="R", text="A", now=NOW)
    await world.organisations.add(organisation, events=[])
    return organisation


def token_of(world: World, organisation: Organisation) -> str:
    url = world.ctx.links.pledge_progress(organisation.id, organisation.pledge.id)
    return url.rsplit("/", 1)[1]


async def post(world: World, token: str, text: str = "Six lunches.") -> Posted:
    return await progress.post_update(PostUpdate(token, text, "c"), world.ctx)


def decision(organisation: Organisation, update_id: UUID, *, approved: bool) -> object:
    model = PledgeUpdateApproved if approved else PledgeUpdateRejected
    return model(
        producer="moderation",
        correlation_id="d",
        data=PledgeUpdateOutcomeData(
            update_id=update_id,
            pledge_id=organisation.pledge.id,
            organisation_id=organisation.id,
            text="Six lunches, redacted." if approved else "",
        ),
    )


async def test_updates_wait_a_few_at_most_and_only_an_approved_one_is_shown(
    world: World,
) -> None:
    organisation = await public_pledge(world)
    token = token_of(world, organisation)

    answers = [await post(world, token) for _ in range(WAITING_AT_ONCE + 1)]

    assert answers == [Posted.WAITING] * WAITING_AT_ONCE + [Posted.REFUSED]
    submitted = world.of_type("pledge.update_submitted")
    assert len(submitted) == WAITING_AT_ONCE
    [first, second, *_] = [event.data.update_id for event in submitted]  # type: ignore[attr-defined]
    await progress.record_update_decision(decision(organisation, first, approved=True), world.ctx)  # type: ignore[arg-type]
    await progress.record_update_decision(decision(organisation, second, approved=False), world.ctx)  # type: ignore[arg-type]
    await progress.record_update_decision(decision(organisation, second, approved=True), world.ctx)  # type: ignore[arg-type]
    kept = world.organisations.organisations[organisation.id]
    [shown] = published(kept.updates)
    assert (shown.id, shown.published_text) == (first, "Six lunches, redacted.")
    assert reported_in(kept.updates, NOW.year)
    assert not reported_in(kept.updates, NOW.year + 1)
    assert await post(world, token) is Posted.WAITING, "a decided update no longer waits"


async def test_the_link_is_for_one_public_pledge(world: World) -> None:
    organisation = await public_pledge(world)
    other = world.ctx.links.pledge_progress(organisation.id, uuid4()).rsplit("/", 1)[1]
    assert await post(world, other) is Posted.INVALID
    assert await post(world, "not-a-token") is Posted.INVALID
    organisation.reject_pledge(organisation.pledge.id, reason=None, now=NOW)
    world.organisations.organisations[organisation.id] = organisation
    assert await post(world, token_of(world, organisation)) is Posted.REFUSED


async def test_the_link_is_told_again_only_to_the_contact(world: World) -> None:
    organisation = await public_pledge(world, districts=("M1", "M4"))
    for email in ("someone@example.org", RIVERSIDE.contact_email):
        await progress.send_link_again(
            organisation.pledge.id, email, correlation_id="again", ctx=world.ctx
        )

    [again] = world.of_type("pledge.progress_link_requested")
    data = again.data  # type: ignore[attr-defined]
    assert (data.organisation_id, data.districts) == (organisation.id, ["M1", "M4"])
    assert data.public_url.endswith(f"/pledges/{organisation.pledge.id}")
    assert RIVERSIDE.contact_email not in again.model_dump_json()


async def test_an_approved_pledge_is_told_published_with_its_link_and_districts(
    world: World,
) -> None:
    organisation = Organisation(RIVERSIDE, Pledge("A lunch.", districts=("M1",)), joined_at=NOW)
    organisation.confirm(organisation.confirmation_nonce or "", NOW)
    await world.organisations.add(organisation, events=[])
    approved = PledgeApproved(
        producer="moderation",
        correlation_id="approve",
        data=PledgeOutcomeData(
            pledge_id=organisation.pledge.id,
            organisation_id=organisation.id,
            organisation_name="Riverside",
            text="A lunch.",
        ),
    )

    await pledges.record_decision(approved, world.ctx)
    await pledges.record_decision(approved, world.ctx)

    [told] = world.of_type("pledge.published")
    data = told.data  # type: ignore[attr-defined]
    assert (data.organisation_name, data.districts) == ("Riverside", ["M1"])
    token = data.progress_url.rsplit("/", 1)[1]
    assert await post(world, token) is Posted.WAITING
