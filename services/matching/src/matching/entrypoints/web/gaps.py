"""/gaps: a map of the UK, its districts as circles sized by volunteers and coloured by events in
reach, zoomed to a nation or region by `?area=`; then the biggest gaps (districts with volunteers
and no event in reach) as a table, for those who cannot see the map."""

import json
from functools import cache
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from matching.domain import gaps as drawing
from matching.domain.areas import LABELS, NATIONS, REGIONS, in_area
from matching.entrypoints.dependencies import ContextDep, LocalitiesDep, SiteDep
from matching.handlers.gaps import find_gaps

REACHES = (5, 10, 25)
TABLE_ROWS = 25
OUTLINE = Path(__file__).parent / "map" / "outline.json"
"""Natural Earth's UK, Isle of Man and Ireland, simplified by scripts/derive_outline.py."""
SIZES = (1, 10, 50)
"""Volunteers shown by the legend's circle sizes."""


@cache
def outline() -> dict[str, str]:
    """SVG paths of the UK (with the Isle of Man) and of Ireland, in the page's projection."""
    countries = json.loads(OUTLINE.read_text(encoding="utf-8"))
    return {
        "uk": drawing.path_of(countries["United Kingdom"] + countries["Isle of Man"]),
        "ireland": drawing.path_of(countries["Ireland"]),
    }


router = APIRouter()


@router.get("/gaps")
async def gap_map(
    request: Request,
    ctx: ContextDep,
    site: SiteDep,
    places: LocalitiesDep,
    reach_km: Annotated[int, Query()] = 10,
    area: Annotated[str | None, Query()] = None,
) -> HTMLResponse:
    reach = reach_km if reach_km in REACHES else 10
    chosen = area if area in LABELS else None
    found = await find_gaps(ctx, reach_km=reach)
    view, districts = drawing.WHOLE, []
    if chosen is not None:
        centroids = [places[code].centroid for code in in_area(chosen, places, places)]
        view, districts = drawing.view_of(centroids), [drawing.on_map(c) for c in centroids]
    shown = in_area(chosen, (gap.outward_code for gap in found), places)
    circles = [
        {
            "gap": gap,
            "place": places[gap.outward_code].name if gap.outward_code in places else "",
            "xy": drawing.on_map(gap.centroid),
            "r": round(drawing.radius_for(gap.volunteers) * view.scale, 2),
            "class": drawing.colour_for(gap.events_in_reach),
        }
        for gap in sorted(found, key=lambda g: -g.volunteers)
    ]
    top = [gap for gap in drawing.biggest(found) if gap.outward_code in shown]
    context = {
        "view": view,
        "outline": outline(),
        "districts": districts,
        "dot": round(1.5 * view.scale, 2),
        "label_size": round(12 * view.scale, 2),
        "circles": circles,
        "sizes": [(n, drawing.radius_for(n)) for n in SIZES],
        "top": [(gap, places.get(gap.outward_code)) for gap in top[:TABLE_ROWS]],
        "any_volunteers": bool(found),
        "reach": reach,
        "reaches": REACHES,
        "area": chosen,
        "nations": NATIONS,
        "regions": {slug: label for slug, (label, _) in REGIONS.items()},
        "area_label": LABELS.get(chosen or ""),
    }
    return site.render(request, "gaps.html", context)
