"""The composition root of notifications: the only place its clients and adapters are built."""

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi import FastAPI
from together_contracts import (
    ChannelsChosen,
    MatchAnswered,
    PersonAccessAnswered,
    PersonErased,
    TextReceived,
    TextsStopped,
    VolunteerUnsubscribed,
)
from together_contracts.notifications import NotificationFailed, NotificationSent
from together_kit.access import AccessAnswers
from together_kit.erasure import ErasureAnswers
from together_kit.http.security import require_admin_key
from together_kit.mail_quota import MongoMailQuota
from together_kit.retention import days
from together_kit.runtime import ServiceRuntime
from together_kit.web.rendering import WebPages, mount_static
from together_kit.web.site import SiteTokens

from notifications.adapters.address_keys import address_keys
from notifications.adapters.channels.sms import SmsChannel
from notifications.adapters.channels.smtp import SmtpChannel, SmtpConfig
from notifications.adapters.channels.webhook import WebhookChannel, WebhookConfig
from notifications.adapters.connectors import MongoConnectorDistricts
from notifications.adapters.contacts import MongoContactRepository
from notifications.adapters.handover_journal import HandoverJournal
from notifications.adapters.inbound_texts import RECEIVED_ON, MongoInboundTexts
from notifications.adapters.messages import RETAINED_FROM, MongoMessageRepository
from notifications.adapters.rendering import Renderer, TextRenderer, Words
from notifications.adapters.rosters import MongoRosterRepository
from notifications.adapters.short_links import EXPIRES_ON as LINK_EXPIRES_ON
from notifications.adapters.short_links import MongoShortLinks
from notifications.adapters.sms import build_provider
from notifications.adapters.suppressions import MongoSuppressionRepository
from notifications.adapters.text_codes import EXPIRES_ON, MongoTextCodes
from notifications.adapters.text_senders import KEPT_ON, MongoTextSenders
from notifications.adapters.tokens import UnsubscribeLinks
from notifications.domain.messages import RetryPlan
from notifications.domain.policy import InvitationRules
from notifications.domain.reminders import ReminderTimes
from notifications.domain.texts import SmsProvider
from notifications.entrypoints import consumers
from notifications.entrypoints.api import api_router
from notifications.entrypoints.dispatcher import Dispatcher
from notifications.entrypoints.texts_in import texts_in_router
from notifications.entrypoints.texts_out import texts_out_router
from notifications.entrypoints.web import web_router
from notifications.handlers import Context, digest, organisers, recovery
from notifications.handlers.ports import Channel
from notifications.settings import Settings

WEB = Path(__file__).parent / "entrypoints" / "web"
TEXT_KEEP = timedelta(days=90)
"""How long a text received, and its sender's number for the outcome, are kept at most."""


def build_channels(settings: Settings, provider: SmsProvider | None = None) -> dict[str, Channel]:
    """Email and webhooks; texts (`sms`) too when there is an SMS provider."""
    smtp = SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        security=settings.smtp_security,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        sender=settings.mail_from,
        timeout_seconds=settings.smtp_timeout_seconds,
        message_id_domain=settings.message_id_domain,
    )
    webhook = WebhookConfig(
        secret=settings.webhook_secret.get_secret_value().encode(),
        attempts=settings.webhook_attempts,
        backoff_seconds=settings.webhook_backoff_seconds,
    )
    channels: dict[str, Channel] = {
        "email": SmtpChannel(smtp, connections=settings.smtp_connections),
        "webhook": WebhookChannel(webhook),
    }
    if provider is not None:
        channels["sms"] = SmsChannel(provider)
    return channels


