"""`POST /sms/inbound`: the provider tells us of a text someone sent to the coalition's number.

403 when the call is not the provider's (its signature or token), 400 when it cannot be read,
404 while texts are off (NOTIFICATIONS_SMS_PROVIDER=none), 503 while the store is down (the
kit's handler: the provider retries), 200 otherwise: a resent text is answered 200 and does
nothing again. Twilio is answered with an empty TwiML response (no reply from Twilio itself:
replies go through the delivery log).
(`entrypoints.provider_calls` reads and checks the call.)
"""

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from together_kit.http.middleware import current_correlation_id

from notifications.entrypoints.dependencies import ContextDep, SettingsDep
from notifications.entrypoints.provider_calls import RESPONSES, provider_call
from notifications.handlers import texts_in

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def texts_in_router() -> APIRouter:
    router = APIRouter(tags=["texts"])

    @router.post(
        "/sms/inbound",
        responses={
            **RESPONSES,
            503: {"description": "The store is unavailable; the provider retries"},
        },
    )
    async def inbound_text(request: Request, ctx: ContextDep, settings: SettingsDep) -> Response:
        """The provider's call for a text received: acted on once (STOP, START, HELP, YES or NO
        with an invitation's code, STORY or THANKS and words)."""
        text = await provider_call(
            request,
            ctx.sms_provider,
            settings,
            lambda provider, url, headers, body: provider.inbound(
                url=url, headers=headers, body=body
            ),
        )
        if isinstance(text, Response):
            return text
        await texts_in.receive_text(text, correlation_id=current_correlation_id(), ctx=ctx)
        if ctx.sms_provider is not None and ctx.sms_provider.name == "twilio":
            return Response(EMPTY_TWIML, media_type="text/xml")
        return JSONResponse({})

    return router
