"""Organisations joining the coalition with a pledge."""

from dataclasses import dataclass
from uuid import UUID

from together_contracts import OrganisationJoined, OrganisationJoinedData

from signups.domain.organisations import Organisation, OrganisationDetails, Pledge
from signups.handlers.context import PRODUCER, Context


@dataclass(frozen=True)
class JoinOrganisation:
    details: OrganisationDetails
    pledge: Pledge
    correlation_id: str


async def join_organisation(command: JoinOrganisation, ctx: Context) -> UUID | None:
    """A pending organisation whose contact is sent the confirmation link, or nothing at all (None)
    when the contact's address has had all its emails for today. An organisation joining again
    is a new pending one: nothing already stored is changed by a join."""
    now = ctx.clock()
    if not await ctx.mail_quota.take(command.details.contact_email, now=now):
        return None
    organisation = Organisation(command.details, command.pledge, joined_at=now)
    details = organisation.details
    joined = OrganisationJoined(
        producer=PRODUCER,
        correlation_id=command.correlation_id,
        data=OrganisationJoinedData(
            organisation_id=organisation.id,
            name=details.name,
            organisation_type=details.organisation_type,
            contact_name=details.contact_name,
            contact_email=details.contact_email,
            outward_code=details.outward_code,
            language=details.language,
            confirm_url=ctx.links.confirm_organisation(
                organisation.id, organisation.confirmation_nonce or ""
            ),
        ),
    )
    await ctx.organisations.add(organisation, events=[joined])
    return organisation.id
