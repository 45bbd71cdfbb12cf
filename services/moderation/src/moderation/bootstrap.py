"""The composition root of moderation: the only place its clients and adapters are built."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from pymongo.asynchronous.database import AsyncDatabase
from together_contracts import (
    BacklogAlert,
    ListingApproved,
    ListingRejected,
    ListingWithdrawn,
    PersonAccessAnswered,
    PersonErased,
    PledgeApproved,
    PledgeRejected,
    StoryApproved,
    StoryHeld,
    StoryRejected,
    StorySubmitted,
    StoryWithdrawn,
)
from together_kit.access import AccessAnswers
from together_kit.erasure import ErasureAnswers
from together_kit.http import allow_partner_origins
from together_kit.ratelimit import SharedRateLimiter, rate_limited
from together_kit.retention import days
from together_kit.runtime import ServiceRuntime
from together_kit.web import WebPages, mount_static

from moderation.adapters.documents import REJECTED_AT
from moderation.adapters.items import MongoItemRepository
from moderation.adapters.moderators import MongoModeratorRepository, Passwords
from moderation.adapters.secrets import SIGN_IN_THROTTLE, SecretBox
from moderation.adapters.security_log import MongoSecurityLog
from moderation.adapters.sessions import MongoSessionRepository
from moderation.adapters.throttle import MongoSignInThrottle
from moderation.adapters.tokens import Links, Tokens
from moderation.domain.moderators import Backoff, Lockout
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
        links=Links(settings.public_base_url, Tokens(settings.secret_keys())),
    )
    accounts = build_accounts(runtime, settings, clock=ctx.clock)
    runtime.indexes(
        items, accounts.moderators, accounts.sessions, accounts.security_log, accounts.throttle
    )
    runtime.startup_hooks.append(items.date_rejected)
    runtime.retain(
        runtime.db["items"],
        field=REJECTED_AT,
        keep=days(settings.rejected_story_retention_days),
        clock=ctx.clock,
    )
    runtime.every(300, lambda: sweep_sign_ins(accounts), name="session-sweep")
    runtime.tells(
        StorySubmitted,
        StoryHeld,
        StoryApproved,
        StoryRejected,
        ListingApproved,
        ListingRejected,
        PledgeApproved,
        PledgeRejected,
        BacklogAlert,
        PersonErased,
        StoryWithdrawn,
        ListingWithdrawn,
        PersonAccessAnswered,
    )
    access_answers = AccessAnswers(
        runtime.aggregate("access_answers"), service=settings.service_name
    )
    consumers.register(runtime, ctx=ctx, answers=access_answers, security_log=accounts.security_log)
    runtime.every(
        settings.backlog_check_seconds,
        lambda: backlog.alert_breaches(ctx=ctx),
        name="backlog-alerts",
    )

    share_limiter = SharedRateLimiter(settings.share_rate_limit, runtime.db["rate_limits"])
    runtime.indexes(share_limiter)
    share_limit = rate_limited(share_limiter, scope="share")
    pages = WebPages(
        templates=WEB / "templates", locales=WEB / "locales", navigation=settings.navigation()
    )
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
    app.state.idempotency = runtime.idempotency()
    app.state.security_log = accounts.security_log
    moderator.install(app, pages=pages, accounts=accounts, settings=settings)
    return app


def build_accounts(
    runtime: ServiceRuntime, settings: Settings, *, clock: Callable[[], datetime]
) -> Accounts:
    """Moderator accounts, their sessions, password hashing, the sign-in throttle and the
    security log."""
    return accounts_in(runtime.db, settings, clock=clock)


def accounts_in(
    db: AsyncDatabase[dict[str, Any]], settings: Settings, *, clock: Callable[[], datetime]
) -> Accounts:
    """`Accounts` on the collections of `db` (the CLI calls this with its own client)."""
    keys = settings.secret_keys()
    backoff = Backoff(
        free=settings.moderator_throttle_free_failures,
        first=timedelta(seconds=settings.moderator_throttle_first_wait_seconds),
        most=timedelta(seconds=settings.moderator_throttle_max_wait_seconds),
        window=timedelta(minutes=settings.moderator_throttle_window_minutes),
    )
    idle = timedelta(minutes=settings.moderator_session_idle_minutes)
    return Accounts(
        moderators=MongoModeratorRepository(db["moderators"], box=SecretBox.for_totp(keys)),
        sessions=MongoSessionRepository(db["sessions"], idle=idle),
        passwords=Passwords(concurrency=settings.moderator_hash_concurrency),
        clock=clock,
        security_log=MongoSecurityLog(db["security_log"]),
        throttle=MongoSignInThrottle(
            db["sign_in_throttle"],
            key=keys.derive(SIGN_IN_THROTTLE),
            backoff=backoff,
        ),
        lockout=Lockout(
            failures=settings.moderator_lockout_failures,
            duration=timedelta(minutes=settings.moderator_lockout_minutes),
        ),
        session_lifetime=timedelta(hours=settings.moderator_session_hours),
        second_factor_window=timedelta(minutes=settings.moderator_second_factor_minutes),
        issuer=settings.moderator_totp_issuer,
    )


async def sweep_sign_ins(accounts: Accounts) -> None:
    """Ended and idle sessions, and throttle records past their window."""
    now = accounts.clock()
    await accounts.sessions.sweep(now=now)
    await accounts.throttle.sweep(now=now)
