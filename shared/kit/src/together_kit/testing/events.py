"""Well-formed events for tests to publish."""

import uuid
from datetime import datetime
from typing import Any

from together_contracts import (
    Availability,
    Consent,
    Interest,
    ListingApproved,
    ListingDecisionData,
    VolunteerConfirmed,
    VolunteerConfirmedData,
    VolunteerProfile,
    VolunteerRegistered,
    VolunteerRegisteredData,
)


def _correlation() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


def volunteer_registered(
    name: str = "Ann", *, person_id: uuid.UUID | None = None, email: str = "ann@example.org"
) -> VolunteerRegistered:
    return VolunteerRegistered(
        producer="tests",
        correlation_id=_correlation(),
        data=VolunteerRegisteredData(person_id=person_id or uuid.uuid4(), name=name, email=email),
    )


def volunteer_confirmed(
    person_id: uuid.UUID | None = None,
    *,
    correlation_id: str | None = None,
    occurred_at: datetime | None = None,
    **profile: Any,
) -> VolunteerConfirmed:
    """A volunteer in M1 who helps with food and mutual aid at weekends within 10 km and wants to
    be matched; `profile` changes any of those fields."""
    fields: dict[str, Any] = {
        "outward_code": "M1",
        "interests": [Interest.FOOD_AND_MUTUAL_AID],
        "availability": [Availability.WEEKENDS],
        "travel_radius_km": 10,
        "consents": [Consent.MATCHED_EVENTS],
        **profile,
    }
    envelope: dict[str, Any] = {"occurred_at": occurred_at} if occurred_at else {}
    return VolunteerConfirmed(
        producer="tests",
        correlation_id=correlation_id or _correlation(),
        data=VolunteerConfirmedData(
            person_id=person_id or uuid.uuid4(), profile=VolunteerProfile(**fields)
        ),
        **envelope,
    )


def listing_approved(
    event_id: uuid.UUID | str, *, correlation_id: str | None = None
) -> ListingApproved:
    """Moderation's approval of the listing of `event_id`."""
    return ListingApproved(
        producer="tests",
        correlation_id=correlation_id or _correlation(),
        data=ListingDecisionData(event_id=uuid.UUID(str(event_id))),
    )
