"""JSON API of signups: parse, build a command, call a handler."""

from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from together_kit.http.idempotency import OnceDep, StoredResponse
from together_kit.http.middleware import TOO_LARGE, current_correlation_id
from together_kit.http.ratelimit import TOO_MANY
from together_kit.http.security import ADMIN_KEY_RESPONSES

from signups.domain.erasures import waiting_for
from signups.domain.people import Person
from signups.entrypoints.dependencies import (
    ContextDep,
    JoinCheckDep,
    SettingsDep,
    admin_only,
    join_limit,
)
from signups.entrypoints.schemas import (
    AccessExport,
    AccessPending,
    AccessRequest,
    ConsentEntry,
    ErasureStatus,
    JoinAccepted,
    LetterCounts,
    OrganisationCreate,
    PublicSignatory,
    SignatoriesPage,
    SignatureCreate,
    SignupCreate,
    VolunteerAdmin,
)
from signups.handlers import access, letter, organisations, volunteers

router = APIRouter(prefix="/api/v1", tags=["signups"])
ADMIN_ONLY = [Depends(admin_only)]


@router.post(
    "/signups",
    status_code=status.HTTP_202_ACCEPTED,
    responses={**TOO_LARGE, **TOO_MANY},
)
async def create_signup(
    admitted: JoinCheckDep,
    body: SignupCreate,
    ctx: ContextDep,
    once: OnceDep,
) -> JoinAccepted:
    """Join as a volunteer. An email follows to confirm the address, or, for an address we
    already know, to confirm the changed details: nothing changes until its link is followed.
    The answer is the same whether or not the address is known."""

    async def run() -> StoredResponse:
        command = volunteers.JoinVolunteer(
            details=body.details(), source="api", correlation_id=current_correlation_id()
        )
        await volunteers.join_volunteer(command, ctx, admitted=admitted)
        return StoredResponse(202, JoinAccepted().model_dump(mode="json"))

    answer = await once.run("signups", run)
    await admitted  # a replayed answer too is refused to a client over its rate
    return answer  # type: ignore[return-value]


@router.post(
    "/organisations",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(join_limit)],
    responses={**TOO_LARGE, **TOO_MANY},
)
async def create_organisation(
    body: OrganisationCreate,
    ctx: ContextDep,
    once: OnceDep,
) -> JoinAccepted:
    """Join as an organisation with a pledge; the contact confirms by email before it is public.
    The answer is the same whatever the contact's address."""

    async def run() -> StoredResponse:
        command = organisations.JoinOrganisation(
            details=body.details(),
            pledge=body.pledge_made(),
            correlation_id=current_correlation_id(),
        )
        await organisations.join_organisation(command, ctx)
        return StoredResponse(202, JoinAccepted().model_dump(mode="json"))

    return await once.run("organisations", run)  # type: ignore[return-value]


@router.post(
    "/letter/signatures",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(join_limit)],
    responses={**TOO_LARGE, **TOO_MANY},
    tags=["letter"],
)
async def sign_letter(body: SignatureCreate, ctx: ContextDep, once: OnceDep) -> JoinAccepted:
    """Co-sign the open letter, as a person or an organisation. An email follows with the link
    that confirms the address; the signature counts once it is followed. The answer is the same
    whether or not the address has signed before."""

    async def run() -> StoredResponse:
        command = letter.SignLetter(details=body.details(), correlation_id=current_correlation_id())
        await letter.sign_letter(command, ctx)
        return StoredResponse(202, JoinAccepted().model_dump(mode="json"))

    return await once.run("letter", run)  # type: ignore[return-value]


@router.get("/letter/counts", tags=["letter"])
async def letter_counts(ctx: ContextDep) -> LetterCounts:
    """Confirmed signatures of the open letter, in all and by nation."""
    counts = await letter.signatures(ctx).counts()
    return LetterCounts(total=counts.total, by_nation=counts.by_nation)


@router.get("/letter/signatories", tags=["letter"])
async def letter_signatories(
    ctx: ContextDep, settings: SettingsDep, page: int = Query(1, ge=1, le=100_000)
) -> SignatoriesPage:
    """The public list: confirmed signatories who agreed to be shown (names and towns only)."""
    listed = await letter.public_list(page, per_page=settings.signatories_per_page, ctx=ctx)
    return SignatoriesPage(
        page=listed.page,
        pages=listed.pages,
        total=listed.total,
        signatories=[
            PublicSignatory(name=s.name, kind=s.kind, town=s.town) for s in listed.signatories
        ],
    )


