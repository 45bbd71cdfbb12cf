"""The local SMS sink's inbox page: every phone's conversation with the coalition's number (the
texts notifications sent it, with their segments, and what it texted back), and a form to text
the coalition's number from any phone, as its owner would."""

import html
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from together_contracts.texts import normalised_phone

from together_kit.dev.smsshapes import Reply, Text

if TYPE_CHECKING:
    from together_kit.dev.smssink import SmsSink

SHAPES = {"notify": "GOV.UK Notify's", "twilio": "Twilio's"}
PAGE = """<!doctype html><html lang="en"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Local SMS</title><style>body{{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;
padding:0 1rem;line-height:1.5}}pre{{white-space:pre-wrap;overflow-wrap:anywhere;margin:.2rem 0}}
section{{border-top:1px solid #999;margin-top:1.5rem}}.text{{margin:.8rem 0}}.in{{margin-left:2rem}}
.meta{{color:#555;font-size:.9rem}}textarea,input{{width:100%;box-sizing:border-box;font:inherit}}
.error{{color:#b00}}</style><h1>Local SMS</h1>{body}</html>"""


def inbox_router(sink: "SmsSink") -> APIRouter:
    router = APIRouter()

    def form(phone: str = "", body: str = "", error: str = "", *, this_phone: bool = False) -> str:
        e = html.escape
        shown = f"<p class='error' role='alert'>{e(error)}</p>" if error else ""
        if this_phone:
            field = f"<input type='hidden' name='phone' value='{e(phone)}'>"
            legend = "Reply from this phone"
        else:
            field = (
                "<label>From phone <input name='phone' type='tel' autocomplete='off'"
                f" value='{e(phone)}' required></label>"
            )
            legend = f"Text the coalition's number ({e(sink.number)}) from a phone"
        return (
            f"<form method='post' action='/reply'><p><b>{legend}</b></p>{shown}{field}"
            f"<label>Text <textarea name='body' rows='2' required>{e(body)}</textarea></label>"
            "<p><button>Send</button></p></form>"
        )

    def conversation(phone: str) -> str:
        said: list[tuple[object, str]] = [
            (t.created, outgoing(t)) for t in sink.texts if t.to == phone
        ]
        said += [(r.at, incoming(r)) for r in sink.replies if r.sender == phone]
        lines = "".join(line for _, line in sorted(said, key=lambda pair: str(pair[0])))
        anchor = phone.removeprefix("+")
        return f"<section id='p{anchor}'><h2>{html.escape(phone)}</h2>{lines}{form(phone, this_phone=True)}</section>"

    def page(error: str = "", phone: str = "", body: str = "") -> str:
        phones = list(dict.fromkeys([t.to for t in sink.texts] + [r.sender for r in sink.replies]))
        where = sink.notifications_url or "nowhere (no notifications_url)"
        intro = (
            f"<p>Speaking {SHAPES[sink.shape]} API; texts to the coalition go to"
            f" {html.escape(where)}.</p>"
        )
        empty = "" if phones else "<p>No texts yet. Choose text messages when you join.</p>"
        sections = "".join(conversation(p) for p in reversed(phones))
        top = form(phone, body, error)
        return PAGE.format(body=intro + top + empty + sections)

    @router.get("/", response_class=HTMLResponse)
    async def inbox() -> str:
        return page()

    @router.post("/reply", response_model=None)
    async def reply(
        phone: Annotated[str, Form()] = "", body: Annotated[str, Form()] = ""
    ) -> Response:
        number = normalised_phone(phone)
        if not number.removeprefix("+").isdigit() or len(number) < 9:
            return HTMLResponse(
                page("Type the phone number it comes from, such as 07700 900123.", phone, body), 400
            )
        if not body.strip():
            return HTMLResponse(page("Type the text to send.", phone, body), 400)
        if sink.notifications_url is None:
            return HTMLResponse(
                page("The sink does not know where notifications is.", phone, body), 400
            )
        await sink.reply(number, body)
        return RedirectResponse(f"/#p{number.removeprefix('+')}", status_code=303)

    return router


def outgoing(text: Text) -> str:
    meta = f"to this phone · {text.segments} segment(s), {text.encoding} · {text.status}"
    if text.receipt:
        meta += f" · receipt answered {text.receipt}"
    return f"<div class='text'><pre>{html.escape(text.body)}</pre><div class='meta'>{html.escape(meta)}</div></div>"


def incoming(reply: Reply) -> str:
    meta = f"from this phone · notifications answered {reply.status} {reply.answer[:200]}"
    return f"<div class='text in'><pre>{html.escape(reply.body)}</pre><div class='meta'>{html.escape(meta)}</div></div>"
