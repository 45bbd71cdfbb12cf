"""How GOV.UK Notify and Twilio speak, as far as the local SMS sink needs: checking the calls
notifications makes to their APIs, and making the calls they make to notifications' routes
(a received text, a delivery receipt) with a valid bearer token or signature; and what the sink
keeps of each text (`Text`, with its segments) and of each text sent to the coalition (`Reply`).

Notify: its API takes a JWT (HS256, `iss` = the service id, `iat` within 30 s) signed with the
secret half of the API key `<name>-<service id>-<secret>`; its callbacks carry JSON and
`Authorization: Bearer <callback token>`. Twilio: its API takes Basic auth (account SID, auth
token); its callbacks are forms signed in `X-Twilio-Signature` (base64 HMAC-SHA1, keyed with the
auth token, of the URL followed by each parameter's name and value, sorted by name).
"""

import importlib
import json
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urlencode

import jwt

from together_kit.twilio import twilio_signature

importlib.import_module("gsm0338")  # registers the "gsm03.38" codec (the package is untyped)
NOTIFY_TOKEN_SECONDS = 30
Shape = Literal["notify", "twilio"]
Failure = Literal["refused", "unavailable", "undelivered"]


def encoding(body: str) -> str:
    """GSM-7 when every character is in the GSM 03.38 alphabet (or its extension), else UCS-2."""
    try:
        body.encode("gsm03.38")
    except UnicodeEncodeError:
        return "UCS-2"
    return "GSM-7"


def segments(body: str) -> int:
    """Parts a text is sent in: 160 GSM-7 characters in one (an extension character such as € or
    [ counts two), 153 each when split; 70 UCS-2 units in one, 67 each when split."""
    if encoding(body) == "GSM-7":
        length, single, part = len(body.encode("gsm03.38")), 160, 153
    else:
        length, single, part = len(body.encode("utf-16-le")) // 2, 70, 67
    return 1 if length <= single else math.ceil(length / part)


def notify_token_valid(authorization: str, *, api_key: str) -> bool:
    """Whether a Notify API call's bearer JWT is signed with this key, for its service, now."""
    service_id, secret = api_key[-73:-37], api_key[-36:]
    try:
        claims = jwt.decode(
            authorization.removeprefix("Bearer "),
            key=secret,
            algorithms=["HS256"],
            options={"require": ["iss", "iat"], "verify_iat": False},
        )
    except jwt.InvalidTokenError:
        return False
    fresh = abs(time.time() - int(claims["iat"])) <= NOTIFY_TOKEN_SECONDS
    return bool(claims["iss"] == service_id and fresh)


@dataclass(frozen=True)
class Callback:
    """A call the provider makes to notifications."""

    url: str
    content: bytes
    headers: dict[str, str] = field(default_factory=dict)


def notify_callback(url: str, *, token: str, data: Mapping[str, object]) -> Callback:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    return Callback(url, json.dumps(data).encode(), headers)


def twilio_callback(url: str, *, auth_token: str, params: dict[str, str]) -> Callback:
    pairs = list(params.items())
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": twilio_signature(auth_token, url=url, params=pairs),
    }
    return Callback(url, urlencode(pairs).encode(), headers)


@dataclass
class Text:
    """A text notifications handed to the sink."""

    id: str
    to: str
    body: str
    shape: Shape
    reference: str | None = None
    status_callback: str | None = None
    status: str = "sending"
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    receipt: str = ""
    """What notifications answered to the delivery receipt."""

    @property
    def segments(self) -> int:
        return segments(self.body)

    @property
    def encoding(self) -> str:
        return encoding(self.body)


@dataclass(frozen=True)
class Reply:
    """A text sent to the coalition's number, and what notifications answered."""

    sender: str
    body: str
    status: int
    answer: str
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
