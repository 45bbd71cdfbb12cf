"""A match: one event proposed to one volunteer. Its id is derived from both, so a proposal is made
at most once however often matching runs, and every link and code for it can be worked out again."""

import uuid
from uuid import UUID

from together_contracts import IntegrationEvent

MATCH_NAMESPACE = uuid.UUID("6f1c2a4e-3b1d-4c8e-9a57-0d6c1e2b7f30")


def match_id(event_id: UUID, person_id: UUID) -> UUID:
    return uuid.uuid5(MATCH_NAMESPACE, f"{event_id}:{person_id}")


Proposed = tuple[UUID, IntegrationEvent]
"""A person proposed an event, and the `match.proposed` that tells them."""
