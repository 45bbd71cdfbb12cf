"""Moderators' decisions on pledges, told by moderation: an approved pledge is shown on /pledges
with the name and text approved, and told as `pledge.published` (its progress link and districts);
a rejected one is not, or no longer."""

import structlog
from together_contracts import PledgeApproved, PledgeRejected

from signups.domain.organisations import Organisation
from signups.domain.pledges import DecisionOutcome
from signups.handlers import progress
from signups.handlers.context import Context
from signups.handlers.progress import Decided, decide_on

log = structlog.get_logger("signups.pledges")


async def record_decision(event: PledgeApproved | PledgeRejected, ctx: Context) -> DecisionOutcome:
    """Apply the decision to the organisation's pledge. One that no longer applies (another
    pledge, an organisation since deleted, an approval after a rejection) changes nothing."""
    data = event.data
    now = ctx.clock()

    def decide(organisation: Organisation) -> Decided:
        if isinstance(event, PledgeApproved):
            outcome = organisation.approve_pledge(
                data.pledge_id, organisation_name=data.organisation_name, text=data.text, now=now
            )
        else:
            outcome = organisation.reject_pledge(data.pledge_id, reason=data.reason, now=now)
        if outcome is DecisionOutcome.PUBLISHED:
            return outcome, [progress.pledge_published(organisation, event.correlation_id, ctx)]
        return outcome, []

    outcome = await decide_on(data.organisation_id, decide, ctx)
    log.info(
        "pledge decision",
        pledge_id=str(data.pledge_id),
        decision=event.type,
        outcome=outcome.value,
    )
    return outcome