def create_app(
    settings: Settings,
    *,
    clock: Callable[[], datetime] | None = None,
    channels: Mapping[str, Channel] | None = None,
) -> FastAPI:
    runtime = ServiceRuntime.build(settings)
    contacts = MongoContactRepository(
        runtime.aggregate("contacts"), erasure_key=settings.erasure_digest_key
    )
    messages = MongoMessageRepository(
        runtime.aggregate("messages"), erasure_key=settings.erasure_digest_key
    )
    suppressions = MongoSuppressionRepository(runtime.db["suppressions"])
    rosters = MongoRosterRepository(runtime.db["rosters"], erasure_key=settings.erasure_digest_key)
    connector_districts = MongoConnectorDistricts(
        runtime.db["connector_districts"], runtime.db["open_calls"]
    )
    organiser_links = MongoMailQuota(
        runtime.db["organiser_link_quota"],
        key=settings.secret_keys().derive("together.notifications.organiser-links"),
        per_day=settings.organiser_links_per_address_per_day,
    )
    text_codes = MongoTextCodes(
        runtime.db["text_codes"], clock=clock or (lambda: datetime.now(UTC))
    )
    text_senders = MongoTextSenders(runtime.db["text_senders"])
    inbound_texts = MongoInboundTexts(runtime.aggregate("inbound_texts"))
    addresses = settings.addresses()
    dispatcher = Dispatcher(
        poll_seconds=settings.dispatch_poll_seconds, senders=settings.smtp_connections
    )
    provider = build_provider(settings)
    channels = channels if channels is not None else build_channels(settings, provider)
    short_links = MongoShortLinks(
        runtime.db["short_links"],
        key=settings.secret_keys().derive("together.notifications.short-links"),
        base_url=settings.public_base_url,
    )
    ctx = Context(
        contacts=contacts,
        messages=messages,
        suppressions=suppressions,
        erasure_answers=ErasureAnswers(
            runtime.aggregate("erasures"), service=settings.service_name
        ),
        access_answers=AccessAnswers(
            runtime.aggregate("access_answers"), service=settings.service_name
        ),
        renderer=Renderer(),
        text_renderer=TextRenderer(),
        channels=channels,
        links=UnsubscribeLinks(
            keys=settings.secret_keys(),
            base_url=settings.public_base_url,
            legacy=settings.legacy_links,
        ),
        clock=clock or (lambda: datetime.now(UTC)),
        address_keys=address_keys(settings.secret_keys()),
        erasure_key=settings.erasure_digest_key,
        retry=RetryPlan(
            max_attempts=settings.send_attempts,
            first=timedelta(seconds=settings.send_backoff_seconds),
            cap=timedelta(seconds=settings.send_backoff_max_seconds),
        ),
        invitation_rules=InvitationRules(weekly_cap=settings.weekly_invitation_cap),
        reminders=ReminderTimes(
            day_before=settings.reminder_day_before_at, morning=settings.reminder_morning_at
        ),
        webhook_url=settings.webhook_url,
        staff_language=settings.staff_language,
        senders=settings.smtp_connections,
        journal=HandoverJournal(settings.journal_path()),
        words=Words(),
        keep_sent_context=settings.dev_pages,
        wake=dispatcher.wake,
        sender=dispatcher if settings.send_from_consumer else None,
        rosters=rosters,
        connectors=connector_districts,
        organiser_links=organiser_links,
        my_url=addresses.url("signups", "/my"),
        share_url=addresses.url("moderation", "/share"),
        talk_url=addresses.url("moderation", "/talk"),
        events_url=addresses.url("matching", "/events"),
        districts_url=addresses.url("matching", "/gaps/districts"),
        text_codes=text_codes,
        text_senders=text_senders,
        inbound_texts=inbound_texts,
        text_rules=InvitationRules(
            weekly_cap=settings.weekly_invitation_cap,
            quiet_start=settings.sms_quiet_start,
            quiet_end=settings.sms_quiet_end,
        ),
        sms_provider=provider if "sms" in channels else None,
        short_links=short_links,
    )
    claim_stale_after = timedelta(seconds=settings.claim_stale_seconds)
    stale_after = timedelta(seconds=settings.sending_stale_seconds)

    async def reconcile() -> int:
        return await recovery.reconcile(
            ctx, claim_stale_after=claim_stale_after, stale_after=stale_after
        )

    async def reconcile_at_start() -> None:
        """Before the dispatcher starts: what the last run of this process left, then the rest."""
        await recovery.recover_handovers(ctx)
        await reconcile()

    runtime.indexes(messages, suppressions, contacts, rosters, organiser_links, connector_districts)
    runtime.indexes(text_codes)
    runtime.indexes(short_links)
    runtime.retain(
        short_links.collection, field=LINK_EXPIRES_ON, keep=timedelta(days=7), clock=ctx.clock
    )
    runtime.retain(text_codes.collection, field=EXPIRES_ON, keep=timedelta(0), clock=ctx.clock)
    runtime.indexes(text_senders, inbound_texts)
    runtime.retain(text_senders.collection, field=KEPT_ON, keep=TEXT_KEEP, clock=ctx.clock)
    runtime.retain(inbound_texts.collection, field=RECEIVED_ON, keep=TEXT_KEEP, clock=ctx.clock)
    runtime.startup_hooks.append(messages.date_undated)
    runtime.retain(
        messages.collection,
        field=RETAINED_FROM,
        keep=days(settings.delivery_log_retention_days),
        clock=ctx.clock,
    )
    runtime.startup_hooks.append(reconcile_at_start)
    runtime.publishes(
        PersonErased,
        VolunteerUnsubscribed,
        NotificationSent,
        NotificationFailed,
        PersonAccessAnswered,
        TextsStopped,
        ChannelsChosen,
        MatchAnswered,
        TextReceived,
    )
    consumers.register(runtime, ctx=ctx)
    runtime.every(settings.reconcile_interval_seconds, reconcile, name="reconcile-sending")

    async def send_digests() -> int:
        return await digest.send_digests(ctx)

    runtime.every(settings.digest_check_seconds, send_digests, name="send-digests")

    async def send_organiser_digests() -> int:
        return await organisers.send_digests(ctx)

    runtime.every(
        settings.organiser_digest_check_seconds,
        send_organiser_digests,
        name="send-organiser-digests",
    )

    pages = WebPages(
        templates=WEB / "templates", locales=WEB / "locales", navigation=settings.navigation()
    )
    app = runtime.app(
        title="together notifications",
        description="Email and webhooks to volunteers, authors, organisations and moderators.",
        routers=[
            api_router(admin=require_admin_key(settings.admin_api_key)),
            web_router(),
            texts_in_router(),
            texts_out_router(),
        ],
    )
    mount_static(app)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with runtime.running(), dispatcher.running(ctx):
            try:
                yield
            finally:
                for channel in channels.values():
                    await channel.close()
                if provider is not None and "sms" not in channels:
                    await provider.close()
                ctx.journal.close()

    app.router.lifespan_context = lifespan
    app.state.runtime = runtime
    app.state.settings = settings
    app.state.context = ctx
    app.state.pages = pages
    app.state.site_tokens = SiteTokens(settings.site_keys())
    return app
