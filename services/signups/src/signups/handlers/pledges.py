"""Moderators' decisions on pledges, told by moderation: an approved pledge is shown on /pledges
with the name and text approved; a rejected one is not, or no longer."""

import structlog
from together_contracts import IntegrationEvent, PledgeApproved, PledgeRejected

from signups.domain.organisations import Organisation, OrganisationNotFoundError
from signups.domain.pledges import DecisionOutcome
from signups.handlers.context import Context

log = structlog.get_logger("signups.pledges")


async def record_decision(event: PledgeApproved | PledgeRejected, ctx: Context) -> DecisionOutcome:
    """Apply the decision to the organisation's pledge. One that no longer applies (another
    pledge, an organisation since deleted, an approval after a rejection) changes nothing."""
    data = event.data
    now = ctx.clock()
    outcome = DecisionOutcome.REFUSED

    def decide(organisation: Organisation) -> list[IntegrationEvent]:
        nonlocal outcome
        if isinstance(event, PledgeApproved):
            outcome = organisation.approve_pledge(
                data.pledge_id, organisation_name=data.organisation_name, text=data.text, now=now
            )
        else:
            outcome = organisation.reject_pledge(data.pledge_id, reason=data.reason, now=now)
        return []

    try:
        await ctx.organisations.change(data.organisation_id, decide)
    except OrganisationNotFoundError:
        outcome = DecisionOutcome.REFUSED
    log.info(
        "pledge decision",
        pledge_id=str(data.pledge_id),
        decision=event.type,
        outcome=outcome.value,
    )
    return outcome
