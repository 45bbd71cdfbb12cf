"""Erasures and subject access requests, which every service answers: the rules signups keeps.

Signups answers first (it holds the request), then each of the services it waits for; a request
is complete once all have answered. An erasure the person asked for reaches everything held about
their address; the purge of someone who never confirmed erases only their record.
"""

from collections.abc import Collection, Iterable

SELF = "signups"
"""Signups' own name among the services that answer."""

ASKED = "asked"
"""The reason of an erasure the person asked for (at /forget, or on "My together")."""
UNCONFIRMED = "unconfirmed"
"""The reason of the erasure of someone who never confirmed their address (the purge)."""


def waiting_for(answered: Collection[str], services: Iterable[str]) -> list[str]:
    """Who has not answered yet: signups first, then `services` in their order."""
    return [service for service in (SELF, *services) if service not in answered]


def reaches_address(reason: str) -> bool:
    """Whether the erasure goes by the person's address as well as their record: a tombstone of
    its digest, the digest in `person.erasure_requested`, and the organisations whose contact it
    is. Only an erasure the person asked for does; the purge of an unconfirmed join does not."""
    return reason == ASKED
