"""Pure pieces of the moderator UI: flagged text, CSV cells, chart numbers; and the CLI."""

import asyncio
import os
import subprocess
import sys

import pytest
from moderation.domain.screening import Finding, Flag
from moderation.entrypoints.web.moderator.charts import bar_chart, buckets
from moderation.entrypoints.web.moderator.reports import cell
from moderation.entrypoints.web.moderator.views import Piece, paragraphs, pieces

from .conftest import Moderation


def test_findings_cut_the_text_into_flagged_pieces() -> None:
    text = "Call 07700 900123 or mail a@b.org\nbye"
    found = [
        Finding(Flag.PERSONAL_DATA, "text", "07700 900123", start=5, end=17),
        Finding(Flag.PERSONAL_DATA, "text", "a@b.org", start=26, end=33),
        Finding(Flag.LINK, "text", "overlapping", start=6, end=9),
        Finding(Flag.LINK, "text", "out of range", start=30, end=99),
    ]

    assert pieces(text, found) == [
        Piece("Call "),
        Piece("07700 900123", "personal-data"),
        Piece(" or mail "),
        Piece("a@b.org", "personal-data"),
        Piece("\nbye"),
    ]
    assert paragraphs(text, found)[-1] == [Piece("bye")]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\t=x", "'\t=x"),
        ("plain", "plain"),
        (None, ""),
    ],
)
def test_csv_cells_never_start_like_a_formula(value: str | None, written: str) -> None:
    assert cell(value) == written


def test_backlog_buckets_and_bars() -> None:
    assert buckets([10, 6, 3, 1, 0]) == [
        ("under 4 h", 4.0),
        ("4-24 h", 3.0),
        ("1-2 d", 2.0),
        ("2-7 d", 1.0),
        ("over 7 d", 0.0),
    ]
    chart = bar_chart("<b>title</b>", [("a", 2.0), ("b", 1.0)])
    assert chart.bars[0].height == 2 * chart.bars[1].height
    assert chart.bars[0].y + chart.bars[0].height == chart.baseline


@pytest.mark.integration
async def test_the_cli_creates_a_lead_once(moderation: Moderation) -> None:
    settings = moderation.settings
    env = {
        **os.environ,
        "MONGODB_URL": settings.mongodb_url,
        "MODERATION_MONGODB_DATABASE": settings.database_name,
    }
    command = [sys.executable, "-m", "moderation.cli", "create-lead"]
    command += ["--email", "Lead@Example.org", "--name", "Lena", "--password-stdin"]

    def run(arguments: list[str], password: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            arguments, input=password + "\n", env=env, capture_output=True, text=True, check=False
        )

    created = await asyncio.to_thread(run, command, "a long enough password")
    again = await asyncio.to_thread(run, command, "a long enough password")
    other = [*command[:4], "--email", "x@example.org", "--name", "X", "--password-stdin"]
    short = await asyncio.to_thread(run, other, "short")

    assert created.returncode == 0, created.stderr
    assert (again.returncode, again.stderr.strip()) == (1, "That email or name is taken.")
    assert (short.returncode, short.stderr.strip()) == (
        1,
        "A password needs at least 12 characters.",
    )
    stored = await moderation.db["moderators"].find_one({"email": "lead@example.org"})
    assert stored is not None
    assert (stored["role"], stored["name"]) == ("lead", "Lena")
