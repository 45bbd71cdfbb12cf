"""A thank-you for the 5 July moment (issue 22): someone thanks key workers or neighbours.

It is an item like a story, screened and decided with the same decisions: its title is who is
thanked (a name or a role, free text), its text what for, its region where (a postcode district,
or a nation or region). The kind of worker comes from a fixed list; the nation is worked out
from the region when it is posted, so the wall can be narrowed by it. The author may leave a name
to publish, and an email to hear when it is published (found again only by its keyed digest, for
erasure and subject access, as a story's author is).
"""

from collections.abc import Mapping
from dataclasses import dataclass

from together_contracts.thanks import Worker

from moderation.domain.regions import REGIONS

NATIONS = ("England", "Northern Ireland", "Scotland", "Wales")
DAY = (7, 5)
"""5 July (month, day): the NHS's birthday, the day of the thank-you moment."""


@dataclass(frozen=True)
class ThanksDetails:
    worker: Worker
    nation: str | None = None
    """England, Northern Ireland, Scotland or Wales; None for a district no table places."""
    author_name: str | None = None
    author_email: str | None = None
    notify_outcome: bool = False


def posted_thanks(
    *,
    worker: Worker,
    nation: str | None,
    author_name: str | None = None,
    author_email: str | None = None,
    notify_outcome: bool = False,
) -> ThanksDetails:
    """The email in lower case; the outcome is told only to an author who left one."""
    return ThanksDetails(
        worker=worker,
        nation=nation,
        author_name=author_name,
        author_email=author_email.strip().lower() if author_email else None,
        notify_outcome=bool(author_email) and notify_outcome,
    )


def nation_of(region: str, districts: Mapping[str, str]) -> str | None:
    """The nation of a normalised region (`Wales`, `North West`: England) or postcode district
    (`CF10`, looked up in `districts`, outward code -> nation; a district the table lacks takes
    the nation of its area's districts when they all agree)."""
    if region in NATIONS:
        return region
    if region in REGIONS:
        return "England"
    if region in districts:
        return districts[region] or None
    area = _area(region)
    found = {n for code, n in districts.items() if _area(code) == area and n}
    return found.pop() if len(found) == 1 else None


def _area(code: str) -> str:
    """The letters an outward code starts with: `CF` of `CF10`."""
    return code[: len(code) - len(code.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))]
