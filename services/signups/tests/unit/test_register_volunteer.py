"""Registering a volunteer: the domain rule and the handler, with a small in-memory repository."""

from collections.abc import Sequence
from uuid import UUID

import pytest
from signups.domain.volunteers import EmailAlreadyRegisteredError, Volunteer
from signups.handlers import RegisterVolunteer, register_volunteer
from together_contracts import Event, VolunteerRegistered

pytestmark = pytest.mark.unit


class InMemoryPeople:
    """A `PeopleRepository` that keeps what it is given and refuses an email it already holds."""

    def __init__(self) -> None:
        self.volunteers: dict[UUID, Volunteer] = {}
        self.staged: dict[UUID, list[Event]] = {}

    async def add(self, volunteer: Volunteer, *, events: Sequence[Event]) -> None:
        if any(known.email == volunteer.email for known in self.volunteers.values()):
            raise EmailAlreadyRegisteredError(volunteer.email)
        self.volunteers[volunteer.id] = volunteer
        self.staged[volunteer.id] = list(events)


def command(
    name: str = "  Ann   Jones ",
    email: str = " Ann.Jones@Example.ORG ",
    correlation_id: str = "corr-42",
) -> RegisterVolunteer:
    return RegisterVolunteer(name=name, email=email, language="cy", correlation_id=correlation_id)


def test_register_collapses_whitespace_and_lowercases_email() -> None:
    volunteer = Volunteer.register(
        name="\tAnn \n  Jones  ", email="  ANN@Example.Org ", language="cy"
    )

    assert volunteer.name == "Ann Jones"
    assert volunteer.email == "ann@example.org"
    assert volunteer.language == "cy"
    assert volunteer.registered_at.tzinfo is not None


def test_each_registration_gets_its_own_id() -> None:
    first = Volunteer.register(name="Ann", email="ann@example.org", language="en")
    second = Volunteer.register(name="Ann", email="ann@example.org", language="en")

    assert first.id != second.id


async def test_register_volunteer_stores_the_normalised_volunteer() -> None:
    people = InMemoryPeople()

    volunteer = await register_volunteer(command(), people=people)

    assert people.volunteers == {volunteer.id: volunteer}
    assert volunteer.name == "Ann Jones"
    assert volunteer.email == "ann.jones@example.org"
    assert volunteer.language == "cy"


async def test_register_volunteer_stages_exactly_one_registered_event() -> None:
    people = InMemoryPeople()

    volunteer = await register_volunteer(command(correlation_id="corr-42"), people=people)

    [event] = people.staged[volunteer.id]
    assert isinstance(event, VolunteerRegistered)
    assert event.type == "volunteer.registered"
    assert event.correlation_id == "corr-42"
    assert event.producer == "signups"
    assert event.data.person_id == volunteer.id
    assert event.data.name == "Ann Jones"
    assert event.data.email == "ann.jones@example.org"
    assert event.data.language == "cy"


async def test_duplicate_email_raises_and_stages_nothing_more() -> None:
    people = InMemoryPeople()
    first = await register_volunteer(command(email="ann@example.org"), people=people)

    with pytest.raises(EmailAlreadyRegisteredError):
        await register_volunteer(command(name="Other", email="  ANN@example.org"), people=people)

    assert list(people.volunteers) == [first.id]
    assert sum(len(events) for events in people.staged.values()) == 1
