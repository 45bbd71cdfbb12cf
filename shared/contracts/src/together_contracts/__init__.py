"""Event contracts shared by every together service: the envelope and one model per event type.

Depends on pydantic alone, so any service (or a partner) can import it without the kit.
"""

from together_contracts.envelope import EXCHANGE, Event, EventData
from together_contracts.registry import EVENT_MODELS, model_for
from together_contracts.volunteers import VolunteerRegistered, VolunteerRegisteredData

__all__ = [
    "EVENT_MODELS",
    "EXCHANGE",
    "Event",
    "EventData",
    "VolunteerRegistered",
    "VolunteerRegisteredData",
    "model_for",
]
