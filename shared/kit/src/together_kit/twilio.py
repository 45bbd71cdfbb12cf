"""How a request is known to come from Twilio (its SMS and voice webhooks), and how the local
stand-ins sign theirs.

Twilio signs each webhook with `X-Twilio-Signature`: the base64 of an HMAC-SHA1, keyed with the
account's auth token, over the full URL it requested followed by every POST parameter's name and
value, sorted by name (https://www.twilio.com/docs/usage/security#validating-requests).
"""

import base64
import hashlib
import hmac
from collections.abc import Iterable

SIGNATURE_HEADER = "X-Twilio-Signature"


def twilio_signature(auth_token: str, *, url: str, params: Iterable[tuple[str, str]]) -> str:
    """The signature Twilio sends with a POST of `params` to `url`."""
    signed = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signed_by_twilio(
    auth_token: str, *, url: str, params: Iterable[tuple[str, str]], signature: str
) -> bool:
    """Whether `signature` is Twilio's for this request (compared in constant time)."""
    expected = twilio_signature(auth_token, url=url, params=params)
    return hmac.compare_digest(expected.encode(), signature.encode())
