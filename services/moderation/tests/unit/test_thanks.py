"""Thank-yous (issue 22) in the domain: where they are from, what is kept of their author, and
what erasure leaves."""

from datetime import UTC, datetime

import pytest
from moderation.domain.decisions import Moderator
from moderation.domain.items import Item, Kind, Status
from moderation.domain.thanks import nation_of, posted_thanks

pytestmark = pytest.mark.unit

DISTRICTS = {"CF10": "Wales", "CF11": "Wales", "G12": "Scotland", "SY1": "England", "SY16": "Wales"}


@pytest.mark.parametrize(
    ("region", "nation"),
    [
        ("Wales", "Wales"),
        ("Northern Ireland", "Northern Ireland"),
        ("North West", "England"),
        ("London", "England"),
        ("CF10", "Wales"),
        ("G12", "Scotland"),
        ("CF99", "Wales"),  # not in the table, but every CF district is in Wales
        ("SY99", None),  # SY crosses the border: no guess
        ("ZZ1", None),
    ],
)
def test_the_nation_of_a_region_or_district(region: str, nation: str | None) -> None:
    assert nation_of(region, DISTRICTS) == nation


def test_the_email_is_kept_in_lower_case_and_the_outcome_only_with_one() -> None:
    kept = posted_thanks(
        worker="neighbours", nation="Wales", author_email=" Ann@Example.org ", notify_outcome=True
    )
    assert (kept.author_email, kept.notify_outcome) == ("ann@example.org", True)
    assert not posted_thanks(worker="neighbours", nation=None, notify_outcome=True).notify_outcome


def test_erasure_unpublishes_and_blanks_a_thank_you() -> None:
    now = datetime(2026, 7, 1, tzinfo=UTC)
    item = Item(
        kind=Kind.THANKS,
        title="The night team",
        text="For holding my dad's hand.",
        region="CF10",
        created_at=now,
        details=posted_thanks(
            worker="nhs-care", nation="Wales", author_name="Ann", author_email="ann@example.org"
        ),
    )
    item.approve(Moderator("mo"), now)

    assert item.forget_author() is True

    assert item.status is Status.ERASED
    assert (item.title, item.text, item.published_text) == ("", "", None)
    assert (item.thanks.author_name, item.thanks.author_email) == (None, None)
    assert item.decisions[0].before is None
