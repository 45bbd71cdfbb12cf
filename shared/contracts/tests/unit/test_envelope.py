import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError
from together_contracts import EVENT_MODELS, VolunteerRegistered, VolunteerRegisteredData, model_for

pytestmark = pytest.mark.unit


def event(**overrides: object) -> VolunteerRegistered:
    values: dict[str, object] = {
        "producer": "signups",
        "correlation_id": "req-1",
        "data": VolunteerRegisteredData(
            person_id=uuid.uuid4(), name="Ann", email="ann@example.org"
        ),
    }
    values.update(overrides)
    return VolunteerRegistered(**values)  # type: ignore[arg-type]


def test_envelope_has_every_field_with_defaults() -> None:
    registered = event()
    assert isinstance(registered.id, uuid.UUID)
    assert registered.type == VolunteerRegistered.routing_key == "volunteer.registered"
    assert registered.version == 1
    assert registered.occurred_at.utcoffset() == timedelta(0)
    assert registered.causation_id is None


def test_occurred_at_is_normalised_to_utc_and_naive_times_are_refused() -> None:
    bst = timezone(timedelta(hours=1))
    assert event(occurred_at=datetime(2026, 6, 1, 13, 0, tzinfo=bst)).occurred_at.hour == 12
    with pytest.raises(ValidationError, match="occurred_at"):
        event(occurred_at=datetime(2026, 6, 1, 13, 0))


def test_round_trip_through_json() -> None:
    registered = event()
    assert VolunteerRegistered.model_validate_json(registered.model_dump_json()) == registered


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"version": 2}, "version"),
        ({"type": "volunteer.confirmed"}, "type"),
        ({"surprise": True}, "surprise"),
        ({"data": {"person_id": "not-a-uuid", "name": "A", "email": "a@example.org"}}, "person_id"),
        ({"data": {"person_id": str(uuid.uuid4()), "name": "A", "email": "nope"}}, "email"),
    ],
)
def test_a_different_version_type_or_shape_is_refused(
    change: dict[str, object], field: str
) -> None:
    body = json.loads(event().model_dump_json()) | change
    with pytest.raises(ValidationError, match=field):
        VolunteerRegistered.model_validate(body)


def test_events_are_immutable() -> None:
    with pytest.raises(ValidationError):
        event().producer = "someone else"  # type: ignore[misc]


def test_registry_finds_models_by_type_and_version() -> None:
    assert model_for("volunteer.registered", 1) is VolunteerRegistered
    assert model_for("volunteer.registered", 2) is None
    assert all(model.routing_key == key[0] for key, model in EVENT_MODELS.items())
