"""Staff (and leads) help people who are not online (issue 23's assisted entry).

- "Sign someone up" and "Erase someone by phone number" issue a staff pass
  (together_kit.staff_pass) and send the staff member to signups' assisted pages, which start a
  session of their own from it; the person's details are typed there, never here. Each pass
  issued is in the security log (who and when).
- "Enter a story on someone's behalf" queues a story as the web form does (handlers.assisted);
  the entry is in the security log too.
"""

import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from together_kit.http.middleware import current_correlation_id
from together_kit.staff_pass import StaffPass, issue_pass
from together_kit.web.forms import check

from moderation.domain.assisted import CAME_WORDS
from moderation.domain.security_log import Outcome, SecurityAction
from moderation.entrypoints.web import labels
from moderation.entrypoints.web.moderator.assisted_form import (
    MESSAGES,
    WELSH,
    AssistedStory,
    assisted_input,
)
from moderation.entrypoints.web.moderator.security import (
    AssistantDep,
    AssistantPostedDep,
    Me,
    allow_form_redirect,
    form_of,
)
from moderation.entrypoints.web.moderator.ui import ui_of
from moderation.handlers import assisted
from moderation.handlers.security_log import record_security_event

router = APIRouter()

SIGNUPS_START = "/assisted/start"
PURPOSES = {"sign-up", "erase"}
"""What a pass is asked for (the security log says which); signups' pages offer both."""
PROMPTS_CY = {
    "lockdown": "Sut oedd y cyfnod clo i chi?",
    "unites-us": "Beth sy'n ein huno?",
    "divides-us": "Beth sy'n ein rhannu?",
    "closer": "Beth fyddai'n dod â ni'n agosach?",
}


@router.get("/assisted")
async def assisted_page(request: Request, me: AssistantDep) -> HTMLResponse:
    ui = ui_of(request)
    allow_form_redirect(request, ui.settings.addresses().signups)
    return ui.render(request, "moderator/assisted.html", me=me)


@router.post("/assisted/pass")
async def pass_to_signups(request: Request, me: AssistantPostedDep) -> Response:
    ui = ui_of(request)
    purpose = str((await form_of(request)).get("purpose", ""))
    account = me.account
    token = issue_pass(
        ui.settings.staff_pass_secret.get_secret_value(),
        StaffPass(account.id, account.name, account.role.value),
    )
    await record_security_event(
        ui.accounts.security_log,
        at=ui.now(),
        actor=account,
        action=SecurityAction.STAFF_PASS,
        target_id=account.id,
        outcome=Outcome.SUCCESS,
        detail=purpose if purpose in PURPOSES else "sign-up",
    )
    signups = ui.settings.addresses().signups.rstrip("/")
    location = f"{signups}{SIGNUPS_START}?{urlencode({'pass': token})}"
    return RedirectResponse(location, status_code=status.HTTP_303_SEE_OTHER)


@router.get("/assisted/story")
async def story_form(request: Request, me: AssistantDep) -> HTMLResponse:
    return _story_page(request, me, {"language": "en", "nonce": secrets.token_urlsafe(16)})


@router.post("/assisted/story")
async def enter_story(request: Request, me: AssistantPostedDep) -> Response:
    ui = ui_of(request)
    values = assisted_input(await form_of(request))
    story, errors = check(AssistedStory, values, MESSAGES)
    if story is None:
        return _story_page(
            request, me, values, errors, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT
        )
    command = assisted.EnterStory(
        prompt=story.prompt,
        title=story.title,
        text=story.text,
        region=story.region,
        language=story.language,
        came=story.came,
        nonce=story.nonce,
        correlation_id=current_correlation_id(),
    )
    entered = await assisted.enter_story(command, by=me.account, ctx=ui.ctx)
    await record_security_event(
        ui.accounts.security_log,
        at=ui.now(),
        actor=me.account,
        action=SecurityAction.ASSISTED_STORY,
        target_id=entered.story_id,
        outcome=Outcome.SUCCESS,
        detail=story.came.value,
    )
    return ui.see_other(request, "/assisted?done=entered")


def _story_page(
    request: Request,
    me: Me,
    values: Mapping[str, Any],
    errors: Mapping[str, str] | None = None,
    *,
    status_code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    context = {
        "values": values,
        "errors": errors or {},
        "welsh": WELSH,
        "prompts": [(key, words, PROMPTS_CY[key]) for key, words in labels.PROMPTS.items()],
        "came": [(came.value, *words) for came, words in CAME_WORDS.items()],
    }
    return ui_of(request).render(
        request, "moderator/assisted_story.html", context, me=me, status_code=status_code
    )
