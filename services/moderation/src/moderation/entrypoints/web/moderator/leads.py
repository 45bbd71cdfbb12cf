"""Leads manage moderators: add one with a temporary password, deactivate, change role, reset
a second factor."""

from collections.abc import Awaitable
from uuid import UUID

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, Response

from moderation.domain.decisions import Role
from moderation.domain.moderators import AccountError, AccountExistsError, AccountNotFoundError
from moderation.entrypoints.web.moderator.security import LeadDep, LeadPostedDep, Me, form_of
from moderation.entrypoints.web.moderator.ui import ui_of
from moderation.handlers import moderators

router = APIRouter()


async def listing(
    request: Request, me: Me, *, error: str = "", status_code: int = status.HTTP_200_OK
) -> HTMLResponse:
    ui = ui_of(request)
    context = {
        "accounts": await ui.accounts.moderators.all(),
        "roles": [role.value for role in Role],
        "error": error,
    }
    return ui.render(request, "moderator/moderators.html", context, me=me, status_code=status_code)


@router.get("/moderators")
async def moderators_page(request: Request, me: LeadDep) -> HTMLResponse:
    return await listing(request, me)


@router.post("/moderators")
async def add(request: Request, me: LeadPostedDep) -> Response:
    ui = ui_of(request)
    form = await form_of(request)
    role = str(form.get("role", ""))
    try:
        account, temporary = await moderators.create_with_temporary_password(
            email=str(form.get("email", "")),
            name=str(form.get("name", "")),
            role=Role(role) if role in {r.value for r in Role} else Role.MODERATOR,
            accounts=ui.accounts,
            by=me.account,
        )
    except (AccountError, AccountExistsError) as error:
        problem = str(error) if isinstance(error, AccountError) else "That email or name is taken."
        return await listing(
            request, me, error=problem, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT
        )
    context = {"account": account, "temporary": temporary}
    return ui.render(request, "moderator/moderator_created.html", context, me=me)


@router.post("/moderators/{account_id}/deactivate")
async def deactivate(request: Request, account_id: UUID, me: LeadPostedDep) -> Response:
    accounts = ui_of(request).accounts
    deactivating = moderators.deactivate(account_id, by=me.account, accounts=accounts)
    return await _changed(request, me, deactivating)


@router.post("/moderators/{account_id}/role")
async def change_role(request: Request, account_id: UUID, me: LeadPostedDep) -> Response:
    accounts = ui_of(request).accounts
    role = str((await form_of(request)).get("role", ""))

    async def change() -> None:
        if role not in {r.value for r in Role}:
            raise AccountError("Choose a role: moderator, lead, coordinator or staff.")
        await moderators.change_role(account_id, Role(role), by=me.account, accounts=accounts)

    return await _changed(request, me, change())


@router.post("/moderators/{account_id}/second-factor")
async def reset_second_factor(request: Request, account_id: UUID, me: LeadPostedDep) -> Response:
    accounts = ui_of(request).accounts
    reset = moderators.reset_second_factor(account_id, by=me.account, accounts=accounts)
    return await _changed(request, me, reset)


async def _changed(request: Request, me: Me, change: Awaitable[object]) -> Response:
    """Make a lead's change to an account: back to the list, or the list with why it was refused."""
    try:
        await change
    except (AccountError, AccountNotFoundError) as error:
        return await listing(request, me, error=_why(error), status_code=status.HTTP_409_CONFLICT)
    return ui_of(request).see_other(request, "/moderators?done=account")


def _why(error: Exception) -> str:
    return str(error) if isinstance(error, AccountError) else "There is no such account."
