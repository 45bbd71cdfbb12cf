"""What signups does, one async function per command."""

from dataclasses import dataclass

from together_contracts import VolunteerRegistered, VolunteerRegisteredData

from signups.adapters.people import PeopleRepository
from signups.domain.volunteers import Language, Volunteer

PRODUCER = "signups"


@dataclass(frozen=True)
class RegisterVolunteer:
    name: str
    email: str
    language: Language
    correlation_id: str


async def register_volunteer(command: RegisterVolunteer, *, people: PeopleRepository) -> Volunteer:
    volunteer = Volunteer.register(
        name=command.name, email=command.email, language=command.language
    )
    registered = VolunteerRegistered(
        producer=PRODUCER,
        correlation_id=command.correlation_id,
        data=VolunteerRegisteredData(
            person_id=volunteer.id,
            name=volunteer.name,
            email=volunteer.email,
            language=volunteer.language,
        ),
    )
    await people.add(volunteer, events=[registered])
    return volunteer
