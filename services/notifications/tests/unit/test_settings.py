"""Settings refuse what must not reach production: the placeholder webhook secret."""

import pytest
from notifications.settings import DEVELOPMENT_WEBHOOK_SECRET, Settings
from pydantic import ValidationError

pytestmark = pytest.mark.unit

REAL_SECRET = "k" * 40
HOOK = "https://partner.example/hooks/together"


@pytest.fixture(autouse=True)
def real_erasure_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Production also refuses the placeholder erasure key (together_kit.settings)."""
    monkeypatch.setenv("ERASURE_KEY", "e" * 40)
    monkeypatch.setenv("SITE_KEY", "s" * 40)
    monkeypatch.delenv("NOTIFICATIONS_SMS_PROVIDER", raising=False)  # the session's SMS sink


def test_production_with_a_webhook_refuses_the_placeholder_secret() -> None:
    with pytest.raises(ValidationError, match="set NOTIFICATIONS_WEBHOOK_SECRET"):
        Settings(environment="production", secret_key=REAL_SECRET, webhook_url=HOOK)


def test_production_with_a_webhook_refuses_a_short_secret() -> None:
    with pytest.raises(ValidationError, match="NOTIFICATIONS_WEBHOOK_URL is set in production"):
        Settings(
            environment="production",
            secret_key=REAL_SECRET,
            webhook_url=HOOK,
            webhook_secret="short",
        )


def test_production_with_a_real_webhook_secret_is_accepted() -> None:
    settings = Settings(
        environment="production", secret_key=REAL_SECRET, webhook_url=HOOK, webhook_secret="w" * 40
    )
    assert settings.webhook_secret.get_secret_value() == "w" * 40


@pytest.mark.parametrize(
    ("environment", "webhook_url"),
    [("production", None), ("development", HOOK), ("test", HOOK)],
)
def test_the_placeholder_is_fine_without_a_webhook_or_outside_production(
    environment: str, webhook_url: str | None
) -> None:
    settings = Settings(environment=environment, secret_key=REAL_SECRET, webhook_url=webhook_url)
    assert settings.webhook_secret.get_secret_value() == DEVELOPMENT_WEBHOOK_SECRET


def test_production_refuses_an_admin_key_under_32_characters() -> None:
    with pytest.raises(ValidationError, match="NOTIFICATIONS_ADMIN_API_KEY"):
        Settings(environment="production", secret_key=REAL_SECRET, admin_api_key="k" * 31)


def test_production_refuses_the_development_pages() -> None:
    with pytest.raises(ValidationError, match="NOTIFICATIONS_DEV_PAGES"):
        Settings(environment="production", secret_key=REAL_SECRET, dev_pages=True)
    assert Settings(environment="development", dev_pages=True).dev_pages
