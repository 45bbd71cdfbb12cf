"""The SMS providers' pure parts: Twilio's request signature (against the example in Twilio's
own documentation), how refusals are classed, and which provider the settings choose."""

import pytest
from notifications.adapters.sms import build_provider
from notifications.adapters.sms.notify import NotifyProvider
from notifications.adapters.sms.twilio import TwilioProvider, signature
from notifications.settings import Settings

pytestmark = pytest.mark.unit


def test_twilio_signature_matches_twilios_documented_example() -> None:
    """Twilio's docs (security, "validating requests"; TwilioDevEd/api-snippets
    security/signature_validation): auth token 12345, this URL and these parameters sign as
    GvWf1cFY/Q7PnoempGyD5oXAezc=."""
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675310",
        "Digits": "1234",
        "From": "+14158675310",
        "To": "+18005551212",
    }

    found = signature(
        "12345", url="https://mycompany.com/myapp.php?foo=1&bar=2", params=list(params.items())
    )

    assert found == "GvWf1cFY/Q7PnoempGyD5oXAezc="


def test_twilio_signature_sorts_the_parameters_by_name() -> None:
    pairs = [("To", "+18005551212"), ("Body", "YES")]

    assert signature("t", url="https://x/", params=pairs) == signature(
        "t", url="https://x/", params=list(reversed(pairs))
    )
    assert signature("t", url="https://x/", params=pairs) != signature(
        "t", url="https://x/?key=1", params=pairs
    )


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
