"""Organisations whose contact never confirmed are deleted after
`unconfirmed_organisation_retention_days` (30 by default), like unconfirmed people; confirmed ones
stay."""

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase
from signups.bootstrap import create_app
from signups.domain.organisations import Organisation, OrganisationDetails, Pledge
from signups.handlers import Context
from signups.settings import Settings
from together_contracts import OrganisationType
from together_kit.testing.apps import running
from together_kit.testing.clock import Clock
from together_kit.testing.retention import ids, ttl_seconds
from together_kit.testing.waiting import eventually

pytestmark = pytest.mark.integration
Document = dict[str, Any]
Started = tuple[Context, AsyncDatabase[Document], Clock]
Start = Callable[..., AbstractAsyncContextManager[Started]]


@pytest.fixture
def start_signups(service_settings: dict[str, Any]) -> Start:
    @asynccontextmanager
    async def start(**settings: Any) -> AsyncIterator[Started]:
        options = {"outbox_poll_seconds": 0.2, **service_settings, **settings}
        app = create_app(Settings(**options), clock=(clock := Clock()))
        url, database = service_settings["mongodb_url"], service_settings["mongodb_database"]
        async with running(app, mongodb_url=url, database_name=database) as (_, db):
            yield app.state.context, db, clock

    return start


def organisation(name: str, clock: Clock) -> Organisation:
    details = OrganisationDetails(
        name=name,
        organisation_type=OrganisationType("community-group"),
        contact_name="Sam Patel",
        contact_email=f"sam.{uuid.uuid4().hex[:8]}@riverside.example.org",
        postcode="M1 1AE",
        outward_code="M1",
    )
    return Organisation(details, Pledge("We will host a monthly lunch."), joined_at=clock())


async def confirm(ctx: Context, joined: Organisation) -> None:
    def confirming(current: Organisation) -> list[Any]:
        current.confirm(joined.confirmation_nonce or "", ctx.clock())
        return []

    await ctx.organisations.change(joined.id, confirming)


async def test_an_unconfirmed_organisation_is_deleted_after_30_days(start_signups: Start) -> None:
    async with start_signups(retention_sweep_seconds=0.2) as (ctx, db, clock):
        organisations = db["organisations"]
        unconfirmed = organisation("Never Confirmed Group", clock)
        confirmed = organisation("Riverside Community Kitchen", clock)
        for joined in (unconfirmed, confirmed):
            await ctx.organisations.add(joined, events=[])
        await confirm(ctx, confirmed)
        clock.advance(days=29)
        late = organisation("Joined Later", clock)
        await ctx.organisations.add(late, events=[])

        clock.advance(days=2)
        left = await eventually(
            lambda: ids(organisations),
            until=lambda found: str(unconfirmed.id) not in found,
            what="the unconfirmed organisation purged",
        )
        assert set(left) == {str(confirmed.id), str(late.id)}
        assert await ttl_seconds(organisations, "pending_since") == 30 * 86_400
    assert Settings().unconfirmed_organisation_retention_days == 30.0


async def test_unconfirmed_organisations_from_before_are_dated_at_start(
    start_signups: Start,
) -> None:
    async with start_signups(retention_sweep_seconds=0.2) as (ctx, db, clock):
        joined = organisation("Joined Before The Purge", clock)
        await ctx.organisations.add(joined, events=[])
        await db["organisations"].update_one(
            {"_id": str(joined.id)}, {"$unset": {"pending_since": ""}}
        )
    async with start_signups(retention_sweep_seconds=0.2) as (_, db, clock):
        clock.advance(days=31)
        await eventually(
            lambda: ids(db["organisations"]),
            until=lambda found: str(joined.id) not in found,
            what="the undated unconfirmed organisation purged",
        )
