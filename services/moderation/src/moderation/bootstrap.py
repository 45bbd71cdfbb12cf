"""The composition root of moderation: the only place its clients and adapters are built."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import together_contracts as contracts
from fastapi import FastAPI
from pymongo.asynchronous.database import AsyncDatabase
from together_kit.access import AccessAnswers
from together_kit.erasure import ErasureAnswers
from together_kit.http.middleware import allow_partner_origins
from together_kit.http.ratelimit import SharedRateLimiter, rate_limited, too_many
from together_kit.http.security import require_admin_key
from together_kit.retention import days
from together_kit.runtime import ServiceRuntime
from together_kit.web.rendering import WebPages, mount_static
from together_kit.web.site import SiteTokens

from moderation.adapters.connectors import MongoConnectorRepository
from moderation.adapters.documents import RECORDING_AT, REJECTED_AT
from moderation.adapters.items import MongoItemRepository
from moderation.adapters.moderators import MongoModeratorRepository, Passwords
from moderation.adapters.recordings import RECEIVED_AT, MongoRecordings
from moderation.adapters.secrets import SIGN_IN_THROTTLE, SecretBox
from moderation.adapters.security_log import MongoSecurityLog
from moderation.adapters.sessions import MongoSessionRepository
from moderation.adapters.talk import MongoTalkRepository
from moderation.adapters.throttle import MongoSignInThrottle
from moderation.adapters.tokens import Links, ParticipantTokens, Tokens
from moderation.adapters.transcriber import available_transcriber
from moderation.adapters.twilio_recordings import TwilioRecordings
from moderation.domain.moderators import Backoff, Lockout
from moderation.domain.targets import Targets
from moderation.entrypoints import api, consumers, talk_api, thanks_api, voice, web
from moderation.entrypoints.web import moderator
from moderation.handlers import Context, backlog, drafts, talk, themes
from moderation.handlers.moderators import Accounts
from moderation.handlers.recordings import VoiceLine
from moderation.settings import Settings

WEB = Path(__file__).parent / "entrypoints" / "web"


def create_app(settings: Settings, *, clock: Callable[[], datetime] | None = None) -> FastAPI:
    runtime = ServiceRuntime.build(settings)
    items = MongoItemRepository(runtime.aggregate("items"), erasure_key=settings.erasure_digest_key)
    stores = account_stores(runtime.db, settings)
    conversations = MongoTalkRepository(runtime.db)
    connectors = MongoConnectorRepository(runtime.aggregate("connectors"), runtime.db["open_calls"])
    ctx = Context(
        items=items,
        answers=ErasureAnswers(runtime.aggregate("erasures"), service=settings.service_name),
        clock=clock or (lambda: datetime.now(UTC)),
        targets=Targets(
            standard=timedelta(hours=settings.target_hours),
            safeguarding=timedelta(hours=settings.safeguarding_target_hours),
        ),
        public_base_url=settings.public_base_url,
        lead_emails=settings.lead_emails,
        duplicate_window=settings.duplicate_window,
        links=Links(settings.public_base_url, Tokens(settings.secret_keys())),
        access_answers=AccessAnswers(
            runtime.aggregate("access_answers"), service=settings.service_name
        ),
        security_log=stores.security_log,
        talk=conversations,
        connectors=connectors,
        recordings=MongoRecordings(runtime.db["recordings"]),
    )
    accounts = accounts_of(stores, settings, clock=ctx.clock)
    runtime.indexes(
        items,
        conversations,
        connectors,
        stores.moderators,
        stores.sessions,
        stores.security_log,
        stores.throttle,
    )
    runtime.startup_hooks.append(items.date_rejected)
    runtime.retain(
        runtime.db["items"],
        field=REJECTED_AT,
        keep=days(settings.rejected_story_retention_days),
        clock=ctx.clock,
    )
    for collection, field in (("items", RECORDING_AT), ("recordings", RECEIVED_AT)):
        keep = days(settings.recording_retention_days)
        runtime.retain(runtime.db[collection], field=field, keep=keep, clock=ctx.clock)
    runtime.every(300, lambda: sweep_sign_ins(stores, now=ctx.clock()), name="session-sweep")
    runtime.publishes(
        contracts.StorySubmitted,
        contracts.StoryHeld,
        contracts.StoryApproved,
        contracts.StoryRejected,
        contracts.ListingApproved,
        contracts.ListingRejected,
        contracts.PledgeApproved,
        contracts.PledgeRejected,
        contracts.PledgeUpdateApproved,
        contracts.PledgeUpdateRejected,
        contracts.BacklogAlert,
        contracts.PersonErased,
        contracts.StoryWithdrawn,
        contracts.ListingWithdrawn,
        contracts.PersonAccessAnswered,
        contracts.StatementSubmitted,
        contracts.StatementApproved,
        contracts.StatementRejected,
        contracts.ThanksSubmitted,
        contracts.ThanksApproved,
        contracts.ThanksRejected,
        contracts.ThanksWithdrawn,
        contracts.ConnectorMoved,
    )
    consumers.register(runtime, ctx=ctx)
    runtime.every(
        settings.backlog_check_seconds,
        lambda: backlog.alert_breaches(ctx=ctx),
        name="backlog-alerts",
    )

    runtime.every(
        settings.talk_analysis_seconds, lambda: talk.analyse_changed(ctx), name="talk-analysis"
    )
    runtime.every(
        settings.story_themes_seconds,
        lambda: themes.find_story_themes(ctx),
        name="story-themes",
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
        routers=[api.router, talk_api.router, thanks_api.router, voice.router, web.router],
    )
    mount_static(app)
    allow_partner_origins(app, settings.cors_origins, methods=["GET", "POST"])
    app.state.runtime = runtime
    app.state.settings = settings
    app.state.context = ctx
    app.state.pages = pages
    app.state.site = web.public_site(pages, share_limit=share_limit)
    app.state.idempotency = runtime.idempotency()
    app.state.security_log = accounts.security_log
    app.state.voice = line = voice_line(settings) if settings.voice_enabled else None
    if line is not None and (transcriber := line.transcriber) is not None:
        runtime.every(
            settings.recording_draft_seconds,
            lambda: drafts.draft_next(ctx, transcriber=transcriber),
            name="recording-drafts",
        )
    install_talk(app, runtime, settings)
    moderator.install(app, pages=pages, accounts=accounts, settings=settings)
    return app


def install_talk(app: FastAPI, runtime: ServiceRuntime, settings: Settings) -> None:
    """What talk/together's routes take from the app: the participant cookie's signer, the rate
    limits per address and per participant, and the admin key check."""
    limiter = SharedRateLimiter(settings.talk_rate_limit, runtime.db["rate_limits"])
    runtime.indexes(limiter)

    async def per_participant(participant: str) -> None:
        retry_after = await limiter.acquire(f"talk-participant:{participant}")
        if retry_after is not None:
            raise too_many(retry_after)

    app.state.talk_participants = ParticipantTokens(Tokens(settings.secret_keys()))
    app.state.site_tokens = SiteTokens(settings.site_keys())
    app.state.talk_limit = rate_limited(limiter, scope="talk")
    app.state.talk_participant_limit = per_participant
    app.state.talk_admin = require_admin_key(settings.admin_api_key)


def voice_line(settings: Settings) -> VoiceLine:
    """The voice line's Twilio account, recording fetcher and recogniser (entrypoints.voice)."""
    token = settings.twilio_auth_token.get_secret_value()
    return VoiceLine(
        auth_token=token,
        account_sid=settings.twilio_account_sid,
        public_base_url=settings.public_base_url,
        welsh_numbers=settings.voice_welsh_numbers,
        fetcher=TwilioRecordings(
            api_url=settings.twilio_api_url,
            account_sid=settings.twilio_account_sid,
            auth_token=token,
        ),
        transcriber=available_transcriber(),
        erasure_key=settings.erasure_digest_key,
    )


