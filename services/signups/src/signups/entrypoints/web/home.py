"""The front door of the site: what together is, and the way to each thing people come to do."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from together_kit.pages import Site


def home_pages(site: Site) -> APIRouter:
    router = APIRouter()

    @router.get("/")
    async def home(request: Request) -> HTMLResponse:
        return site.render(request, "home.html")

    return router
