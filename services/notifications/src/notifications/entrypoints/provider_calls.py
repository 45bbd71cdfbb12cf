"""What the SMS provider's calls to our routes (`/sms/inbound`, `/sms/receipts`) share: the
provider signed the URL it called, which is our public one (`public_base_url`) behind a proxy, or
the one the request arrived at (the local sink calls the port directly), so each is tried; a call
is refused 404 while texts are off, 400 when it cannot be read, 403 when it is not the
provider's (its signature or token)."""

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import JSONResponse

from notifications.domain.texts import InvalidCallback, SmsProvider, UnreadableCallback
from notifications.settings import Settings

Read = TypeVar("Read")
Reader = Callable[[SmsProvider, str, dict[str, str], bytes], Read]
"""Reads one call (provider, URL it may have signed, headers, body) or raises InvalidCallback."""

RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "The call cannot be read"},
    403: {"description": "Not the provider's call (bad or missing signature or token)"},
    404: {"description": "Texts are off here"},
}


def signed_urls(request: Request, settings: Settings) -> list[str]:
    """The URLs the provider may have signed: our public one first, then the one it reached."""
    public = settings.public_base_url.rstrip("/") + request.url.path
    if request.url.query:
        public += "?" + request.url.query
    return list(dict.fromkeys([public, str(request.url)]))


async def provider_call(
    request: Request, provider: SmsProvider | None, settings: Settings, read: Reader[Read]
) -> Read | JSONResponse:
    """What `read` finds in the provider's call, or the answer that refuses the call."""
    if provider is None:
        return JSONResponse({"detail": "Texts are off here."}, status_code=404)
    body = await request.body()
    headers = dict(request.headers)
    for url in signed_urls(request, settings):
        try:
            return read(provider, url, headers, body)
        except UnreadableCallback:
            return JSONResponse({"detail": "The call cannot be read."}, status_code=400)
        except InvalidCallback:
            continue
    return JSONResponse({"detail": "Not the provider's call."}, status_code=403)
