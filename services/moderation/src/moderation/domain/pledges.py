"""A pledge under review: an organisation's promise, told by signups once its contact confirmed.

It is screened like a story (title: the organisation's name; text: the pledge) and decided with
the same decisions: approved as sent or with redactions (signups then shows the published name
and text on /pledges), rejected with a reason, escalated, or held for a lead when screening finds
a possible safeguarding disclosure. Moderation never sees the organisation's contact: pledges
are not personal submissions, so erasure has nothing to forget here.

A progress update on a published pledge (kind `pledge-update`) is an item with the same details
and its pledge's id: title the organisation's name, text the update, decided the same way; an
approved one is shown on the pledge's page.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PledgeDetails:
    organisation_id: str
    categories: tuple[str, ...] = ()
    pledge_id: str | None = None
    """For a progress update: the pledge it reports on (None for a pledge itself)."""
