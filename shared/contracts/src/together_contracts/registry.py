"""Every event model by (type, version): what the catalogue lists and consumers look up."""

from together_contracts.envelope import Event
from together_contracts.erasure import (
    ErasureLinkRequested,
    PersonAccessAnswered,
    PersonAccessRequested,
    PersonErased,
    PersonErasureRequested,
)
from together_contracts.listings import EventSubmitted, ListingApproved, ListingRejected
from together_contracts.matches import (
    AttendanceRecorded,
    EventCancelled,
    EventChanged,
    EventPublished,
    MatchAccepted,
    MatchDeclined,
    MatchProposed,
    VolunteerUnmatched,
)
from together_contracts.notifications import NotificationFailed, NotificationSent
from together_contracts.organisations import OrganisationJoined, PledgeMade
from together_contracts.stories import (
    BacklogAlert,
    StoryApproved,
    StoryHeld,
    StoryRejected,
    StorySubmitted,
)
from together_contracts.volunteers import (
    VolunteerConfirmed,
    VolunteerRegistered,
    VolunteerUnsubscribed,
    VolunteerUpdated,
)

ALL_EVENTS: tuple[type[Event], ...] = (
    VolunteerRegistered,
    VolunteerConfirmed,
    VolunteerUpdated,
    VolunteerUnsubscribed,
    OrganisationJoined,
    PledgeMade,
    ErasureLinkRequested,
    PersonErasureRequested,
    PersonErased,
    PersonAccessRequested,
    PersonAccessAnswered,
    StorySubmitted,
    StoryApproved,
    StoryRejected,
    StoryHeld,
    BacklogAlert,
    EventSubmitted,
    ListingApproved,
    ListingRejected,
    EventPublished,
    EventChanged,
    EventCancelled,
    MatchProposed,
    MatchAccepted,
    MatchDeclined,
    VolunteerUnmatched,
    AttendanceRecorded,
    NotificationSent,
    NotificationFailed,
)

EVENT_MODELS: dict[tuple[str, int], type[Event]] = {
    (model.model_fields["type"].default, model.model_fields["version"].default): model
    for model in ALL_EVENTS
}


def model_for(event_type: str, version: int) -> type[Event] | None:
    return EVENT_MODELS.get((event_type, version))
