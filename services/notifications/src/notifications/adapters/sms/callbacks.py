"""Reading a provider's call to our SMS routes: its headers, whatever their case, and its body
(JSON for GOV.UK Notify, a form for Twilio). What cannot be read is an `UnreadableCallback`
(an `InvalidCallback` answered 400, not 403)."""

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from notifications.domain.texts import UnreadableCallback


def header(headers: Mapping[str, str], name: str) -> str:
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), "")


def json_object(body: bytes) -> dict[str, Any]:
    try:
        found = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnreadableCallback(f"not JSON: {error}") from error
    if not isinstance(found, dict):
        raise UnreadableCallback("not a JSON object")
    return found


def form_pairs(body: bytes) -> list[tuple[str, str]]:
    try:
        return parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=bool(body))
    except (UnicodeDecodeError, ValueError) as error:
        raise UnreadableCallback(f"not a form: {error}") from error


def field(data: Mapping[str, Any], name: str) -> str:
    """A field that must be there and not empty."""
    value = data.get(name)
    if value is None or str(value) == "":
        raise UnreadableCallback(f"no {name}")
    return str(value)
