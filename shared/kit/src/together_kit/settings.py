"""The settings base every service's `Settings` extends (one env prefix per service)."""

import ipaddress
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from together_kit.keys import SecretKeys, parse_previous
from together_kit.web.navigation import Navigation
from together_kit.web.site import Addresses

DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production"  # noqa: S105 (a known placeholder, refused in production)
DEVELOPMENT_ERASURE_KEY = "development-only-erasure-key-do-not-use-in-production"
"""The shared erasure key's placeholder (refused in production like `DEVELOPMENT_SECRET`)."""
DEVELOPMENT_SITE_KEY = "development-only-site-key-do-not-use-in-production"
"""The shared site key's placeholder (refused in production like `DEVELOPMENT_SECRET`)."""


MIN_KEY_LENGTH = 32


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
    previous_secret_keys: SecretStr = SecretStr("")
    """Secrets replaced by `secret_key`, comma-separated, oldest first: links signed with them
    still verify (together_kit.keys). Drop one once its links no longer matter."""
    legacy_links: bool = True
    """Also accept links in the form issued before keys were derived (HMAC-SHA1 keyed by a raw
    secret). Timed ones expire as before; turn off once those still in inboxes do not matter."""
    erasure_key: SecretStr = Field(
        SecretStr(DEVELOPMENT_ERASURE_KEY),
        validation_alias=AliasChoices("ERASURE_KEY"),
        description="Shared by every service: keys the digest of an email address "
        "(together_contracts.email_digest) that erasure and access requests carry",
    )
    site_key: SecretStr = Field(
        SecretStr(DEVELOPMENT_SITE_KEY),
        validation_alias=AliasChoices("SITE_KEY"),
        description='Shared by every service: keys the signed-in cookie of "My together" and '
        "organisers' page links, which more than one service reads (together_kit.web.site)",
    )
    previous_site_keys: SecretStr = Field(
        SecretStr(""), validation_alias=AliasChoices("PREVIOUS_SITE_KEYS")
    )
    """Site keys replaced by `site_key`, comma-separated, oldest first (as `previous_secret_keys`)."""
    signups_public_url: str = Field(
        "http://127.0.0.1:8001", validation_alias=AliasChoices("SIGNUPS_PUBLIC_BASE_URL")
    )
    moderation_public_url: str = Field(
        "http://127.0.0.1:8002", validation_alias=AliasChoices("MODERATION_PUBLIC_BASE_URL")
    )
    matching_public_url: str = Field(
        "http://127.0.0.1:8003", validation_alias=AliasChoices("MATCHING_PUBLIC_BASE_URL")
    )
    notifications_public_url: str = Field(
        "http://127.0.0.1:8004", validation_alias=AliasChoices("NOTIFICATIONS_PUBLIC_BASE_URL")
    )
    host: str = "127.0.0.1"
    forwarded_allow_ips: str = Field("", validation_alias=AliasChoices("FORWARDED_ALLOW_IPS"))
    """The reverse proxies whose `X-Forwarded-For` names the client (rate limits count by it):
    addresses or networks, comma-separated (`10.0.0.0/8`). Empty: no proxy is trusted, and the
    connection's address is the client's. Handed to uvicorn (`together_kit.serve`)."""
    port: int
    mongodb_database: str = ""
    max_body_bytes: int = 64 * 1024
    max_in_flight: int = 100
    prefetch: int = Field(64, gt=0)
    """Events a consumer handles at once. The store work of those in flight goes together
    (`together_kit.grouping`), so a wider window makes fewer, larger commands (ADR 0002); a crash
    or a drain gives back at most this many for redelivery."""
    max_attempts: int = 5
    retry_backoff_seconds: float = 0.5
    retry_backoff_max_seconds: float = 30.0
    outbox_lease_seconds: float = 30.0
    outbox_poll_seconds: float = 1.0
    outbox_eager: bool = True
    """Publish a write's events at once from the writing process (messaging/eager.py); when off,
    only the relay publishes them (one claim and one removal per document)."""
    readiness_timeout_seconds: float = 2.0
    dead_letter_ttl_days: float = Field(14.0, gt=0)
    """How long a message waits in a `.retry` or `.dead` queue before the broker drops it."""
    idempotency_retention_days: float = Field(1.0, gt=0)
    """How long a POST's `Idempotency-Key` and its stored response are kept."""
    retention_sweep_seconds: float = Field(3600.0, gt=0)
    """How often each retention sweep deletes what its TTL index would (together_kit.retention)."""

    @property
    def trusted_proxies(self) -> list[str]:
        return [entry.strip() for entry in self.forwarded_allow_ips.split(",") if entry.strip()]

    @property
    def database_name(self) -> str:
        return self.mongodb_database or self.service_name

    def secret_keys(self) -> SecretKeys:
        """The current and previous secrets, from which each purpose's keys are derived."""
        return SecretKeys(
            self.secret_key.get_secret_value(),
            parse_previous(self.previous_secret_keys.get_secret_value()),
        )

    def site_keys(self) -> SecretKeys:
        """The shared site key and the previous ones (together_kit.web.site)."""
        return SecretKeys(
            self.site_key.get_secret_value(),
            parse_previous(self.previous_site_keys.get_secret_value()),
        )

    def addresses(self) -> Addresses:
        """Every service's public address, for links across the site."""
        return Addresses(
            signups=self.signups_public_url,
            moderation=self.moderation_public_url,
            matching=self.matching_public_url,
            notifications=self.notifications_public_url,
        )

    def navigation(self) -> Navigation:
        """The site's navigation as this service's pages draw it (together_kit.web.navigation)."""
        return Navigation(self.addresses(), service=self.service_name)

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
        site_key = self.site_key.get_secret_value()
        if self.environment == "production" and (
            site_key == DEVELOPMENT_SITE_KEY or len(site_key) < MIN_KEY_LENGTH
        ):
            raise ValueError(
                "set SITE_KEY (the same in every service) to a random value of 32 characters "
                "or more"
            )
        return self

    @model_validator(mode="after")
    def _production_refuses_weak_keys_and_dev_pages(self) -> "ServiceSettings":
        """In production: previous secrets and admin keys (any `*admin_api_key` or `*admin_key`
        setting) of 32 characters or more, and no development pages (a `dev_pages` setting)."""
        if self.environment != "production":
            return self
        prefix = self.model_config.get("env_prefix", "")
        previous = parse_previous(self.previous_secret_keys.get_secret_value())
        if any(len(secret) < MIN_KEY_LENGTH or secret == DEVELOPMENT_SECRET for secret in previous):
            raise ValueError(
                f"every key in {prefix}PREVIOUS_SECRET_KEYS must be {MIN_KEY_LENGTH} characters"
                " or more"
            )
        for name, value in self:
            weak = isinstance(value, SecretStr) and len(value.get_secret_value()) < MIN_KEY_LENGTH
            if name.endswith(("admin_api_key", "admin_key")) and weak:
                raise ValueError(
                    f"set {prefix}{name.upper()} to a random value of {MIN_KEY_LENGTH} characters"
                    " or more, or leave it unset"
                )
        if getattr(self, "dev_pages", False):
            raise ValueError(
                f"{prefix}DEV_PAGES serves development pages (the delivery log and its links):"
                " never in production"
            )
        return self

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxies_are_addresses(cls, value: str) -> str:
        """Only addresses and networks: uvicorn takes a typo for a host name, and `*` trusts anyone."""
        for entry in filter(None, (entry.strip() for entry in value.split(","))):
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"FORWARDED_ALLOW_IPS: {entry!r} is not an address or a network (10.0.0.0/8)"
                ) from None
        return value

    @property
    def erasure_digest_key(self) -> bytes:
        """The key of `together_contracts.email_digest`."""
        return self.erasure_key.get_secret_value().encode()
