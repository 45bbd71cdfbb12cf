"""The public pledges: the list of approved pledges with counts by sector and nation and which
reported progress this year, and a page per pledge with its commitments and approved progress.
Organisation names and what they promised or did, nothing personal."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from together_kit import districts
from together_kit.web import labels
from together_kit.web.i18n import Translate

from signups.domain.organisations import Organisation
from signups.domain.progress import published, reported_in
from signups.entrypoints.dependencies import ContextDep, SiteDep
from signups.entrypoints.web.letter import NATIONS

SHOWN = 200
COUNTED = 10_000
"""Approved pledges read for the counts (organisations are few)."""


@dataclass(frozen=True)
class PublicUpdate:
    paragraphs: list[str]
    posted: str


@dataclass(frozen=True)
class PublicPledge:
    id: UUID
    organisation: str
    organisation_type: str
    paragraphs: list[str]
    categories: list[str]
    districts: list[str] = field(default_factory=list)
    reported_this_year: bool = False
    updates: list[PublicUpdate] = field(default_factory=list)


def paragraphs(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def shown(organisation: Organisation, translate: Translate, now: datetime) -> PublicPledge:
    decision = organisation.pledge_decision
    return PublicPledge(
        id=organisation.pledge.id,
        organisation=decision.organisation_name if decision else "",
        organisation_type=labels.label(
            labels.ORGANISATION_TYPES, organisation.details.organisation_type, translate
        ),
        paragraphs=paragraphs(decision.text if decision else ""),
        categories=[
            labels.label(labels.INTERESTS, category, translate)
            for category in organisation.pledge.categories
        ],
        districts=list(organisation.pledge.districts),
        reported_this_year=reported_in(organisation.updates, now.year),
        updates=[
            PublicUpdate(paragraphs(u.published_text), u.submitted_at.date().isoformat())
            for u in published(organisation.updates)
        ],
    )


def nation_of(organisation: Organisation) -> str:
    return districts.nation(organisation.details.outward_code) or ""


router = APIRouter()


@router.get("/pledges")
async def pledges(request: Request, ctx: ContextDep, site: SiteDep) -> HTMLResponse:
    translate = site.translator(request)
    now = ctx.clock()
    approved = [
        organisation
        async for organisation in ctx.organisations.approved_pledges(limit=COUNTED)
        if organisation.pledge_decision is not None
    ]
    sectors = Counter(str(o.details.organisation_type) for o in approved)
    nations = Counter(nation_of(o) for o in approved)
    listed = [shown(o, translate, now) for o in approved[:SHOWN]]
    context = {
        "pledges": listed,
        "total": len(approved),
        "by_sector": [
            (translate(name), sectors[key])
            for key, name in labels.ORGANISATION_TYPES.items()
            if sectors[key]
        ],
        "by_nation": [(translate(name), nations[name]) for name in NATIONS.values()],
        "reported": sum(reported_in(o.updates, now.year) for o in approved),
        "year": now.year,
    }
    return site.render(request, "pledges.html", context)


@router.get("/pledges/{pledge_id}")
async def pledge(pledge_id: UUID, request: Request, ctx: ContextDep, site: SiteDep) -> HTMLResponse:
    organisation = await ctx.organisations.with_pledge(pledge_id)
    if (
        organisation is None
        or organisation.pledge_decision is None
        or not (organisation.pledge_decision.approved)
    ):
        return site.render(request, "pledge_missing.html", status_code=404)
    one = shown(organisation, site.translator(request), ctx.clock())
    return site.render(request, "pledge.html", {"pledge": one})
