"""Event contracts shared by every together service: the envelope and one model per event type.

Depends on pydantic alone, so any service (or a partner) can import it without the kit.
"""

from together_contracts.envelope import EXCHANGE, Event, EventData
from together_contracts.erasure import (
    ErasureLinkRequested,
    ErasureLinkRequestedData,
    PersonErased,
    PersonErasedData,
    PersonErasureRequested,
    PersonErasureRequestedData,
)
from together_contracts.listings import (
    EventSubmitted,
    EventSubmittedData,
    ListingApproved,
    ListingDecisionData,
    ListingRejected,
)
from together_contracts.organisations import (
    OrganisationJoined,
    OrganisationJoinedData,
    PledgeMade,
    PledgeMadeData,
)
from together_contracts.registry import ALL_EVENTS, EVENT_MODELS, model_for
from together_contracts.stories import (
    BacklogAlert,
    BacklogAlertData,
    Prompt,
    StoryApproved,
    StoryHeld,
    StoryOutcomeData,
    StoryRejected,
    StorySubmitted,
    StorySubmittedData,
)
from together_contracts.taxonomy import (
    Availability,
    Consent,
    Interest,
    Language,
    OrganisationType,
)
from together_contracts.volunteers import (
    VolunteerConfirmed,
    VolunteerConfirmedData,
    VolunteerProfile,
    VolunteerRegistered,
    VolunteerRegisteredData,
    VolunteerUnsubscribed,
    VolunteerUnsubscribedData,
    VolunteerUpdated,
    VolunteerUpdatedData,
)

__all__ = [
    "ALL_EVENTS",
    "EVENT_MODELS",
    "EXCHANGE",
    "Availability",
    "BacklogAlert",
    "BacklogAlertData",
    "Consent",
    "ErasureLinkRequested",
    "ErasureLinkRequestedData",
    "Event",
    "EventData",
    "EventSubmitted",
    "EventSubmittedData",
    "Interest",
    "Language",
    "ListingApproved",
    "ListingDecisionData",
    "ListingRejected",
    "OrganisationJoined",
    "OrganisationJoinedData",
    "OrganisationType",
    "PersonErased",
    "PersonErasedData",
    "PersonErasureRequested",
    "PersonErasureRequestedData",
    "PledgeMade",
    "PledgeMadeData",
    "Prompt",
    "StoryApproved",
    "StoryHeld",
    "StoryOutcomeData",
    "StoryRejected",
    "StorySubmitted",
    "StorySubmittedData",
    "VolunteerConfirmed",
    "VolunteerConfirmedData",
    "VolunteerProfile",
    "VolunteerRegistered",
    "VolunteerRegisteredData",
    "VolunteerUnsubscribed",
    "VolunteerUnsubscribedData",
    "VolunteerUpdated",
    "VolunteerUpdatedData",
    "model_for",
]
