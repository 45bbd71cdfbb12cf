import re
import tempfile
import uuid
from datetime import time
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict
from together_kit.settings import ServiceSettings

DEVELOPMENT_WEBHOOK_SECRET = "development-only-webhook-secret"  # noqa: S105 (refused in production)
DEVELOPMENT_NOTIFY_API_KEY = (
    "development-00000000-0000-4000-8000-000000000000-00000000-0000-4000-8000-000000000000"
)
DEVELOPMENT_SMS_TOKEN = "development-only-sms-token"  # noqa: S105 (refused in production)
SMS_API_URLS = {
    "notify": "https://api.notifications.service.gov.uk",
    "twilio": "https://api.twilio.com",
}
NOTIFY_API_KEY = re.compile(r"^.+-(?P<service>[0-9a-f-]{36})-(?P<secret>[0-9a-f-]{36})$")
"""GOV.UK Notify's API key: `<key name>-<service id>-<secret>`, both UUIDs."""
TWILIO_ACCOUNT_SID = re.compile(r"^AC[0-9a-f]{32}$")


class Settings(ServiceSettings):
    """Defaults work with `make run`: SMTP to the local sink on 127.0.0.1:1025, no TLS."""

    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_")

    service_name: str = "notifications"
    port: int = 8004
    public_base_url: str = "http://127.0.0.1:8004"
    """Where people reach notifications; unsubscribe links start with it."""
    admin_api_key: SecretStr | None = None
    dev_pages: bool = False
    """Serve `/dev/messages`, the delivery log with its links, for a person trying the system."""

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = 30.0
    smtp_connections: int = Field(default=4, ge=1, le=32)
    send_from_consumer: bool = False
    """Record a due message already claimed and send it from the consumer (issue 20: fewer store
    commands). Off: with the store stopped mid-send, make reliability found a message ending
    `unknown` on this path (tests/reliability, store stopped 10s); the dispatcher sends all."""
    """Messages sent at once, each over its own kept-open SMTP connection (never two at once to
    one address). Sending is a chain of round trips (store and SMTP), so one connection leaves
    both waiting; a crash settles every one of them from the handover journal (ADR 0007)."""
    handover_journal_path: Path | None = None
    """This process's own record of the final SMTP dots it wrote (ADR 0007), which settles after a
    crash what the delivery log cannot. It must outlive the process (not the machine) and belong
    to this process alone. Default: `together-notifications-<port>.handover` in the temporary
    folder (in Kubernetes, the pod's own /tmp, kept across container restarts)."""
    mail_from: str = "together <hello@together.example>"
    message_id_domain: str = "notifications.together.example"

    send_attempts: int = 6
    """Tries of one message through temporary failures (SMTP 4xx) before `notification.failed`."""
    send_backoff_seconds: float = 30.0
    send_backoff_max_seconds: float = 1800.0
    dispatch_poll_seconds: float = 1.0
    claim_stale_seconds: float = 120.0
    """A message claimed this long ago and never handed to its channel was interrupted by a crash:
    queued again (it was not sent). Longer than connecting to the SMTP server can take."""
    sending_stale_seconds: float = 600.0
    """A message handed over this long ago, never recorded and not settled by its own restarted
    process (which reads its handover journal) is marked unknown, not resent (it may have gone)."""
    reconcile_interval_seconds: float = 60.0

    staff_language: Literal["en", "cy"] = "en"
    """The language of messages to coalition staff (backlog alerts), whose own is not known."""
    weekly_invitation_cap: int = 3
    sms_quiet_start: time = time(20, 0)
    """London time from which no invitation goes by text (stricter than email's 21:00)."""
    sms_quiet_end: time = time(9, 0)
    """London time until which no invitation goes by text (email's: 08:00). Reminders of a
    place keep their moment, by text as by email."""
    digest_check_seconds: float = 300.0
    """How often the weekly digest job looks for digests due (Monday 08:00 London)."""
    organiser_digest_check_seconds: float = 60.0
    """How often the organiser digest job looks for digests due (at most one an hour per event)."""
    organiser_links_per_address_per_day: int = Field(default=3, ge=0)
    """Emails with the link to an organiser's page per address per day: the address is the one
    typed with a listing, not confirmed, and the email carries the listing's title."""
    reminder_day_before_at: time = time(10, 0)
    """London time, the day before an accepted event, of the first reminder."""
    reminder_morning_at: time = time(8, 0)
    """London time, on the day of an accepted event, of the second (if the event starts later)."""
    webhook_url: str | None = None
    """A partner system that also receives moderation backlog alerts, as signed JSON."""
    webhook_secret: SecretStr = SecretStr(DEVELOPMENT_WEBHOOK_SECRET)
    webhook_attempts: int = 4
    webhook_backoff_seconds: float = 0.5
    delivery_log_retention_days: float = Field(default=90.0, gt=0)
    """How long the delivery log keeps a message after it was queued (or due, if later)."""

    # Text messages (issue 23): the provider that carries them, and its credentials.
    sms_provider: Literal["none", "notify", "twilio"] = "none"
    """Who carries texts: GOV.UK Notify, Twilio, or nobody ("none": no texts are sent)."""
    sms_api_url: str | None = None
    """The provider's API; default its public one (`sms_api()`), the local sink's under make run."""
    sms_from: str = ""
    """Twilio: the number (E.164) or sender id texts come from. Notify: a text sender's id from
    the service's settings (empty: the service's default sender)."""
    notify_api_key: SecretStr = SecretStr(DEVELOPMENT_NOTIFY_API_KEY)
    """`<key name>-<service id>-<secret>`, as Notify shows it once when the key is made."""
    notify_template_id: str = ""
    """The Notify template whose whole content is `((body))`: every text goes through it."""
    notify_callback_token: SecretStr = SecretStr(DEVELOPMENT_SMS_TOKEN)
    """The bearer token Notify sends with received texts and delivery receipts (set in Notify's
    API integration settings)."""
    twilio_account_sid: str = ""
    twilio_auth_token: SecretStr = SecretStr(DEVELOPMENT_SMS_TOKEN)
    """Signs Twilio's calls to our routes (X-Twilio-Signature) and our calls to its API."""

    def sms_api(self) -> str:
        return (self.sms_api_url or SMS_API_URLS.get(self.sms_provider, "")).rstrip("/")

    def journal_path(self) -> Path:
        default = Path(tempfile.gettempdir()) / f"together-notifications-{self.port}.handover"
        return self.handover_journal_path or default

    @model_validator(mode="after")
    def _real_webhook_secret_in_production(self) -> "Settings":
        """Partners verify our signatures with the secret: a known placeholder would let anyone
        sign as us."""
        secret = self.webhook_secret.get_secret_value()
        placeholder = secret == DEVELOPMENT_WEBHOOK_SECRET or len(secret) < 32
        if self.environment == "production" and self.webhook_url and placeholder:
            raise ValueError(
                "NOTIFICATIONS_WEBHOOK_URL is set in production: set NOTIFICATIONS_WEBHOOK_SECRET"
                " to a random value of 32 characters or more (shared with the partner), not the"
                " development placeholder"
            )
        return self

    @model_validator(mode="after")
    def _sms_provider_configured(self) -> "Settings":
        """A provider's credentials in their own format, and no placeholder in production: the
        callback token and auth token let anyone who knows them post texts as the provider."""
        problems = []
        production = self.environment == "production"
        if self.sms_provider == "notify":
            if not NOTIFY_API_KEY.match(self.notify_api_key.get_secret_value()):
                problems.append("NOTIFICATIONS_NOTIFY_API_KEY is not '<name>-<uuid>-<uuid>'")
            token = self.notify_callback_token.get_secret_value()
            if production and self.notify_api_key.get_secret_value() == DEVELOPMENT_NOTIFY_API_KEY:
                problems.append("set NOTIFICATIONS_NOTIFY_API_KEY, not the development one")
            if production and not _uuid(self.notify_template_id):
                problems.append("set NOTIFICATIONS_NOTIFY_TEMPLATE_ID to the ((body)) template")
            if production and (token == DEVELOPMENT_SMS_TOKEN or len(token) < 32):
                problems.append(
                    "set NOTIFICATIONS_NOTIFY_CALLBACK_TOKEN to a random value of 32 characters"
                    " or more (also in Notify's callback settings)"
                )
        if self.sms_provider == "twilio":
            if not TWILIO_ACCOUNT_SID.match(self.twilio_account_sid):
                problems.append("NOTIFICATIONS_TWILIO_ACCOUNT_SID is not 'AC' and 32 hex digits")
            if not self.sms_from:
                problems.append("set NOTIFICATIONS_SMS_FROM to the Twilio number texts come from")
            if production and self.twilio_auth_token.get_secret_value() == DEVELOPMENT_SMS_TOKEN:
                problems.append("set NOTIFICATIONS_TWILIO_AUTH_TOKEN, not the development one")
        if problems:
            raise ValueError(
                f"NOTIFICATIONS_SMS_PROVIDER={self.sms_provider}: " + "; ".join(problems)
            )
        return self


def _uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
