"""The composition root of signups: the only place its clients and adapters are built."""

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import together_contracts as contracts
from fastapi import FastAPI
from together_kit.http.middleware import allow_partner_origins
from together_kit.http.ratelimit import SharedRateLimiter, rate_limited
from together_kit.mail_quota import MongoMailQuota
from together_kit.retention import days
from together_kit.runtime import ServiceRuntime
from together_kit.web.pages import Site
from together_kit.web.rendering import WebPages, mount_static
from together_kit.web.site import SiteTokens

from signups.adapters.access import MongoAccessRepository
from signups.adapters.erasures import MongoErasureRepository
from signups.adapters.letter import PENDING_SINCE as SIGNATURE_PENDING_SINCE
from signups.adapters.letter import MongoSignatureRepository
from signups.adapters.organisations import PENDING_SINCE, MongoOrganisationRepository
from signups.adapters.people import MongoPeopleRepository
from signups.adapters.tokens import Links, Tokens
from signups.domain import phones
from signups.entrypoints import api, consumers, web
from signups.entrypoints.web import assisted
from signups.entrypoints.web.staff_session import StaffOnlyError
from signups.handlers import Context, erasure, volunteers
from signups.settings import Settings

WEB = Path(__file__).parent / "entrypoints" / "web"


def create_app(settings: Settings, *, clock: Callable[[], datetime] | None = None) -> FastAPI:
    runtime = ServiceRuntime.build(settings)
    people = MongoPeopleRepository(runtime.aggregate("people"))
    organisations = MongoOrganisationRepository(runtime.aggregate("organisations"))
    erasures = MongoErasureRepository(
        runtime.aggregate("erasures"),
        runtime.db["tombstones"],
        key=settings.erasure_digest_key,
        requests=runtime.aggregate("erasure_requests"),
    )
    tokens = Tokens(settings.secret_keys(), legacy=settings.legacy_links)
    mail_quota = MongoMailQuota(
        runtime.db["mail_quota"],
        key=settings.secret_keys().derive("together.signups.mail-quota"),
        per_day=settings.emails_per_address_per_day,
    )
    access = MongoAccessRepository(runtime.aggregate("access_requests"))
    signatures = MongoSignatureRepository(
        runtime.aggregate("letter_signatures"), erasure_key=settings.erasure_digest_key
    )
    ctx = Context(
        people=people,
        organisations=organisations,
        erasures=erasures,
        tokens=tokens,
        links=Links(
            settings.public_base_url,
            tokens,
            site=SiteTokens(settings.site_keys()),
            addresses=settings.addresses(),
        ),
        clock=clock or (lambda: datetime.now(UTC)),
        form_version=settings.form_version,
        mail_quota=mail_quota,
        erasure_key=settings.erasure_digest_key,
        access=access,
        signatures=signatures,
    )
    runtime.indexes(people, organisations, erasures, mail_quota, access, signatures)
    runtime.publishes(
        contracts.VolunteerRegistered,
        contracts.VolunteerConfirmed,
        contracts.VolunteerUpdated,
        contracts.VolunteerUnsubscribed,
        contracts.VolunteerChangeRequested,
        contracts.VolunteerContactChanged,
        contracts.ConnectorInterested,
        contracts.OrganisationJoined,
        contracts.PledgeMade,
        contracts.PledgePublished,
        contracts.PledgeProgressLinkRequested,
        contracts.PledgeUpdateSubmitted,
        contracts.LetterSigned,
        contracts.LetterConfirmed,
        contracts.ErasureLinkRequested,
        contracts.PersonErasureRequested,
        contracts.PersonAccessRequested,
        contracts.SignInRequested,
    )
    consumers.register(runtime, ctx=ctx)
    runtime.every(
        settings.purge_interval_seconds,
        lambda: erasure.purge_unconfirmed(ctx=ctx),
        name="purge-unconfirmed",
    )
    runtime.every(
        settings.purge_interval_seconds,
        lambda: volunteers.drop_stale_changes(ctx=ctx),
        name="drop-stale-changes",
    )
    runtime.startup_hooks.append(organisations.date_unconfirmed)
    runtime.retain(
        organisations.organisations.collection,
        field=PENDING_SINCE,
        keep=days(settings.unconfirmed_organisation_retention_days),
        clock=ctx.clock,
    )
    runtime.retain(
        signatures.signatures.collection,
        field=SIGNATURE_PENDING_SINCE,
        keep=days(settings.unconfirmed_signature_retention_days),
        clock=ctx.clock,
    )

    join_limiter = SharedRateLimiter(settings.join_rate_limit, runtime.db["rate_limits"])
    runtime.indexes(join_limiter)
    join_limit = rate_limited(join_limiter, scope="join")
    pages = WebPages(
        templates=WEB / "templates", locales=WEB / "locales", navigation=settings.navigation()
    )
    app = runtime.app(
        title="together signups",
        description="Volunteers, community groups and organisations join the coalition here.",
        routers=[api.router, web.router],
    )
    mount_static(app)
    app.add_exception_handler(StaffOnlyError, assisted.staff_only)
    allow_partner_origins(app, settings.cors_origins, methods=["POST"])
    app.state.runtime = runtime
    app.state.settings = settings
    app.state.context = ctx
    app.state.pages = pages
    app.state.site = Site(pages, limit=join_limit, common={"phone_shown": phones.shown})
    app.state.join_limit = join_limit
    app.state.idempotency = runtime.idempotency()
    return app
