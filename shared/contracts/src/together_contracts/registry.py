"""Every event model by (type, version): what the catalogue lists and consumers look up."""

from together_contracts.envelope import Event
from together_contracts.volunteers import VolunteerRegistered

EVENT_MODELS: dict[tuple[str, int], type[Event]] = {
    (model.model_fields["type"].default, model.model_fields["version"].default): model
    for model in (VolunteerRegistered,)
}


def model_for(event_type: str, version: int) -> type[Event] | None:
    return EVENT_MODELS.get((event_type, version))
