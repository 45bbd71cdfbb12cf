"""Every SMS template, in English and Welsh, fits two segments with long realistic values.

Each template is rendered in each of its branches (a waiting list, a place given up, an online
event) with the longest values a real message carries: a title of 80 characters in Welsh with a
circumflex, an event over two days, a full address, a production-length short link. A value a
template asks for that is not listed here gets a 60-character sentence. Run with `-s` to see the
table of segment counts.
"""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, FileSystemLoader, meta
from notifications.adapters.rendering import SMS_TEMPLATES, TextRenderer
from notifications.domain.segments import plain, segments
from notifications.handlers.when import span

pytestmark = pytest.mark.unit

STARTS = datetime(2026, 9, 30, 10, 30, tzinfo=UTC)
ENDS = datetime(2026, 10, 1, 14, 0, tzinfo=UTC)
TITLES = {
    "en": "Community litter pick and picnic on Llandaff Fields with the Friends of the Park",
    "cy": "Gŵyl gymunedol a chasglu sbwriel ar Gaeau Llandaf gyda Chyfeillion y Parc Mawr",
}
VENUE = ["St Catherine's Church Hall", "12 Llandaff Road", "Canton", "Cardiff", "CF11 9NN"]
FILLER = "a value this test does not know, of sixty characters exactly"


def long_values(language: str) -> dict[str, Any]:
    return {
        "name": "Angharad Llewelyn-Williams",
        "title": TITLES[language],
        "span": span(STARTS, ENDS, language),
        "was": span(STARTS.replace(day=23), ENDS.replace(month=9, day=24), language),
        "when": span(STARTS, ENDS, language),
        "where": "CF10",
        "online": False,
        "code": "K7MX",
        "link": "https://notifications.together.org.uk/s/k7mxq2w9rd",
        "waitlisted": False,
        "waitlist_position": 12,
        "withdrawn": False,
        "timed": True,
        "moved": True,
        "venue": {"online": False, "lines": VENUE},
        "keyword": "UNSUBSCRIBE",
        "kind": "story",
        "story": TITLES[language],
        "who": "the nurses and porters of ward 7 at the Royal Gwent",
    }


BRANCHES: dict[str, dict[str, Any]] = {
    "as is": {},
    "waiting list": {"waitlisted": True},
    "place given up": {"withdrawn": True},
    "online": {"online": True, "venue": {"online": True, "lines": []}},
}


def templates() -> list[tuple[str, str]]:
    found = sorted(SMS_TEMPLATES.glob("*/*.txt"))
    return [(path.stem, path.parent.name) for path in found]


def asked_for(template: str, language: str) -> set[str]:
    environment = Environment(loader=FileSystemLoader(SMS_TEMPLATES), autoescape=False)  # noqa: S701
    environment.filters["plain"] = plain
    source = (Path(SMS_TEMPLATES) / language / f"{template}.txt").read_text()
    return meta.find_undeclared_variables(environment.parse(source))


def worst(template: str, language: str) -> tuple[str, int, int, str]:
    """The encoding, segments, units and branch of the longest rendering of `template`."""
    renderer = TextRenderer()
    values = long_values(language)
    values |= {name: FILLER for name in asked_for(template, language) - values.keys()}
    measured = []
    for branch, overlay in BRANCHES.items():
        text = renderer.render(template, language=language, context=values | overlay).text
        counted = segments(text)
        measured.append((counted.count, counted.units, counted.encoding, branch))
    count, units, encoding, branch = max(measured, key=lambda m: (m[0], m[1]))
    return encoding, count, units, branch


def test_there_are_templates_in_both_languages() -> None:
    found = templates()
    english = {name for name, language in found if language == "en"}
    welsh = {name for name, language in found if language == "cy"}
    assert english == welsh, "every SMS template in English and Welsh"
    assert {"match_invitation", "reminder_day_before", "event_cancelled"} <= english


@pytest.mark.parametrize(("template", "language"), templates())
def test_each_template_fits_two_segments(template: str, language: str) -> None:
    encoding, count, _, branch = worst(template, language)
    assert 1 <= count <= 2, f"{language}/{template} ({branch}): {count} segments, {encoding}"


def test_the_invitation_carries_its_code_and_link() -> None:
    values = long_values("en")
    text = TextRenderer().render("match_invitation", language="en", context=values).text
    assert "Reply YES K7MX to take a place, NO K7MX if you can't." in text
    assert text.endswith(f"Details: {values['link']}")
    assert "\n" not in text


def test_a_welsh_title_is_kept_in_gsm_7() -> None:
    text = TextRenderer().render("match_invitation", language="cy", context=long_values("cy")).text
    assert text.startswith("together: Gwyl gymunedol")
    assert segments(text).encoding == "GSM-7"


def test_table_of_segment_counts() -> None:
    rows = [(name, language, *worst(name, language)) for name, language in templates()]
    print("\n| template | language | encoding | segments | characters | longest branch |")
    print("|---|---|---|---|---|---|")
    for name, language, encoding, count, units, branch in rows:
        print(f"| {name} | {language} | {encoding} | {count} | {units} | {branch} |")
    assert all(row[3] <= 2 for row in rows)
