"""The SMS providers' pure parts: how refusals are classed, and which provider the settings
choose (Twilio's request signature: the kit's test_twilio)."""

import pytest
from notifications.adapters.sms import build_provider
from notifications.adapters.sms.notify import NotifyProvider
from notifications.adapters.sms.twilio import TwilioProvider
from notifications.settings import Settings

pytestmark = pytest.mark.unit


def test_no_provider_unless_the_settings_choose_one() -> None:
    assert build_provider(Settings(sms_provider="none")) is None


def test_notify_is_built_against_the_api_the_settings_name() -> None:
    provider = build_provider(Settings(sms_provider="notify", sms_api_url="http://127.0.0.1:8026/"))

    assert isinstance(provider, NotifyProvider)
    assert provider.config.base_url == "http://127.0.0.1:8026"


def test_twilio_receipts_come_back_to_our_public_address() -> None:
    provider = build_provider(
        Settings(
            sms_provider="twilio",
            twilio_account_sid="AC" + "1" * 32,
            sms_from="+447700900000",
            public_base_url="https://notifications.together.example/",
            sms_api_url=None,
        )
    )

    assert isinstance(provider, TwilioProvider)
    assert provider.config.receipts_url == "https://notifications.together.example/sms/receipts"
    assert provider.config.base_url == "https://api.twilio.com"
