"""Routes of the texts we send: the provider's delivery receipts (`POST /sms/receipts`) and the
short links texts carry (`GET /s/{code}`).

A receipt is 403 when the call is not the provider's (its signature or token), 400 when it cannot
be read, 404 while texts are off, 200 otherwise (also for a receipt naming no text we hold: the
provider need not retry it). As for inbound texts, the provider signed the URL it called, our
public one, or the one the request arrived at (the local sink calls the port directly).
"""

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from notifications.domain.texts import InvalidCallback, Receipt, SmsProvider, UnreadableCallback
from notifications.entrypoints.dependencies import ContextDep, PagesDep, SettingsDep
from notifications.handlers import receipts

RESPONSES: dict[int | str, dict[str, str]] = {
    400: {"description": "The call cannot be read"},
    403: {"description": "Not the provider's call (bad or missing signature or token)"},
    404: {"description": "Texts are off here"},
}


def read_receipt(
    provider: SmsProvider, *, urls: list[str], request: Request, body: bytes
) -> Receipt:
    """The receipt in the call, checked against each URL the provider may have signed."""
    headers = dict(request.headers)
    refused = InvalidCallback("no URL to check")
    for url in dict.fromkeys(urls):
        try:
            return provider.receipt(url=url, headers=headers, body=body)
        except UnreadableCallback:
            raise
        except InvalidCallback as error:
            refused = error
    raise refused


def texts_out_router() -> APIRouter:
    router = APIRouter(tags=["texts"])

    @router.post("/sms/receipts", responses=RESPONSES)
    async def delivery_receipt(
        request: Request, ctx: ContextDep, settings: SettingsDep
    ) -> Response:
        """The provider's report of what became of a text: recorded on the text in the delivery
        log (delivered, or failed with the provider's detail); a failure for good suppresses the
        number."""
        provider = ctx.sms_provider
        if provider is None:
            return JSONResponse({"detail": "Texts are off here."}, status_code=404)
        body = await request.body()
        public = settings.public_base_url.rstrip("/") + request.url.path
        if request.url.query:
            public += "?" + request.url.query
        try:
            receipt = read_receipt(
                provider, urls=[public, str(request.url)], request=request, body=body
            )
        except UnreadableCallback:
            return JSONResponse({"detail": "The call cannot be read."}, status_code=400)
        except InvalidCallback:
            return JSONResponse({"detail": "Not the provider's call."}, status_code=403)
        recorded = await receipts.record_receipt(receipt, ctx)
        return JSONResponse({"recorded": recorded})

    @router.get("/s/{code}", include_in_schema=False)
    async def short_link(code: str, request: Request, ctx: ContextDep, pages: PagesDep) -> Response:
        """Where a short link in a text leads (303), or the page for a link no longer valid."""
        target = await ctx.short_links.target(code) if ctx.short_links else None
        if target is None:
            return pages.render(request, "link_invalid.html", status_code=404)
        return RedirectResponse(target, status_code=303)

    return router
