"""`POST /sms/inbound`: the provider tells us of a text someone sent to the coalition's number.

403 when the call is not the provider's (its signature or token), 400 when it cannot be read,
404 while texts are off (NOTIFICATIONS_SMS_PROVIDER=none), 503 while the store is down (the
kit's handler: the provider retries), 200 otherwise: a resent text is answered 200 and does
nothing again. Twilio is answered with an empty TwiML response (no reply from Twilio itself:
replies go through the delivery log).

The provider signs the URL it called, which is our public one (`public_base_url`) behind a
proxy; the URL the request arrived at is tried too (the local sink calls the port directly).
"""

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from together_kit.http.middleware import current_correlation_id

from notifications.domain.texts import InboundText, InvalidCallback, SmsProvider, UnreadableCallback
from notifications.entrypoints.dependencies import ContextDep, SettingsDep
from notifications.handlers import texts_in

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "The call cannot be read"},
    403: {"description": "Not the provider's call (bad or missing signature or token)"},
    404: {"description": "Texts are off here"},
    503: {"description": "The store is unavailable; the provider retries"},
}


def read_inbound(
    provider: SmsProvider, *, urls: list[str], request: Request, body: bytes
) -> InboundText:
    """The text in the call, checked against each URL the provider may have signed."""
    headers = dict(request.headers)
    refused: InvalidCallback | None = None
    for url in dict.fromkeys(urls):
        try:
            return provider.inbound(url=url, headers=headers, body=body)
        except UnreadableCallback:
            raise
        except InvalidCallback as error:
            refused = error
    assert refused is not None
    raise refused


def texts_in_router() -> APIRouter:
    router = APIRouter(tags=["texts"])

    @router.post("/sms/inbound", responses=RESPONSES)
    async def inbound_text(request: Request, ctx: ContextDep, settings: SettingsDep) -> Response:
        """The provider's call for a text received: acted on once (STOP, START, HELP, YES or NO
        with an invitation's code, STORY or THANKS and words)."""
        provider = ctx.sms_provider
        if provider is None:
            return JSONResponse({"detail": "Texts are off here."}, status_code=404)
        body = await request.body()
        public = settings.public_base_url.rstrip("/") + request.url.path
        if request.url.query:
            public += "?" + request.url.query
        try:
            text = read_inbound(
                provider, urls=[public, str(request.url)], request=request, body=body
            )
        except UnreadableCallback:
            return JSONResponse({"detail": "The call cannot be read."}, status_code=400)
        except InvalidCallback:
            return JSONResponse({"detail": "Not the provider's call."}, status_code=403)
        await texts_in.receive_text(text, correlation_id=current_correlation_id(), ctx=ctx)
        if provider.name == "twilio":
            return Response(EMPTY_TWIML, media_type="text/xml")
        return JSONResponse({})

    return router
