"""Coordinators (and leads) see community connectors by state and district, move them along
their path (domain.connectors), and see the districts with an open call to action and no active
connector. Reading a connector's page is reading personal data: it goes in the security log."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import HTMLResponse, Response
from together_contracts.connectors import ConnectorState

from moderation.domain.connectors import (
    CHECKLIST,
    MAX_DISTRICTS,
    ConcurrentMoveError,
    ConnectorNotFoundError,
    MoveError,
    districts_of,
)
from moderation.domain.security_log import Outcome, SecurityAction
from moderation.entrypoints.web.moderator.security import (
    CoordinatorDep,
    CoordinatorPostedDep,
    Me,
    form_of,
)
from moderation.entrypoints.web.moderator.ui import UK, ui_of
from moderation.handlers import connectors
from moderation.handlers.security_log import record_security_event

router = APIRouter()

STATE_NAMES = {
    ConnectorState.INTERESTED: "Interested",
    ConnectorState.CALL_BOOKED: "Welcome call booked",
    ConnectorState.TRAINED: "Trained",
    ConnectorState.ACTIVE: "Active",
    ConnectorState.PAUSED: "Paused",
    ConnectorState.STEPPED_DOWN: "Stepped down",
}
MOVE_BUTTONS = {
    ConnectorState.INTERESTED: "Back to interested",
    ConnectorState.CALL_BOOKED: "Book the welcome call",
    ConnectorState.TRAINED: "Mark as trained",
    ConnectorState.ACTIVE: "Make active in these districts",
    ConnectorState.PAUSED: "Pause",
    ConnectorState.STEPPED_DOWN: "Step down",
}


@router.get("/connectors")
async def connectors_page(
    request: Request,
    me: CoordinatorDep,
    district: str = Query("", max_length=4),
) -> HTMLResponse:
    ui = ui_of(request)
    found = await connectors.overview(ui.ctx)
    chosen = district.strip().upper()
    by_state = {
        state: [c for c in people if not chosen or chosen in (c.home_district, *c.districts)]
        for state, people in found.by_state.items()
    }
    context: dict[str, Any] = {
        "by_state": by_state,
        "names": STATE_NAMES,
        "uncovered": found.uncovered,
        "active_districts": sorted(found.active_districts.items()),
        "district": chosen,
    }
    return ui.render(request, "moderator/connectors.html", context, me=me)


@router.get("/connectors/{person_id}")
async def connector_page(request: Request, person_id: UUID, me: CoordinatorDep) -> Response:
    return await _connector(request, person_id, me)


@router.post("/connectors/{person_id}/move")
async def move(request: Request, person_id: UUID, me: CoordinatorPostedDep) -> Response:
    ui = ui_of(request)
    form = await form_of(request)
    to = str(form.get("to", ""))
    if to not in {state.value for state in ConnectorState}:
        return await _connector(
            request,
            person_id,
            me,
            error="Choose a step.",
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    call_at, problem = _call_time(str(form.get("call_at", "")))
    if problem and to == ConnectorState.CALL_BOOKED.value:
        return await _connector(
            request, person_id, me, error=problem, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT
        )
    command = connectors.Move(
        to=ConnectorState(to),
        by=me.account.name,
        districts=districts_of(str(form.get("districts", ""))),
        call_at=call_at,
        checklist=frozenset(str(v) for v in form.getlist("checklist"))
        if "checklist_shown" in form
        else None,
    )
    try:
        await connectors.move_connector(person_id, command, ui.ctx)
    except ConnectorNotFoundError:
        return ui_of(request).missing(request, me, what="connector")
    except MoveError as wrong:
        return await _connector(
            request,
            person_id,
            me,
            error=str(wrong),
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    except ConcurrentMoveError:
        return await _connector(
            request,
            person_id,
            me,
            error="Another coordinator moved this connector meanwhile: here is where they are now.",
            status_code=status.HTTP_409_CONFLICT,
        )
    return ui.see_other(request, f"/connectors/{person_id}?done=moved")


def _call_time(entered: str) -> tuple[datetime | None, str]:
    """The welcome call's time as typed in a `datetime-local` field, in UK time."""
    if not entered:
        return None, "Enter the day and time of the welcome call."
    try:
        return datetime.fromisoformat(entered).replace(tzinfo=UK).astimezone(UTC), ""
    except ValueError:
        return None, "Enter the day and time of the welcome call, like 2027-06-01 18:30."


async def _connector(
    request: Request,
    person_id: UUID,
    me: Me,
    *,
    error: str = "",
    status_code: int = status.HTTP_200_OK,
) -> Response:
    ui = ui_of(request)
    try:
        connector = await connectors.connector_of(person_id, ui.ctx)
    except ConnectorNotFoundError:
        return ui_of(request).missing(request, me, what="connector")
    await record_security_event(
        ui.accounts.security_log,
        at=ui.now(),
        actor=me.account,
        action=SecurityAction.PERSONAL_DATA_READ,
        target_id=person_id,
        outcome=Outcome.SUCCESS,
        detail="connector",
    )
    context = {
        "connector": connector,
        "names": STATE_NAMES,
        "buttons": MOVE_BUTTONS,
        "checklist": CHECKLIST,
        "max_districts": MAX_DISTRICTS,
        "error": error,
    }
    return ui.render(request, "moderator/connector.html", context, me=me, status_code=status_code)
