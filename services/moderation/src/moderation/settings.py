from pydantic import EmailStr, Field
from pydantic_settings import SettingsConfigDict
from together_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MODERATION_")

    service_name: str = "moderation"
    port: int = 8002
    public_base_url: str = "http://127.0.0.1:8002"
    """Where people reach the public pages; links to published stories start with it."""
    share_rate_limit: str = "10/minute"
    """Per client, on the story form and `POST /api/v1/stories`."""
    cors_origins: tuple[str, ...] = ()
    """Partner sites whose browser forms may post stories to the API."""
    target_hours: float = 48.0
    """An open item older than this is highlighted, and leads are alerted once."""
    safeguarding_target_hours: float = 4.0
    backlog_check_seconds: float = 300.0
    lead_emails: tuple[EmailStr, ...] = ()
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
    rejected_story_retention_days: float = Field(default=90.0, gt=0)
    """How long a rejected story (its text, its author's details and its decisions) is kept after
    its rejection."""
    """Mark session cookies Secure even on plain-HTTP requests (behind a TLS-terminating proxy)."""
