"""Events about volunteers, told by signups."""

from typing import Literal
from uuid import UUID

from pydantic import EmailStr, Field

from together_contracts.envelope import Event, EventData

Language = Literal["en", "cy"]


class VolunteerRegisteredData(EventData):
    person_id: UUID
    name: str = Field(min_length=1, max_length=200)
    email: EmailStr
    language: Language = "en"


class VolunteerRegistered(Event):
    """Someone filled in the join form; their email address is not yet confirmed."""

    type: Literal["volunteer.registered"] = "volunteer.registered"
    version: Literal[1] = 1
    data: VolunteerRegisteredData
