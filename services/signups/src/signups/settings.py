from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict
from together_kit.settings import ServiceSettings
from together_kit.staff_pass import DEVELOPMENT_STAFF_PASS_SECRET, weak_secret


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SIGNUPS_")

    service_name: str = "signups"
    port: int = 8001
    public_base_url: str = "http://127.0.0.1:8001"
    """Where people reach signups; the links in emails start with it."""
    admin_api_key: SecretStr | None = None
    cors_origins: tuple[str, ...] = ()
    """Partner sites whose browser forms may post to the API."""
    join_rate_limit: str = "10/minute"
    form_version: str = "2026-11"
    """Recorded with every consent, so we know which wording was agreed to."""
    emails_per_address_per_day: int = Field(3, ge=0)
    """At most this many confirmation or change emails to one address per UTC day, whatever
    asks for them (volunteer and organisation joins); a join beyond it changes nothing."""
    purge_interval_seconds: float = 3600.0
    unconfirmed_organisation_retention_days: float = Field(default=30.0, gt=0)
    """An organisation whose contact never confirmed is deleted this long after it joined."""
    unconfirmed_signature_retention_days: float = Field(default=30.0, gt=0)
    """A signature of the open letter never confirmed is deleted this long after it was made."""
    signatories_per_page: int = Field(default=100, ge=1, le=1000)
    """Names on one page of the open letter's public list."""
    erasure_services: tuple[str, ...] = ("moderation", "matching", "notifications")
    """The services whose `person.erased` answers an erasure waits for (besides signups)."""
    staff_pass_secret: SecretStr = SecretStr(DEVELOPMENT_STAFF_PASS_SECRET)
    """Verifies moderation's staff pass (together_kit.staff_pass) that signs a staff member in to
    the assisted pages (`/assisted`), and signs their session there; the same value as
    moderation's `MODERATION_STAFF_PASS_SECRET`."""

    @model_validator(mode="after")
    def _real_staff_pass_secret_in_production(self) -> "Settings":
        secret = self.staff_pass_secret.get_secret_value()
        if self.environment == "production" and weak_secret(secret):
            raise ValueError(
                "set SIGNUPS_STAFF_PASS_SECRET (the same as MODERATION_STAFF_PASS_SECRET) to a "
                "random value of 32 characters or more"
            )
        return self
