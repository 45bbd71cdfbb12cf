"""Routes of the texts we send: the provider's delivery receipts (`POST /sms/receipts`) and the
short links texts carry (`GET /s/{code}`).

A receipt is 403 when the call is not the provider's (its signature or token), 400 when it cannot
be read, 404 while texts are off, 200 otherwise (also for a receipt naming no text we hold: the
provider need not retry it); `entrypoints.provider_calls` reads and checks the call.
"""

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from notifications.entrypoints.dependencies import ContextDep, PagesDep, SettingsDep
from notifications.entrypoints.provider_calls import RESPONSES, provider_call
from notifications.handlers import receipts


def texts_out_router() -> APIRouter:
    router = APIRouter(tags=["texts"])

    @router.post("/sms/receipts", responses=RESPONSES)
    async def delivery_receipt(
        request: Request, ctx: ContextDep, settings: SettingsDep
    ) -> Response:
        """The provider's report of what became of a text: recorded on the text in the delivery
        log (delivered, or failed with the provider's detail); a failure for good suppresses the
        number."""
        receipt = await provider_call(
            request,
            ctx.sms_provider,
            settings,
            lambda provider, url, headers, body: provider.receipt(
                url=url, headers=headers, body=body
            ),
        )
        if isinstance(receipt, Response):
            return receipt
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