@router.get(
    "/signups/{person_id}", dependencies=ADMIN_ONLY, responses={404: {}, **ADMIN_KEY_RESPONSES}
)
async def read_signup(person_id: UUID, ctx: ContextDep) -> VolunteerAdmin:
    """Admin: one volunteer."""
    person = await ctx.people.get(person_id)
    if person is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such person.")
    return admin_view(person)


@router.get("/signups", dependencies=ADMIN_ONLY, responses=ADMIN_KEY_RESPONSES)
async def search_signups(
    ctx: ContextDep, email: str = Query(min_length=3, max_length=254)
) -> list[VolunteerAdmin]:
    """Admin: find a volunteer by email (case and surrounding spaces ignored)."""
    person = await ctx.people.find_by_email(email.strip().lower())
    return [admin_view(person)] if person else []


@router.get(
    "/erasures/{erasure_id}",
    dependencies=ADMIN_ONLY,
    responses={404: {}, **ADMIN_KEY_RESPONSES},
)
async def read_erasure(erasure_id: UUID, ctx: ContextDep, settings: SettingsDep) -> ErasureStatus:
    """Admin: which services have confirmed an erasure with `person.erased`."""
    record = await ctx.erasures.get(erasure_id)
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such erasure.")
    answered = {service: at.isoformat() for service, at in record.get("answers", {}).items()}
    waiting = waiting_for(answered, settings.erasure_services)
    return ErasureStatus(
        id=erasure_id,
        requested_at=record["requested_at"].isoformat(),
        reason=record["reason"],
        note=record.get("note"),
        answered=answered,
        waiting_for=waiting,
        complete=not waiting,
    )


@router.post(
    "/admin/access",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=ADMIN_ONLY,
    responses={**TOO_LARGE, **ADMIN_KEY_RESPONSES},
)
async def request_access(
    body: AccessRequest, ctx: ContextDep, settings: SettingsDep
) -> AccessPending:
    """Admin: ask every service what it holds about an address (subject access). Fetch the
    export from `GET /api/v1/admin/access/{id}` once all have answered."""
    access_id = await access.request_access(
        body.email, correlation_id=current_correlation_id(), ctx=ctx
    )
    return AccessPending(id=access_id, waiting_for=list(settings.erasure_services))


@router.get(
    "/admin/access/{access_id}",
    dependencies=ADMIN_ONLY,
    responses={
        202: {"model": AccessPending, "description": "Some services have not answered yet"},
        404: {"description": "No such request, or its export was already fetched"},
        **ADMIN_KEY_RESPONSES,
    },
)
async def read_access(
    access_id: UUID, response: Response, ctx: ContextDep, settings: SettingsDep
) -> AccessExport | AccessPending:
    """Admin: the subject access export, one JSON document, once every service has answered
    (202 until then). It is served once: a second read is 404."""
    response.headers["Cache-Control"] = "no-store"
    export = await access.collect(access_id, services=settings.erasure_services, ctx=ctx)
    if export is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such access request.")
    if export.held is None:
        response.status_code = status.HTTP_202_ACCEPTED
        return AccessPending(id=access_id, waiting_for=export.waiting_for)
    return AccessExport(id=access_id, requested_at=export.requested_at, held=export.held)


def admin_view(person: Person) -> VolunteerAdmin:
    details = person.details
    return VolunteerAdmin(
        id=person.id,
        name=details.name,
        email=details.email,
        postcode=details.postcode,
        phone=details.phone,
        channels=list(details.channels),
        status=person.status.value,
        interests=list(details.interests),
        availability=list(details.availability),
        travel_radius_km=details.travel_radius_km,
        language=details.language,
        consents=sorted(details.consents),
        connector=details.connector,
        joined_at=person.joined_at.isoformat(),
        confirmed_at=person.confirmed_at.isoformat() if person.confirmed_at else None,
        consent_log=[
            ConsentEntry(
                consent=str(record.consent),
                granted=record.granted,
                form_version=record.form_version,
                source=record.source,
                at=record.at.isoformat(),
            )
            for record in person.consent_log
        ],
    )
