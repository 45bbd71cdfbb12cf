"""The local SMS sink's copy of the two providers' APIs, as far as notifications calls them.

GOV.UK Notify: `POST /v2/notifications/sms` (`phone_number`, `template_id`, `personalisation`
with the whole text as `body`, `reference`) and `GET /v2/notifications?reference=&template_type=`,
each with the JWT Notify checks; errors as Notify words them (`status_code`, `errors`).
Twilio: `POST /2010-04-01/Accounts/{sid}/Messages.json` (form: `To`, `From`, `Body`,
`StatusCallback`) and `GET` of the same with `To`, `From`, `PageSize`, with Basic auth; errors
as Twilio words them (`code`, `message`, `status`).
"""

import base64
import json
import re
import secrets
import uuid
from email.utils import format_datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Form, Header, Request
from fastapi.responses import JSONResponse
from together_contracts.texts import normalised_phone

from together_kit.dev.smsshapes import Text, notify_token_valid

if TYPE_CHECKING:
    from together_kit.dev.smssink import SmsSink

MOBILE = re.compile(r"^\+(447\d{9}|(?!44)\d{8,15})$")
"""What the sink takes for a number it can text: a UK mobile, or a number abroad."""
NOTIFY_STATUSES = {"sending": "sending", "delivered": "delivered", "failed": "permanent-failure"}
TWILIO_ERRORS = {
    "refused": (400, 21211, "The 'To' number {to} is not a valid phone number."),
    "unavailable": (503, 20503, "Service unavailable"),
    "unauthorised": (401, 20003, "Authenticate"),
    "no body": (400, 21602, "Message body is required."),
}


def api_router(sink: "SmsSink") -> APIRouter:
    router = APIRouter()

    def notify_error(status: int, error: str, message: str) -> JSONResponse:
        body = {"status_code": status, "errors": [{"error": error, "message": message}]}
        return JSONResponse(body, status_code=status)

    @router.post("/v2/notifications/sms", response_model=None)
    async def notify_send(
        request: Request, authorization: Annotated[str, Header()] = ""
    ) -> JSONResponse:
        if not notify_token_valid(authorization, api_key=sink.notify_api_key):
            return notify_error(403, "AuthError", "Invalid token: signature, api token not found")
        try:
            given = json.loads(await request.body())
            to = normalised_phone(str(given.get("phone_number", "")))
            body = str((given.get("personalisation") or {}).get("body", ""))
        except (ValueError, AttributeError):
            return notify_error(400, "ValidationError", "Request body is not a JSON object")
        failure = sink.failure(to) if MOBILE.match(to) else "refused"
        if failure == "refused":
            return notify_error(400, "ValidationError", "phone_number Not a UK mobile number")
        if failure == "unavailable":
            return notify_error(503, "ServiceUnavailable", "Service unavailable, try again")
        if not body:
            return notify_error(400, "BadRequestError", "Missing personalisation: body")
        text = Text(id=str(uuid.uuid4()), to=to, body=body, shape="notify")
        text.reference = given.get("reference")
        text.status = "failed" if failure == "undelivered" else "sending"
        await sink.keep(text)
        template = {"id": given.get("template_id"), "version": 1, "uri": f"{sink.url}/template"}
        content = {"body": body, "from_number": sink.number}
        uri = f"{sink.url}/v2/notifications/{text.id}"
        answer = {"id": text.id, "reference": text.reference, "content": content, "uri": uri}
        return JSONResponse(answer | {"template": template, "scheduled_for": None}, 201)

    @router.get("/v2/notifications", response_model=None)
    async def notify_list(
        reference: str | None = None,
        template_type: str | None = None,
        authorization: Annotated[str, Header()] = "",
    ) -> JSONResponse | dict[str, Any]:
        if not notify_token_valid(authorization, api_key=sink.notify_api_key):
            return notify_error(403, "AuthError", "Invalid token: signature, api token not found")
        found = [
            {"id": t.id, "reference": t.reference, "phone_number": t.to, "type": "sms"}
            | {"status": NOTIFY_STATUSES[t.status], "body": t.body}
            | {"created_at": t.created.isoformat()}
            for t in reversed(sink.texts)
            if t.shape == "notify"
            and (reference is None or t.reference == reference)
            and template_type in (None, "sms")
        ]
        return {"notifications": found, "links": {"current": f"{sink.url}/v2/notifications"}}

    def twilio_error(kind: str, **values: str) -> JSONResponse:
        status, code, message = TWILIO_ERRORS[kind]
        body = {"code": code, "message": message.format(**values), "status": status}
        return JSONResponse(
            body | {"more_info": f"https://www.twilio.com/docs/errors/{code}"}, status
        )

    def twilio_allowed(request: Request, sid: str) -> bool:
        auth = request.headers.get("authorization", "")
        expected = basic_auth(sink.twilio_account_sid, sink.twilio_auth_token)
        return sid == sink.twilio_account_sid and secrets.compare_digest(auth, expected)

    def resource(text: Text) -> dict[str, Any]:
        sent = format_datetime(text.created, usegmt=True)
        return {
            "sid": text.id,
            "account_sid": sink.twilio_account_sid,
            "to": text.to,
            "from": sink.number,
            "body": text.body,
            "status": text.status,
            "direction": "outbound-api",
            "num_segments": str(text.segments),
            "date_created": sent,
            "date_updated": sent,
            "date_sent": sent if text.status != "sending" else None,
            "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{sink.twilio_account_sid}/Messages/{text.id}.json",
        }

    @router.post("/2010-04-01/Accounts/{sid}/Messages.json", response_model=None)
    async def twilio_send(
        request: Request,
        sid: str,
        to: Annotated[str, Form(alias="To")] = "",
        body: Annotated[str, Form(alias="Body")] = "",
        status_callback: Annotated[str | None, Form(alias="StatusCallback")] = None,
    ) -> JSONResponse:
        if not twilio_allowed(request, sid):
            return twilio_error("unauthorised")
        number = normalised_phone(to)
        failure = sink.failure(number) if MOBILE.match(number) else "refused"
        if failure in ("refused", "unavailable"):
            return twilio_error(str(failure), to=to)
        if not body:
            return twilio_error("no body")
        text = Text(id=f"SM{uuid.uuid4().hex}", to=number, body=body, shape="twilio")
        text.status_callback = status_callback
        text.status = "failed" if failure == "undelivered" else "sending"
        await sink.keep(text)
        return JSONResponse(resource(text) | {"status": "queued"}, status_code=201)

    @router.get("/2010-04-01/Accounts/{sid}/Messages.json", response_model=None)
    async def twilio_list(request: Request, sid: str) -> JSONResponse:
        if not twilio_allowed(request, sid):
            return twilio_error("unauthorised")
        to = request.query_params.get("To")
        size = int(request.query_params.get("PageSize") or 50)
        found = [
            resource(text)
            for text in reversed(sink.texts)
            if text.shape == "twilio" and (to is None or text.to == normalised_phone(to))
        ][:size]
        return JSONResponse(
            {"messages": found, "page": 0, "page_size": size, "next_page_uri": None}
        )

    return router


def basic_auth(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
