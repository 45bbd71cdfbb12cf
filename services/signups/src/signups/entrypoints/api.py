"""HTTP API of signups: parse, build a command, call a handler."""

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict, EmailStr, Field
from together_kit.http import current_correlation_id

from signups import handlers
from signups.adapters.people import PeopleRepository
from signups.domain.volunteers import EmailAlreadyRegisteredError


def get_people(request: Request) -> PeopleRepository:
    people: PeopleRepository = request.app.state.people
    return people


PeopleDep = Annotated[PeopleRepository, Depends(get_people)]


class SignupCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    email: EmailStr
    language: Literal["en", "cy"] = "en"


class SignupPublic(BaseModel):
    id: UUID
    status: Literal["registered"] = "registered"


router = APIRouter(prefix="/api/v1", tags=["signups"])


@router.post(
    "/signups",
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "This email address has already joined"}},
)
async def create_signup(body: SignupCreate, people: PeopleDep) -> SignupPublic:
    command = handlers.RegisterVolunteer(
        name=body.name,
        email=str(body.email),
        language=body.language,
        correlation_id=current_correlation_id(),
    )
    try:
        volunteer = await handlers.register_volunteer(command, people=people)
    except EmailAlreadyRegisteredError as error:
        raise HTTPException(
            status.HTTP_409_CONFLICT, "This email address has already joined."
        ) from error
    return SignupPublic(id=volunteer.id)
