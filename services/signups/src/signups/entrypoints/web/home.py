"""The front door of the site: what together is, and the way to each thing people come to do."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from signups.entrypoints.dependencies import SiteDep

router = APIRouter()


@router.get("/")
async def home(request: Request, site: SiteDep) -> HTMLResponse:
    return site.render(request, "home.html")
