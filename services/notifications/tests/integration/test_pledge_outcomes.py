"""An organisation's contact hears what moderators decided about its pledge: the contact is kept
from `organisation.joined` (moderation never sees it), the outcome comes as `pledge.approved` or
`pledge.rejected`; through the real broker to a real SMTP server, in English and Welsh."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from notifications.bootstrap import create_app
from notifications.settings import Settings
from together_contracts import (
    OrganisationJoined,
    OrganisationJoinedData,
    PledgeApproved,
    PledgeOutcomeData,
    PledgeRejected,
)
from together_kit.testing.probe import publish_event

from .conftest import Sink, unique_address

pytestmark = pytest.mark.integration

DAYTIME = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
EXPECTED = {
    ("pledge.approved", "en"): ("Your pledge is published", "now on our public list of pledges"),
    ("pledge.approved", "cy"): (
        "Mae eich addewid wedi'i chyhoeddi",
        "rhestr gyhoeddus o addewidion",
    ),
    ("pledge.rejected", "en"): ("About your pledge", "Why: It was selling something"),
    ("pledge.rejected", "cy"): ("Ynglŷn â'ch addewid", "Pam: Roedd yn gwerthu rhywbeth"),
}


def organisation_joined(
    organisation_id: uuid.UUID, address: str, language: str = "en"
) -> OrganisationJoined:
    return OrganisationJoined(
        producer="signups",
        correlation_id="pledge-outcome",
        data=OrganisationJoinedData(
            organisation_id=organisation_id,
            name="Riverside Kitchen",
            organisation_type="charity",
            contact_name="Sam",
            contact_email=address,
            outward_code="M1",
            language=language,  # type: ignore[arg-type]
            confirm_url="https://links.example/org",
        ),
    )


def pledge_decided(
    organisation_id: uuid.UUID, pledge_id: uuid.UUID, *, approved: bool
) -> PledgeApproved | PledgeRejected:
    model = PledgeApproved if approved else PledgeRejected
    return model(
        producer="moderation",
        correlation_id="pledge-outcome",
        data=PledgeOutcomeData(
            pledge_id=pledge_id,
            organisation_id=organisation_id,
            organisation_name="Riverside Kitchen",
            text="A monthly lunch." if approved else "",
            reason=None if approved else "commercial",
        ),
    )


@pytest.mark.parametrize(("decision", "language"), sorted(EXPECTED))
async def test_the_contact_is_told_the_outcome_of_their_pledge(
    settings_for: Callable[..., Settings],
    smtp_sink: Sink,
    rabbitmq_url: str,
    decision: str,
    language: str,
) -> None:
    address = unique_address("pledge")
    organisation_id = uuid.uuid4()
    joined = organisation_joined(organisation_id, address, language)
    outcome = pledge_decided(organisation_id, uuid.uuid4(), approved=decision == "pledge.approved")
    app = create_app(settings_for(), clock=lambda: DAYTIME)
    async with app.router.lifespan_context(app):
        await publish_event(rabbitmq_url, joined)
        await smtp_sink.wait_for(address)
        await publish_event(rabbitmq_url, outcome)
        mail = (await smtp_sink.wait_for(address, 2))[-1]

    subject, words = EXPECTED[(decision, language)]
    text = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    assert mail["Subject"] == subject
    assert mail["Content-Language"] == language
    assert (
        "Helo Sam" in text.get_content() if language == "cy" else "Hello Sam" in text.get_content()
    )
    for body in (text.get_content(), html.get_content()):
        assert words in body
        assert "Riverside Kitchen" in body
