from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict
from together_contracts.emails import Email
from together_kit.settings import ServiceSettings
from together_kit.staff_pass import DEVELOPMENT_STAFF_PASS_SECRET, weak_secret

DEVELOPMENT_TWILIO_TOKEN = "development-only-twilio-token-do-not-use-in-production"  # noqa: S105 (a known placeholder, refused in production)
DEVELOPMENT_TWILIO_SID = "AC00000000000000000000000000000000"


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MODERATION_")

    service_name: str = "moderation"
    port: int = 8002
    public_base_url: str = "http://127.0.0.1:8002"
    """Where people reach the public pages; links to published stories start with it."""
    share_rate_limit: str = "10/minute"
    """Per client, on the story form and `POST /api/v1/stories`."""
    talk_analysis_seconds: float = 300.0
    """How often conversations whose votes grew enough are analysed again (once across replicas)."""
    story_themes_seconds: float = 3600.0
    """How often the themes of the published stories are found again (once across replicas)."""
    talk_rate_limit: str = "120/minute"
    """Per client and per participant, on a conversation's votes and statements."""
    admin_api_key: SecretStr | None = None
    """`X-API-Key` of the admin API (opening a conversation, running its analysis); none: off."""
    cors_origins: tuple[str, ...] = ()
    """Partner sites whose browser forms may post stories to the API."""
    target_hours: float = 48.0
    """An open item older than this is highlighted, and leads are alerted once."""
    safeguarding_target_hours: float = 4.0
    backlog_check_seconds: float = 300.0
    lead_emails: tuple[Email, ...] = ()
    """Who the backlog alerts are addressed to (until the moderator accounts say who the leads are)."""
    duplicate_window: int = 500
    """How many recent items of the same kind a submission is compared with for near-duplicates."""
    stories_per_page: int = 20
    moderator_session_hours: float = 8.0
    """How long a moderator stays signed in (server-side sessions; sign-out ends one at once)."""
    moderator_hash_concurrency: int = 2
    """How many argon2id password hashes may be computed at once (each in a worker thread)."""
    moderator_lockout_failures: int = 5
    moderator_lockout_minutes: float = 15.0
    moderator_secure_cookies: bool = False
    """Mark session cookies Secure even on plain-HTTP requests (behind a TLS-terminating proxy)."""
    rejected_story_retention_days: float = Field(default=90.0, gt=0)
    """How long a rejected story (its text, its author's details and its decisions) is kept after
    its rejection."""
    moderator_session_idle_minutes: float = 30.0
    """A moderator session unused for this long ends, whatever is left of its absolute lifetime."""
    moderator_second_factor_minutes: float = 10.0
    """How long, after a right password, a code or an enrolment is awaited."""
    moderator_throttle_free_failures: int = 10
    """Failed sign-ins one client address may make before it has to wait."""
    moderator_throttle_first_wait_seconds: float = 1.0
    """The first wait after those; each further failure doubles it."""
    moderator_throttle_max_wait_seconds: float = 900.0
    moderator_throttle_window_minutes: float = 60.0
    """An address whose last failure is older than this starts afresh."""
    moderator_totp_issuer: str = "together moderation"
    """The name authenticator apps show beside a moderator's account."""
    voice_enabled: bool = False
    """The voice line's Twilio webhooks under /voice (stories told by phone); off: 404."""
    twilio_account_sid: str = DEVELOPMENT_TWILIO_SID
    twilio_auth_token: SecretStr = SecretStr(DEVELOPMENT_TWILIO_TOKEN)
    """Checks `X-Twilio-Signature` on every voice webhook, and fetches the recordings."""
    twilio_api_url: str = "https://api.twilio.com"
    """Recordings are fetched only from under this address (the call simulator's under `make run`)."""
    voice_welsh_numbers: tuple[str, ...] = ()
    """The coalition's numbers whose callers hear the line in Welsh (`?lang=cy` does it too)."""
    recording_draft_seconds: float = Field(default=15.0, gt=0)
    """How often recordings waiting for a draft transcript are looked for (once across replicas)."""
    recording_retention_days: float = Field(default=30.0, gt=0)
    """How long a recording nobody decided is kept (its audio and draft); a decision deletes the
    audio at once."""

    staff_pass_secret: SecretStr = SecretStr(DEVELOPMENT_STAFF_PASS_SECRET)
    """Signs the staff pass that starts a staff member's session on signups' assisted pages
    (together_kit.staff_pass); the same value as signups' `SIGNUPS_STAFF_PASS_SECRET`."""

    @model_validator(mode="after")
    def _real_staff_pass_secret_in_production(self) -> "Settings":
        secret = self.staff_pass_secret.get_secret_value()
        if self.environment == "production" and weak_secret(secret):
            raise ValueError(
                "set MODERATION_STAFF_PASS_SECRET (the same as SIGNUPS_STAFF_PASS_SECRET) to a "
                "random value of 32 characters or more"
            )
        return self

    @model_validator(mode="after")
    def _real_twilio_token_in_production(self) -> "Settings":
        token = self.twilio_auth_token.get_secret_value()
        placeholder = (
            token == DEVELOPMENT_TWILIO_TOKEN or self.twilio_account_sid == DEVELOPMENT_TWILIO_SID
        )
        if (
            self.environment == "production"
            and self.voice_enabled
            and (placeholder or len(token) < 32)
        ):
            raise ValueError(
                "set MODERATION_TWILIO_ACCOUNT_SID and MODERATION_TWILIO_AUTH_TOKEN (the account's "
                "own, 32 characters) or turn the voice line off (MODERATION_VOICE_ENABLED=false)"
            )
        return self
