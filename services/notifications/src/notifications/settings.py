from typing import Literal

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict
from together_kit.settings import ServiceSettings


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
    mail_from: str = "together <hello@together.example>"
    message_id_domain: str = "notifications.together.example"

    send_attempts: int = 6
    """Tries of one message through temporary failures (SMTP 4xx) before `notification.failed`."""
    send_backoff_seconds: float = 30.0
    send_backoff_max_seconds: float = 1800.0
    dispatch_poll_seconds: float = 1.0
    sending_stale_seconds: float = 600.0
    """A message `sending` longer than this was interrupted by a crash: marked unknown, not resent."""
    reconcile_interval_seconds: float = 60.0

    staff_language: Literal["en", "cy"] = "en"
    """The language of messages to coalition staff (backlog alerts), whose own is not known."""
    weekly_invitation_cap: int = 3
    webhook_url: str | None = None
    """A partner system that also receives moderation backlog alerts, as signed JSON."""
    webhook_secret: SecretStr = SecretStr("development-only-webhook-secret")
    webhook_attempts: int = 4
    webhook_backoff_seconds: float = 0.5
