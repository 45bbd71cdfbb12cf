"""Writing to the security log: the one function every part of moderation calls.

    await record_security_event(
        accounts.security_log, at=clock(), actor=me.account, action=SecurityAction.TAKE_DOWN,
        target_id=item_id, outcome=Outcome.SUCCESS,
    )

`actor` is the acting `Account`, or a plain name for someone without one ("admin" for a holder of
the admin key, "command line" for the CLI). Pass ids and outcomes, never a secret or a text a
person wrote.
"""

from datetime import datetime

from moderation.domain.moderators import Account
from moderation.domain.ports import SecurityLog
from moderation.domain.security_log import SecurityEvent


async def record_security_event(
    log: SecurityLog,
    *,
    at: datetime,
    actor: Account | str,
    action: str,
    target_id: object,
    outcome: str,
    detail: str = "",
) -> None:
    named = actor.name if isinstance(actor, Account) else actor
    actor_id = str(actor.id) if isinstance(actor, Account) else ""
    await log.record(
        SecurityEvent(
            actor=named,
            actor_id=actor_id,
            action=str(action),
            target_id="" if target_id is None else str(target_id),
            outcome=str(outcome),
            at=at,
            detail=detail,
        )
    )
