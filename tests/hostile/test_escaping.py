"""Escaping is on everywhere text reaches HTML, and pages tell the browser to run no inline script.

The browser test (`test_xss_browser.py`) shows payloads arriving as text; this one keeps the two
defences it relies on from being switched off quietly: Jinja's autoescaping (nothing marked safe)
and the Content-Security-Policy every page carries.
"""

import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from matching.settings import DISTRICTS

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    [
        *REPO.glob("services/*/src/*/**/templates/**/*.html"),
        *REPO.glob("shared/kit/src/together_kit/web/templates/**/*.html"),
    ]
)
SOURCES = sorted([*REPO.glob("services/*/src/**/*.py"), *REPO.glob("shared/kit/src/**/*.py")])
UNESCAPED = re.compile(r"\|\s*safe\b|autoescape\s+false|\bMarkup\(|autoescape\s*=\s*False")
GEONAMES = DISTRICTS


def test_the_templates_exist() -> None:
    assert len(TEMPLATES) > 40, TEMPLATES


def unescaped_in(paths: list[Path]) -> list[str]:
    return [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in paths
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if UNESCAPED.search(line)
    ]


def test_no_template_marks_text_safe() -> None:
    found = unescaped_in(TEMPLATES)
    assert not found, "\n".join(found)


def test_no_code_turns_escaping_off() -> None:
    found = unescaped_in(SOURCES)
    assert not found, "\n".join(found)


def environment_calls(source: str) -> list[str]:
    """The arguments of each Jinja `Environment(...)` call in `source`, parentheses balanced."""
    calls = []
    for found in re.finditer(r"\bEnvironment\(", source):
        depth, end = 1, found.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(source[end], 0)
            end += 1
        calls.append(source[found.end() : end - 1])
    return calls


def test_every_jinja_environment_turns_autoescape_on() -> None:
    made = [
        (path.relative_to(REPO), arguments)
        for path in SOURCES
        for arguments in environment_calls(path.read_text(encoding="utf-8"))
    ]
    assert len(made) >= 2, made  # the kit's pages and notifications' emails
    for where, arguments in made:
        assert re.search(r"autoescape\s*=\s*(True|select_autoescape\()", arguments), where


def signups() -> FastAPI:
    from signups.bootstrap import create_app
    from signups.settings import Settings

    return create_app(Settings())


def moderation() -> FastAPI:
    from moderation.bootstrap import create_app
    from moderation.settings import Settings

    return create_app(Settings())


def matching() -> FastAPI:
    from matching.bootstrap import create_app
    from matching.settings import Settings

    return create_app(Settings(geonames_path=GEONAMES))


def notifications() -> FastAPI:
    from notifications.adapters.handover_journal import IN_MEMORY
    from notifications.bootstrap import create_app
    from notifications.settings import Settings

    return create_app(Settings(handover_journal_path=IN_MEMORY))


PAGES: list[tuple[Callable[[], FastAPI], str]] = [
    (signups, "/join"),
    (signups, "/join/organisation"),
    (signups, "/forget"),
    (signups, "/confirm/not-a-token"),
    (moderation, "/share"),
    (moderation, "/thanks/new"),
    (moderation, "/moderation/login"),
    (matching, "/events/new"),
    (matching, "/r/not-a-token"),
    (notifications, "/unsubscribe/not-a-token"),
]


@pytest.mark.parametrize(("app", "path"), PAGES, ids=[f"{a.__name__} {p}" for a, p in PAGES])
async def test_pages_forbid_inline_script(app: Callable[[], FastAPI], path: str) -> None:
    transport = httpx.ASGITransport(app=app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        page = await http.get(path)

    assert page.headers["content-type"].startswith("text/html"), page.text[:200]
    policy = {
        directive.split()[0]: directive.split()[1:]
        for directive in page.headers["content-security-policy"].split(";")
        if directive.strip()
    }
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src" if "object-src" in policy else "default-src"] in (
        ["'none'"],
        ["'self'"],
    )
    assert page.headers["x-content-type-options"] == "nosniff"
