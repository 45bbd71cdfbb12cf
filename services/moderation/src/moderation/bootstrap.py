"""The composition root of moderation: the only place its clients and adapters are built."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi import FastAPI
from together_contracts import (
    BacklogAlert,
    ListingApproved,
    ListingRejected,
    PersonAccessAnswered,
    PersonErased,
    StoryApproved,
    StoryHeld,
    StoryRejected,
    StorySubmitted,
)
from together_kit.access import AccessAnswers
from together_kit.erasure import ErasureAnswers
from together_kit.http import allow_partner_origins
from together_kit.idempotency import IdempotencyStore
from together_kit.ratelimit import RateLimiter, rate_limited
from together_kit.runtime import ServiceRuntime
from together_kit.web import WebPages, mount_static

from moderation.adapters.items import MongoItemRepository
from moderation.adapters.moderators import MongoModeratorRepository, Passwords
from moderation.adapters.sessions import MongoSessionRepository
from moderation.domain.moderators import Lockout
from moderation.domain.targets import Targets
from moderation.entrypoints import consumers, web
from moderation.entrypoints.api import api_router
from moderation.entrypoints.web import moderator
from moderation.handlers import Context, backlog
from moderation.handlers.moderators import Accounts
from moderation.settings import Settings

WEB = Path(__file__).parent / "entrypoints" / "web"


def create_app(settings: Settings, *, clock: Callable[[], datetime] | None = None) -> FastAPI:
    runtime = ServiceRuntime.build(settings)
    items = MongoItemRepository(runtime.aggregate("items"), erasure_key=settings.erasure_digest_key)
    ctx = Context(
        items=items,
        answers=ErasureAnswers(runtime.aggregate("erasures"), service=settings.service_name),
        clock=clock or (lambda: datetime.now(UTC)),
        targets=Targets(
            standard=timedelta(hours=settings.target_hours),
            safeguarding=timedelta(hours=settings.safeguarding_target_hours),
        ),
        public_base_url=settings.public_base_url,
        lead_emails=tuple(str(email) for email in settings.lead_emails),
        duplicate_window=settings.duplicate_window,
    )
    accounts = build_accounts(runtime, settings, clock=ctx.clock)
    runtime.indexes(items, accounts.moderators, accounts.sessions)
    runtime.every(3600, lambda: accounts.sessions.sweep(now=ctx.clock()), name="session-sweep")
    runtime.tells(
        StorySubmitted,
        StoryHeld,
        StoryApproved,
        StoryRejected,
        ListingApproved,
        ListingRejected,
        BacklogAlert,
        PersonErased,
        PersonAccessAnswered,
    )
    access_answers = AccessAnswers(
        runtime.aggregate("access_answers"), service=settings.service_name
    )
    consumers.register(runtime, ctx=ctx, answers=access_answers)
    runtime.every(
        settings.backlog_check_seconds,
        lambda: backlog.alert_breaches(ctx=ctx),
        name="backlog-alerts",
    )

    share_limit = rate_limited(RateLimiter(settings.share_rate_limit), scope="share")
    pages = WebPages(templates=WEB / "templates", locales=WEB / "locales")
    app = runtime.app(
        title="together moderation",
        description="Stories shared with the coalition, screened and read by moderators before "
        "they are published; community event listings are moderated here too.",
        routers=[
            api_router(share_limit=share_limit),
            web.web_router(pages, share_limit=share_limit),
        ],
    )
    mount_static(app)
    allow_partner_origins(app, settings.cors_origins, methods=["GET", "POST"])
    app.state.runtime = runtime
    app.state.settings = settings
    app.state.context = ctx
    app.state.pages = pages
    app.state.idempotency = IdempotencyStore(runtime.db["idempotency"])
    moderator.install(app, pages=pages, accounts=accounts, settings=settings)
    return app


def build_accounts(
    runtime: ServiceRuntime, settings: Settings, *, clock: Callable[[], datetime]
) -> Accounts:
    """Moderator accounts, their sessions and password hashing (the CLI builds its own)."""
    return Accounts(
        moderators=MongoModeratorRepository(runtime.db["moderators"]),
        sessions=MongoSessionRepository(runtime.db["sessions"]),
        passwords=Passwords(concurrency=settings.moderator_hash_concurrency),
        clock=clock,
        lockout=Lockout(
            failures=settings.moderator_lockout_failures,
            duration=timedelta(minutes=settings.moderator_lockout_minutes),
        ),
        session_lifetime=timedelta(hours=settings.moderator_session_hours),
    )
