"""Well-formed events for tests to publish."""

import uuid

from together_contracts import VolunteerRegistered, VolunteerRegisteredData


def volunteer_registered(
    name: str = "Ann", *, person_id: uuid.UUID | None = None, email: str = "ann@example.org"
) -> VolunteerRegistered:
    return VolunteerRegistered(
        producer="tests",
        correlation_id=f"test-{uuid.uuid4().hex[:8]}",
        data=VolunteerRegisteredData(person_id=person_id or uuid.uuid4(), name=name, email=email),
    )
