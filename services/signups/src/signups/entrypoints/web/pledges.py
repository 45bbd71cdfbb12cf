"""The public list of approved pledges: organisation names and what they promised, nothing personal."""

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from together_kit.web import labels

from signups.entrypoints.dependencies import ContextDep, SiteDep

SHOWN = 200


@dataclass(frozen=True)
class PublicPledge:
    organisation: str
    organisation_type: str
    paragraphs: list[str]
    categories: list[str]


router = APIRouter()


@router.get("/pledges")
async def pledges(request: Request, ctx: ContextDep, site: SiteDep) -> HTMLResponse:
    translate = site.translator(request)
    shown = [
        PublicPledge(
            organisation=decision.organisation_name,
            organisation_type=labels.label(
                labels.ORGANISATION_TYPES, organisation.details.organisation_type, translate
            ),
            paragraphs=[line for line in decision.text.splitlines() if line.strip()],
            categories=[
                labels.label(labels.INTERESTS, category, translate)
                for category in organisation.pledge.categories
            ],
        )
        async for organisation in ctx.organisations.approved_pledges(limit=SHOWN)
        if (decision := organisation.pledge_decision) is not None
    ]
    return site.render(request, "pledges.html", {"pledges": shown})
