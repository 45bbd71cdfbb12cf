"""The settings base every service's `Settings` extends (one env prefix per service)."""

from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production"  # noqa: S105 (a known placeholder, refused in production)
DEVELOPMENT_ERASURE_KEY = "development-only-erasure-key-do-not-use-in-production"
"""The shared erasure key's placeholder (refused in production like `DEVELOPMENT_SECRET`)."""


class ServiceSettings(BaseSettings):
    """Shared connection settings come from unprefixed variables; the rest from `<SERVICE>_*`."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True, frozen=True)

    service_name: str
    rabbitmq_url: str = Field(
        "amqp://guest:guest@localhost:5672/", validation_alias=AliasChoices("RABBITMQ_URL")
    )
    mongodb_url: str = Field(
        "mongodb://127.0.0.1:27017/", validation_alias=AliasChoices("MONGODB_URL")
    )
    log_level: str = Field("INFO", validation_alias=AliasChoices("LOG_LEVEL"))
    log_format: Literal["auto", "json", "console"] = Field(
        "auto", validation_alias=AliasChoices("LOG_FORMAT")
    )
    environment: Literal["development", "test", "production"] = Field(
        "development", validation_alias=AliasChoices("ENVIRONMENT")
    )
    secret_key: SecretStr = SecretStr(DEVELOPMENT_SECRET)
    erasure_key: SecretStr = Field(
        SecretStr(DEVELOPMENT_ERASURE_KEY),
        validation_alias=AliasChoices("ERASURE_KEY"),
        description="Shared by every service: keys the digest of an email address "
        "(together_contracts.email_digest) that erasure and access requests carry",
    )
    host: str = "127.0.0.1"
    port: int
    mongodb_database: str = ""
    max_body_bytes: int = 64 * 1024
    max_in_flight: int = 100
    prefetch: int = 16
    max_attempts: int = 5
    retry_backoff_seconds: float = 0.5
    retry_backoff_max_seconds: float = 30.0
    outbox_lease_seconds: float = 30.0
    outbox_poll_seconds: float = 1.0
    readiness_timeout_seconds: float = 2.0

    @property
    def database_name(self) -> str:
        return self.mongodb_database or self.service_name

    @model_validator(mode="after")
    def _real_secrets_outside_development(self) -> "ServiceSettings":
        secret = self.secret_key.get_secret_value()
        if self.environment == "production" and (secret == DEVELOPMENT_SECRET or len(secret) < 32):
            prefix = self.model_config.get("env_prefix", "")
            raise ValueError(f"set {prefix}SECRET_KEY to a random value of 32 characters or more")
        erasure_key = self.erasure_key.get_secret_value()
        if self.environment == "production" and (
            erasure_key == DEVELOPMENT_ERASURE_KEY or len(erasure_key) < 32
        ):
            raise ValueError(
                "set ERASURE_KEY (the same in every service) to a random value of 32 characters "
                "or more"
            )
        return self

    @property
    def erasure_digest_key(self) -> bytes:
        """The key of `together_contracts.email_digest`."""
        return self.erasure_key.get_secret_value().encode()
