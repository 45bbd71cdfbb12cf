"""Every event model by (type, version): what the catalogue lists and consumers look up."""

from together_contracts.calls import CallClosed, CallOpened
from together_contracts.connectors import ConnectorInterested, ConnectorMoved
from together_contracts.envelope import IntegrationEvent
from together_contracts.erasure import (
    ErasureLinkRequested,
    PersonAccessAnswered,
    PersonAccessRequested,
    PersonErased,
    PersonErasureRequested,
)
from together_contracts.letter import LetterConfirmed, LetterSigned
from together_contracts.listings import (
    EventSubmitted,
    ListingApproved,
    ListingRejected,
    ListingWithdrawn,
)
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
from together_contracts.organisations import (
    OrganisationJoined,
    PledgeApproved,
    PledgeMade,
    PledgeProgressLinkRequested,
    PledgePublished,
    PledgeRejected,
    PledgeUpdateApproved,
    PledgeUpdateRejected,
    PledgeUpdateSubmitted,
)
from together_contracts.organising import (
    EventMessagePosted,
    MatchSharingChanged,
    OrganiserLinkRequested,
)
from together_contracts.sessions import SignInRequested
from together_contracts.stories import (
    BacklogAlert,
    StoryApproved,
    StoryHeld,
    StoryRejected,
    StorySubmitted,
    StoryWithdrawn,
)
from together_contracts.talk import StatementApproved, StatementRejected, StatementSubmitted
from together_contracts.texts import ChannelsChosen, MatchAnswered, TextReceived, TextsStopped
from together_contracts.thanks import (
    ThanksApproved,
    ThanksRejected,
    ThanksSubmitted,
    ThanksWithdrawn,
)
from together_contracts.volunteers import (
    VolunteerChangeRequested,
    VolunteerConfirmed,
    VolunteerContactChanged,
    VolunteerRegistered,
    VolunteerUnsubscribed,
    VolunteerUpdated,
)

ALL_EVENTS: tuple[type[IntegrationEvent], ...] = (
    VolunteerRegistered,
    VolunteerConfirmed,
    VolunteerUpdated,
    VolunteerUnsubscribed,
    VolunteerChangeRequested,
    VolunteerContactChanged,
    SignInRequested,
    OrganisationJoined,
    PledgeMade,
    PledgeApproved,
    PledgeRejected,
    PledgePublished,
    PledgeProgressLinkRequested,
    PledgeUpdateSubmitted,
    PledgeUpdateApproved,
    PledgeUpdateRejected,
    LetterSigned,
    LetterConfirmed,
    ErasureLinkRequested,
    PersonErasureRequested,
    PersonErased,
    PersonAccessRequested,
    PersonAccessAnswered,
    StorySubmitted,
    StoryApproved,
    StoryRejected,
    StoryHeld,
    StoryWithdrawn,
    BacklogAlert,
    StatementSubmitted,
    StatementApproved,
    StatementRejected,
    ThanksSubmitted,
    ThanksApproved,
    ThanksRejected,
    ThanksWithdrawn,
    EventSubmitted,
    ListingApproved,
    ListingRejected,
    ListingWithdrawn,
    EventPublished,
    EventChanged,
    EventCancelled,
    MatchProposed,
    MatchAccepted,
    MatchDeclined,
    MatchSharingChanged,
    OrganiserLinkRequested,
    EventMessagePosted,
    VolunteerUnmatched,
    MatchAnswered,
    TextReceived,
    TextsStopped,
    ChannelsChosen,
    CallOpened,
    CallClosed,
    ConnectorInterested,
    ConnectorMoved,
    AttendanceRecorded,
    NotificationSent,
    NotificationFailed,
)

EVENT_MODELS: dict[tuple[str, int], type[IntegrationEvent]] = {
    (model.model_fields["type"].default, model.model_fields["version"].default): model
    for model in ALL_EVENTS
}


def model_for(event_type: str, version: int) -> type[IntegrationEvent] | None:
    return EVENT_MODELS.get((event_type, version))
