"""/gaps: a map of Great Britain drawn from district centroids, circles sized by volunteers and
coloured by events in reach, with the same figures as a table for those who cannot see it."""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from together_kit.pages import Site

from matching.domain import gaps as drawing
from matching.domain.geo import Point
from matching.entrypoints.dependencies import ContextDep
from matching.handlers.gaps import find_gaps

REACHES = (5, 10, 25)
TABLE_ROWS = 25
Outline = Callable[[], list[Point]]


def gap_pages(site: Site, *, outline: Outline) -> APIRouter:
    router = APIRouter()

    @router.get("/gaps")
    async def gap_map(
        request: Request, ctx: ContextDep, reach_km: Annotated[int, Query()] = 10
    ) -> HTMLResponse:
        reach = reach_km if reach_km in REACHES else 10
        found = await find_gaps(ctx, reach_km=reach)
        circles = [
            {
                "gap": gap,
                "xy": drawing.on_map(gap.centroid),
                "r": drawing.radius_for(gap.volunteers),
                "class": drawing.colour_for(gap.events_in_reach),
            }
            for gap in sorted(found, key=lambda g: -g.volunteers)
        ]
        context = {
            "width": drawing.MAP_WIDTH,
            "height": round(drawing.MAP_HEIGHT, 1),
            "outline": [drawing.on_map(point) for point in outline()],
            "circles": circles,
            "top": found[:TABLE_ROWS],
            "reach": reach,
            "reaches": REACHES,
        }
        return site.render(request, "gaps.html", context)

    return router
