"""Twilio's request signature, against the examples in Twilio's own documentation and SDKs."""

import pytest
from together_kit.twilio import signed_by_twilio, twilio_signature

pytestmark = pytest.mark.unit
EXAMPLE_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"


@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        ("+14158675309", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        ("+14158675310", "GvWf1cFY/Q7PnoempGyD5oXAezc="),
    ],
)
def test_the_signature_is_twilios_own_example(caller: str, expected: str) -> None:
    """Twilio's docs (security, "validating requests") and TwilioDevEd/api-snippets: auth token
    12345, this URL and these parameters."""
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": caller,
        "Digits": "1234",
        "From": caller,
        "To": "+18005551212",
    }

    assert twilio_signature("12345", url=EXAMPLE_URL, params=params.items()) == expected
    assert signed_by_twilio("12345", url=EXAMPLE_URL, params=params.items(), signature=expected)


def test_the_parameters_are_signed_in_order_of_name() -> None:
    pairs = [("To", "+18005551212"), ("Body", "YES")]

    assert twilio_signature("t", url="https://x/", params=pairs) == twilio_signature(
        "t", url="https://x/", params=reversed(pairs)
    )


@pytest.mark.parametrize(
    ("url", "params", "token"),
    [
        ("https://x/voice/incoming?lang=en", {"From": "+441234"}, "token"),
        ("https://x/voice/incoming", {"From": "+441235"}, "token"),
        ("https://x/voice/incoming", {"From": "+441234", "To": "+44"}, "token"),
        ("https://x/voice/incoming", {"From": "+441234"}, "tokenx"),
    ],
)
def test_any_change_breaks_the_signature(url: str, params: dict[str, str], token: str) -> None:
    signed = twilio_signature("token", url="https://x/voice/incoming", params=[("From", "+441234")])

    assert not signed_by_twilio(token, url=url, params=params.items(), signature=signed)
    assert not signed_by_twilio(token, url=url, params=params.items(), signature="")
