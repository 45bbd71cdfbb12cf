"""Who in signups reacts to which event: one table per consumer queue (`signups.<purpose>`).

Each handler takes `(event, ctx)` and runs inside the consumer guard (together_kit.messaging.subscriptions);
the event models in the tables are the contracts the queues accept.
"""

from together_contracts import (
    ChannelsChosen,
    PersonAccessAnswered,
    PersonErased,
    PersonErasureRequested,
    PledgeApproved,
    PledgeRejected,
    PledgeUpdateApproved,
    PledgeUpdateRejected,
    TextsStopped,
    VolunteerUnsubscribed,
)
from together_kit.messaging.subscriptions import Table, subscribe
from together_kit.runtime import ServiceRuntime

from signups.handlers import Context, access, erasure, pledges, progress, texts, volunteers

ERASURES: Table = {
    PersonErased: [erasure.record_erased],
    PersonErasureRequested: [erasure.erase_again],
}
ACCESS: Table = {PersonAccessAnswered: [access.record_answer]}
UNSUBSCRIBES: Table = {VolunteerUnsubscribed: [volunteers.note_unsubscribed_elsewhere]}
TEXTS: Table = {
    TextsStopped: [texts.note_texts_stopped],
    ChannelsChosen: [texts.note_channels_chosen],
}
PLEDGES: Table = {
    PledgeApproved: [pledges.record_decision],
    PledgeRejected: [pledges.record_decision],
    PledgeUpdateApproved: [progress.record_update_decision],
    PledgeUpdateRejected: [progress.record_update_decision],
}


def register(runtime: ServiceRuntime, *, ctx: Context) -> None:
    subscribe(
        runtime,
        "erasures",
        ERASURES,
        ctx=ctx,
        about="Note which service has deleted a person's data, for the erasure's status; and "
        "when an erasure is re-published after a restore, delete again what came back.",
    )
    subscribe(
        runtime,
        "access",
        ACCESS,
        ctx=ctx,
        about="Keep one service's part of a subject access export until the admin fetches it.",
    )
    subscribe(
        runtime,
        "unsubscribes",
        UNSUBSCRIBES,
        ctx=ctx,
        about="Keep the consent log whole when someone unsubscribes through an email's own link.",
    )
    subscribe(
        runtime,
        "texts",
        TEXTS,
        ctx=ctx,
        about="Keep the consent log whole when someone stops texts by replying STOP to one.",
    )
    subscribe(
        runtime,
        "pledges",
        PLEDGES,
        ctx=ctx,
        about="""Show an approved pledge on /pledges and its page (and tell its progress link);
        never show a rejected one (again); the same for progress updates on a pledge.""",
    )
