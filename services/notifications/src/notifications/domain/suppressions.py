"""Why an address is not written to, and what each reason stops.

`bounced` (the server refused the address for good) blocks every message; `unsubscribed` blocks
what a person can unsubscribe from (welcomes, invitations, the invitation digest, an organiser's
digest of places taken and given up) but not what they have asked for (a confirmation link, an
erasure link, the link to their event's page, the outcome of their story, news of a place they
accepted and its reminders). `texts-stopped` (the person replied STOP, or another UK opt-out
word, to a text) is written under a phone number's digest and blocks every text to that number
but the one that confirms the STOP (`STOP_CONFIRMATION`, recorded just before the suppression);
`bounced` is written under it when the provider reports a number that can never receive texts.
"""

from dataclasses import dataclass

BOUNCED = "bounced"
UNSUBSCRIBED = "unsubscribed"
TEXTS_STOPPED = "texts-stopped"
UNSUBSCRIBABLE_KINDS = frozenset({"volunteering", "invitation", "digest", "organiser-digest"})
STOP_CONFIRMATION = "stop-confirmation"
"""The kind of the text that confirms a STOP: the last one the number gets."""


def blocks(reason: str, *, kind: str) -> bool:
    """Whether a suppression for `reason` stops a message of this kind."""
    if reason == TEXTS_STOPPED:
        return kind != STOP_CONFIRMATION
    if reason == BOUNCED:
        return True
    return reason == UNSUBSCRIBED and kind in UNSUBSCRIBABLE_KINDS


@dataclass(frozen=True)
class UnsubscribeClaims:
    """What a signed one-click unsubscribe link says: the address's digest as the link was made,
    and the person, when known."""

    recipient_hash: str
    person_id: str | None