@dataclass(frozen=True)
class AccountStores:
    """The collections behind `Accounts`, as their adapters (bootstrap ensures their indexes)."""

    moderators: MongoModeratorRepository
    sessions: MongoSessionRepository
    security_log: MongoSecurityLog
    throttle: MongoSignInThrottle


def account_stores(db: AsyncDatabase[dict[str, Any]], settings: Settings) -> AccountStores:
    """The account adapters on the collections of `db` (the CLI calls this with its own client)."""
    keys = settings.secret_keys()
    backoff = Backoff(
        free=settings.moderator_throttle_free_failures,
        first=timedelta(seconds=settings.moderator_throttle_first_wait_seconds),
        most=timedelta(seconds=settings.moderator_throttle_max_wait_seconds),
        window=timedelta(minutes=settings.moderator_throttle_window_minutes),
    )
    idle = timedelta(minutes=settings.moderator_session_idle_minutes)
    return AccountStores(
        moderators=MongoModeratorRepository(db["moderators"], box=SecretBox.for_totp(keys)),
        sessions=MongoSessionRepository(db["sessions"], idle=idle),
        security_log=MongoSecurityLog(db["security_log"]),
        throttle=MongoSignInThrottle(
            db["sign_in_throttle"],
            key=keys.derive(SIGN_IN_THROTTLE),
            backoff=backoff,
        ),
    )


def accounts_of(
    stores: AccountStores, settings: Settings, *, clock: Callable[[], datetime]
) -> Accounts:
    """Moderator accounts, their sessions, password hashing, the sign-in throttle and the
    security log, as the sign-in and account handlers use them."""
    return Accounts(
        moderators=stores.moderators,
        sessions=stores.sessions,
        passwords=Passwords(concurrency=settings.moderator_hash_concurrency),
        clock=clock,
        security_log=stores.security_log,
        throttle=stores.throttle,
        lockout=Lockout(
            failures=settings.moderator_lockout_failures,
            duration=timedelta(minutes=settings.moderator_lockout_minutes),
        ),
        session_lifetime=timedelta(hours=settings.moderator_session_hours),
        second_factor_window=timedelta(minutes=settings.moderator_second_factor_minutes),
        issuer=settings.moderator_totp_issuer,
    )


async def sweep_sign_ins(stores: AccountStores, *, now: datetime) -> None:
    """Ended and idle sessions, and throttle records past their window."""
    await stores.sessions.sweep(now=now)
    await stores.throttle.sweep(now=now)
