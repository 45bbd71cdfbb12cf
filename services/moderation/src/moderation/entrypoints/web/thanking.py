"""The thank-you wall for 5 July (issue 22): the form (/thanks/new), the wall (/thanks, by nation
and kind of worker), one thank-you's page to share (/thanks/{id}) and the day's page
(/thanks/5-july: the thanks and the events listed for the day, on a map of the UK)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData
from together_kit.http.middleware import current_correlation_id
from together_kit.web import uk_map
from together_kit.web.forms import check
from together_kit.web.i18n import Translate
from together_kit.web.labels import LANGUAGES, label, options
from together_kit.web.pages import FormPage, Site

from moderation.domain.thanks import DAY
from moderation.entrypoints.dependencies import ContextDep, SettingsDep, SiteDep
from moderation.entrypoints.thanks_api import command, published, thanks_page
from moderation.entrypoints.thanks_schemas import ThanksCreate, ThanksPublic
from moderation.entrypoints.web import day_map, forms, labels, region_map
from moderation.entrypoints.web.reading import paging
from moderation.entrypoints.web.sharing import MAX_FORM_FIELDS
from moderation.handlers.thanks import post_thanks

LONDON = ZoneInfo("Europe/London")
DAY_PATH = "/thanks/5-july"
ON_THE_DAY_PAGE = 30
"""The newest thanks the day's page shows (the wall has them all)."""

router = APIRouter()


@dataclass(frozen=True)
class ShownThanks:
    id: str
    who: str
    worker: str
    paragraphs: list[str]
    name: str | None
    region: str
    language: str


def shown(thanks: ThanksPublic, translate: Translate) -> ShownThanks:
    return ShownThanks(
        id=str(thanks.id),
        who=thanks.who,
        worker=label(labels.WORKERS, thanks.worker, translate),
        paragraphs=[line for line in thanks.what_for.splitlines() if line.strip()],
        name=thanks.name,
        region=label(labels.REGIONS, thanks.region, translate),
        language=thanks.language,
    )


def thanks_form(site: Site) -> FormPage:
    return site.form_page("thanks_new.html", workers=labels.WORKERS, languages=LANGUAGES)


@router.get("/thanks/new")
async def new_thanks(request: Request, site: SiteDep) -> HTMLResponse:
    return thanks_form(site)(request, {"language": site.pages.language(request)})


@router.post("/thanks/new")
async def post_new_thanks(request: Request, ctx: ContextDep, site: SiteDep) -> Response:
    sent = "/thanks/new/sent"
    form = await site.public_form(request, thanks=sent, max_fields=MAX_FORM_FIELDS)
    if not isinstance(form, FormData):
        return form
    values = forms.thanks_input(form)
    thanks, errors = check(ThanksCreate, values, forms.THANKS)
    if thanks is None:
        return thanks_form(site)(request, values, errors)
    await post_thanks(command(thanks, current_correlation_id()), ctx)
    return site.see_other(request, sent)


@router.get("/thanks/new/sent")
async def thanks_sent(request: Request, site: SiteDep) -> HTMLResponse:
    return site.render(request, "thanks_sent.html")


@router.get("/thanks")
async def wall(
    request: Request,
    ctx: ContextDep,
    site: SiteDep,
    settings: SettingsDep,
    nation: str = Query("", max_length=20),
    worker: str = Query("", max_length=20),
    page: int = Query(1, ge=1, le=10_000),
) -> HTMLResponse:
    translate = site.translator(request)
    nation = nation if nation in labels.NATIONS else ""
    worker = worker if worker in labels.WORKERS else ""
    found = await thanks_page(
        ctx,
        nation=nation or None,
        worker=worker or None,
        page=page,
        per_page=settings.stories_per_page,
    )
    context = {
        "thanks": [shown(one, translate) for one in found.thanks],
        "total": found.total,
        "nations": options(labels.NATIONS, translate),
        "workers": options(labels.WORKERS, translate),
        "nation": nation,
        "worker": worker,
        **paging(page, total=found.total, per_page=found.per_page, nation=nation, worker=worker),
        "day_path": DAY_PATH,
    }
    return site.render(request, "thanks.html", context)


def day_of(now: datetime, year: int | None) -> date:
    """This year's 5 July until it has passed (in UK time), then next year's; or `year`'s."""
    month, day = DAY
    if year is not None:
        return date(year, month, day)
    today = now.astimezone(LONDON).date()
    this_year = date(today.year, month, day)
    return this_year if today <= this_year else date(today.year + 1, month, day)


@router.get(DAY_PATH)
async def the_day(
    request: Request,
    ctx: ContextDep,
    site: SiteDep,
    year: int | None = Query(None, ge=2020, le=2100),
) -> HTMLResponse:
    """The thanks (the newest `ON_THE_DAY_PAGE`, and where all of them come from) and the events
    approved for the day, on a map of the UK with a table beside it."""
    translate = site.translator(request)
    day = day_of(ctx.clock(), year)
    start = datetime.combine(day, time(0, 0), tzinfo=LONDON)
    listings = await ctx.items.listings_starting(start, start + timedelta(days=1))
    regions = await ctx.items.published_thanks_regions()
    newest, total = await ctx.items.published_thanks(
        nation=None, worker=None, limit=ON_THE_DAY_PAGE, offset=0
    )
    found = day_map.places(regions, [item.region for item in listings], translate=translate)
    events = [
        {
            "id": str(item.id),
            "title": item.published_title or item.title,
            "starts": item.listing.starts_at.astimezone(LONDON).strftime("%H:%M"),
            "where": translate("Online") if item.listing.online else item.region,
        }
        for item in listings
    ]
    context = {
        "day": day,
        "year": day.year,
        "thanks": [shown(ThanksPublic.of(item), translate) for item in newest],
        "total": total,
        "events": events,
        "places": found,
        "bubbles": day_map.bubbles(found, translate=translate),
        "key": day_map.key(translate=translate),
        "outline": uk_map.outline(),
        "view": region_map.VIEW,
        "radius": day_map.RADIUS,
    }
    return site.render(request, "thanks_day.html", context)


@router.get("/thanks/{thanks_id}")
async def one_thanks(
    request: Request, thanks_id: UUID, ctx: ContextDep, site: SiteDep
) -> HTMLResponse:
    found = await published(thanks_id, ctx)
    if found is None:
        return site.render(request, "thanks_missing.html", status_code=status.HTTP_404_NOT_FOUND)
    one = shown(found, site.translator(request))
    return site.render(request, "thanks_one.html", {"one": one, "day_path": DAY_PATH})
