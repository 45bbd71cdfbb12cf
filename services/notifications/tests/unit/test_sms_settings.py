"""The SMS provider's settings: each provider's credentials in their own format, and no
development placeholder in production."""

import uuid

import pytest
from notifications.settings import Settings
from pydantic import ValidationError

pytestmark = pytest.mark.unit

REAL_SECRET = "k" * 40
NOTIFY_KEY = f"together_live-{uuid.uuid4()}-{uuid.uuid4()}"
TEMPLATE = str(uuid.uuid4())
TOKEN = "t" * 40


@pytest.fixture(autouse=True)
def real_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Production also refuses the kit's placeholder keys (together_kit.settings); the test
    session's own SMS sink settings (the kit's pytest plugin) are not these tests' concern."""
    monkeypatch.setenv("ERASURE_KEY", "e" * 40)
    monkeypatch.setenv("SITE_KEY", "s" * 40)
    for name in ("PROVIDER", "API_URL", "FROM"):
        monkeypatch.delenv(f"NOTIFICATIONS_SMS_{name}", raising=False)
    for name in ("NOTIFY_API_KEY", "NOTIFY_CALLBACK_TOKEN", "NOTIFY_TEMPLATE_ID"):
        monkeypatch.delenv(f"NOTIFICATIONS_{name}", raising=False)


def test_texts_are_off_unless_a_provider_is_chosen() -> None:
    assert Settings().sms_provider == "none"


def test_each_provider_has_its_public_api_by_default() -> None:
    assert Settings(sms_provider="notify").sms_api() == "https://api.notifications.service.gov.uk"
    assert (
        Settings(
            sms_provider="twilio", twilio_account_sid="AC" + "0" * 32, sms_from="+447700900000"
        ).sms_api()
        == "https://api.twilio.com"
    )
    assert Settings(sms_api_url="http://127.0.0.1:8026/").sms_api() == "http://127.0.0.1:8026"


def test_a_notify_key_not_in_notifys_format_is_refused() -> None:
    with pytest.raises(ValidationError, match="is not '<name>-<uuid>-<uuid>'"):
        Settings(sms_provider="notify", notify_api_key="just-a-secret")


@pytest.mark.parametrize(
    ("missing", "settings"),
    [
        (
            "NOTIFICATIONS_NOTIFY_API_KEY",
            {"notify_template_id": TEMPLATE, "notify_callback_token": TOKEN},
        ),
        (
            "NOTIFICATIONS_NOTIFY_TEMPLATE_ID",
            {"notify_api_key": NOTIFY_KEY, "notify_callback_token": TOKEN},
        ),
        (
            "NOTIFICATIONS_NOTIFY_CALLBACK_TOKEN",
            {"notify_api_key": NOTIFY_KEY, "notify_template_id": TEMPLATE},
        ),
        (
            "NOTIFICATIONS_NOTIFY_CALLBACK_TOKEN",
            {
                "notify_api_key": NOTIFY_KEY,
                "notify_template_id": TEMPLATE,
                "notify_callback_token": "short",
            },
        ),
    ],
)
def test_production_with_notify_refuses_placeholders(
    missing: str, settings: dict[str, str]
) -> None:
    with pytest.raises(ValidationError, match=missing):
        Settings(
            environment="production", secret_key=REAL_SECRET, sms_provider="notify", **settings
        )


def test_production_with_notify_configured_is_accepted() -> None:
    settings = Settings(
        environment="production",
        secret_key=REAL_SECRET,
        sms_provider="notify",
        notify_api_key=NOTIFY_KEY,
        notify_template_id=TEMPLATE,
        notify_callback_token=TOKEN,
    )
    assert settings.notify_api_key.get_secret_value() == NOTIFY_KEY


@pytest.mark.parametrize(
    ("problem", "settings"),
    [
        ("TWILIO_ACCOUNT_SID is not", {"twilio_account_sid": "AC123", "sms_from": "+447700900000"}),
        ("set NOTIFICATIONS_SMS_FROM", {"twilio_account_sid": "AC" + "a" * 32}),
    ],
)
def test_twilio_needs_an_account_sid_and_a_number(problem: str, settings: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match=problem):
        Settings(sms_provider="twilio", **settings)


def test_production_with_twilio_refuses_the_placeholder_auth_token() -> None:
    given = {"twilio_account_sid": "AC" + "a" * 32, "sms_from": "+447700900000"}
    with pytest.raises(ValidationError, match="NOTIFICATIONS_TWILIO_AUTH_TOKEN"):
        Settings(environment="production", secret_key=REAL_SECRET, sms_provider="twilio", **given)
    settings = Settings(
        environment="production",
        secret_key=REAL_SECRET,
        sms_provider="twilio",
        twilio_auth_token=TOKEN,
        **given,
    )
    assert settings.twilio_auth_token.get_secret_value() == TOKEN


def test_the_placeholders_are_fine_outside_production() -> None:
    assert Settings(environment="development", sms_provider="notify").sms_provider == "notify"
