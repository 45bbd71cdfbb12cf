"""Times in emails are UK time, in summer (BST) and in winter (GMT); staff read the zone too."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from notifications.adapters.rendering import Renderer
from notifications.handlers.matching import describe
from notifications.handlers.when import staff_time
from together_contracts.matches import EventSummary

pytestmark = pytest.mark.unit

SUMMER = datetime(2027, 6, 5, 11, 0, tzinfo=UTC)  # 12:00 BST
WINTER = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)  # 12:00 GMT


def reminder(starts_at: datetime, language: str) -> str:
    summary = EventSummary(
        event_id=uuid.uuid4(),
        title="Community lunch",
        event_type="food-and-mutual-aid",  # type: ignore[arg-type]
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        outward_code="M1",
    )
    context = {**describe(summary, language), "name": "Ann", "respond_url": ""}
    context["unsubscribe_url"] = "https://links.example/stop"
    context["my_url"] = ""
    return Renderer().render("reminder_day_before", language=language, context=context).text


@pytest.mark.parametrize(
    ("starts_at", "language", "said"),
    [
        (SUMMER, "en", "tomorrow, Saturday 5 June 2027, 12:00 (UK time)"),
        (WINTER, "en", "tomorrow, Saturday 5 December 2026, 12:00 (UK time)"),
        (SUMMER, "cy", "yfory, Dydd Sadwrn 5 Mehefin 2027, 12:00 (amser y DU)"),
        (WINTER, "cy", "yfory, Dydd Sadwrn 5 Rhagfyr 2026, 12:00 (amser y DU)"),
    ],
)
def test_a_reminder_says_the_time_in_uk_time(starts_at: datetime, language: str, said: str) -> None:
    assert said in reminder(starts_at, language)


def test_staff_read_gmt_in_winter_and_bst_in_summer() -> None:
    assert staff_time(WINTER, "en") == "Saturday 5 December 2026, 12:00 GMT"
    assert staff_time(SUMMER, "en") == "Saturday 5 June 2027, 12:00 BST"
    assert staff_time(SUMMER, "cy") == "Dydd Sadwrn 5 Mehefin 2027, 12:00 BST"
