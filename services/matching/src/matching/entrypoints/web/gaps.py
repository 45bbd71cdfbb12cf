"""/gaps: a map of the UK, its districts as circles sized by volunteers and coloured by events in
reach, zoomed to a nation or region by `?area=`; then the biggest gaps (districts with volunteers
and no event in reach) as a table, for those who cannot see the map."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from together_kit.web import uk_map

from matching.domain import gaps as drawing
from matching.domain.areas import LABELS, NATIONS, REGIONS, in_area
from matching.entrypoints.dependencies import ContextDep, LocalitiesDep, SiteDep
from matching.handlers.calls import open_calls
from matching.handlers.gaps import find_gaps

REACHES = (5, 10, 25)
TABLE_ROWS = 25
SIZES = (1, 10, 50)
"""Volunteers shown by the legend's circle sizes."""


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
    calling = await open_calls(ctx)
    view, districts = uk_map.WHOLE, []
    if chosen is not None:
        centroids = [places[code].centroid for code in in_area(chosen, places, places)]
        where = [(centroid.latitude, centroid.longitude) for centroid in centroids]
        view, districts = uk_map.view_of(where), [uk_map.on_map(*place) for place in where]
    shown = in_area(chosen, (gap.outward_code for gap in found), places)
    circles = [
        {
            "gap": gap,
            "place": places[gap.outward_code].name if gap.outward_code in places else "",
            "xy": uk_map.on_map(gap.centroid.latitude, gap.centroid.longitude),
            "r": round(drawing.radius_for(gap.volunteers) * view.scale, 2),
            "class": drawing.colour_for(gap.events_in_reach)
            + (" call-open" if gap.outward_code in calling else ""),
        }
        for gap in sorted(found, key=lambda g: -g.volunteers)
    ]
    top = [gap for gap in drawing.biggest(found) if gap.outward_code in shown]
    context = {
        "view": view,
        "outline": uk_map.outline(),
        "districts": districts,
        "dot": round(1.5 * view.scale, 2),
        "label_size": round(12 * view.scale, 2),
        "circles": circles,
        "sizes": [(n, drawing.radius_for(n)) for n in SIZES],
        "top": [(gap, places.get(gap.outward_code)) for gap in top[:TABLE_ROWS]],
        "any_volunteers": bool(found),
        "calls": sorted(
            (c for c in calling.values() if c.outward_code in shown),
            key=lambda c: c.opened_at,
        ),
        "reach": reach,
        "reaches": REACHES,
        "area": chosen,
        "nations": NATIONS,
        "regions": {slug: label for slug, (label, _) in REGIONS.items()},
        "area_label": LABELS.get(chosen or ""),
    }
    return site.render(request, "gaps.html", context)
