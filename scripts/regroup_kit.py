"""Rewrite the repository's references to the kit's modules after they were grouped by purpose.

    uv run --frozen python scripts/regroup_kit.py            # rewrite, then ruff-fix what changed
    uv run --frozen python scripts/regroup_kit.py --check    # list what would change, change nothing

The kit (`together_kit`) grouped its flat modules into `messaging/`, `http/`, `web/` and `dev/`
(issue 19). This script rewrites what the rest of the repository says about them, from the
table `MOVED` below:

- dotted module paths anywhere in a text file: imports, `import together_kit.x`, strings such as
  `monkeypatch.setattr("together_kit.x.name", ...)`, `python -m together_kit.x`, docs prose;
- `from together_kit import x, y` (split into one import per new package; a module whose name
  changed keeps its old name with `as`, so the code below it reads the same);
- file paths (`together_kit/templates/...`, `together_kit/web.py`);
- `ServiceRuntime.tells(...)`, renamed `publishes(...)`.

Every pattern is anchored on word boundaries and never matches its own replacement, so a second
run changes nothing. The kit itself (shared/kit) is left alone unless `--include-kit` is given; so
is this script, whose table names the old paths on purpose. After rewriting, the Python files it
changed get `ruff check --select I --fix` (the new paths sort differently) and `ruff format`.
"""

import argparse
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KIT = "together_kit"

MOVED: dict[str, str] = {
    # messaging/: events between services
    "topology": "messaging.topology",
    "declaring": "messaging.declaring",
    "publishing": "messaging.publishing",
    "relay": "messaging.relay",
    "outbox": "messaging.outbox",
    "inbox": "messaging.inbox",
    "consuming": "messaging.consuming",
    "deadletters": "messaging.deadletters",
    "catalogue": "messaging.catalogue",
    "subscriptions": "messaging.subscriptions",
    # http/: what every service's HTTP side shares
    "http": "http.middleware",
    "shedding": "http.shedding",
    "health": "http.health",
    "ratelimit": "http.ratelimit",
    "idempotency": "http.idempotency",
    "security": "http.security",
    "state": "http.state",
    "text": "http.text",
    # web/: server-rendered pages
    "web": "web.rendering",
    "pages": "web.pages",
    "forms": "web.forms",
    "i18n": "web.i18n",
    "navigation": "web.navigation",
    "errors": "web.errors",
    "labels": "web.labels",
    "site": "web.site",
    # dev/: local stand-ins for production infrastructure
    "devstack": "dev.stack",
    "mailsink": "dev.mailsink",
}
"""Old module (under `together_kit`) -> new module. Everything else stayed where it was: access,
cli, dates, erasure, keys, logs, mail_quota, metrics, mongo, retention, runtime, schedule, serve,
settings, signing, stored, districts/ and testing/."""

MOVED_FOLDERS: dict[str, str] = {
    "templates": "web/templates",
    "static": "web/static",
    "locales": "web/locales",
}
"""Package data that moved with the module that reads it (`web/rendering.py`, `web/i18n.py`)."""

RENAMED: list[tuple[str, str]] = [
    (r"(?<=\.)tells(?=\()", "publishes"),  # runtime.tells(...) -> runtime.publishes(...)
    (r"\b(runtime|ServiceRuntime)\.tells\b", r"\1.publishes"),  # in prose and docstrings
    (r"without declaring them \(tells\)", "without declaring them (publishes)"),
]
"""Names renamed in the kit: (regex, replacement)."""

TEXT_SUFFIXES = {
    ".py",
    ".md",
    ".toml",
    ".yaml",
    ".yml",
    ".cfg",
    ".ini",
    ".txt",
    ".env",
    ".sh",
    ".json",
    ".html",
    ".j2",
    ".po",
    ".pot",
    ".example",
}
TEXT_NAMES = {"Makefile", "Dockerfile", "conftest.py", ".env", ".gitignore"}
SKIPPED = ("uv.lock",)
KIT_FOLDER = "shared/kit/"
THIS = Path(__file__).resolve()

Rewrite = Callable[[str], str]


def _children(package: str) -> set[str]:
    """The modules a package that replaced an old module now holds (`http` -> middleware, ...)."""
    found = {new.split(".")[1] for new in MOVED.values() if new.split(".")[0] == package}
    found |= {path.split("/")[1] for path in MOVED_FOLDERS.values() if path.startswith(package)}
    return found


def _dotted(old: str, new: str) -> Rewrite:
    """`together_kit.<old>` -> `together_kit.<new>`, not inside a longer name, and not where the
    text already names a module of the package that replaced `<old>` (so a second run is a no-op).
    `from together_kit.<old> import ...` of such a package is `_from_package`'s."""
    children = _children(old)
    guard = rf"(?!\.(?:{'|'.join(sorted(children))})\b)(?![ \t]+import\b)" if children else ""
    pattern = re.compile(rf"(?<![\w.]){KIT}\.{re.escape(old)}\b(?![\w-]){guard}")
    return lambda text: pattern.sub(f"{KIT}.{new}", text)


def _path(old: str, new: str) -> Rewrite:
    """`together_kit/<old>` -> `together_kit/<new>` in file paths."""
    pattern = re.compile(rf"(?<![\w.]){KIT}/{re.escape(old)}(?![\w-])")
    return lambda text: pattern.sub(f"{KIT}/{new}", text)


_FROM_KIT = re.compile(
    rf"^(?P<indent>[ \t]*)from {KIT} import (?P<names>\([^)]*\)|[^\n(]+?)(?P<comment>[ \t]*#[^\n]*)?$",
    re.MULTILINE,
)


def _from_kit(text: str) -> str:
    """`from together_kit import a, b as c`: each moved name imported from its new package."""

    def rewrite(match: re.Match[str]) -> str:
        names = [n.strip() for n in match["names"].strip("()").replace("\n", " ").split(",")]
        names = [n for n in names if n]
        if not any(n.split(" as ")[0].strip() in MOVED for n in names):
            return match[0]
        groups: dict[str, list[str]] = {}
        for item in names:
            name, _, alias = (part.strip() for part in item.partition(" as "))
            if name not in MOVED:
                groups.setdefault(KIT, []).append(item)
                continue
            package, _, module = MOVED[name].rpartition(".")
            bound = alias or name
            groups.setdefault(f"{KIT}.{package}", []).append(
                module if bound == module else f"{module} as {bound}"
            )
        comment = match["comment"] or ""
        lines = [
            f"{match['indent']}from {source} import {', '.join(items)}"
            for source, items in sorted(groups.items())
        ]
        lines[0] += comment
        return "\n".join(lines)

    return _FROM_KIT.sub(rewrite, text)


def _from_package(old: str) -> Rewrite:
    """`from together_kit.http import x` where `http` was a module and is now a package: names of
    its modules stay (`from together_kit.http import shedding`), the others come from the module
    that holds the old module's code (`from together_kit.http.middleware import x`)."""
    children = _children(old)
    statement = re.compile(
        rf"^(?P<indent>[ \t]*)from {KIT}\.{re.escape(old)} import "
        rf"(?P<names>\([^)]*\)|[^\n(]+?)(?P<comment>[ \t]*#[^\n]*)?$",
        re.MULTILINE,
    )

    def rewrite(match: re.Match[str]) -> str:
        names = [n.strip() for n in match["names"].strip("()").replace("\n", " ").split(",")]
        names = [n for n in names if n]
        kept = [n for n in names if n.partition(" as ")[0].strip() in children]
        moved = [n for n in names if n not in kept]
        if not moved:
            return match[0]
        indent, comment = match["indent"], match["comment"] or ""
        lines = [f"{indent}from {KIT}.{MOVED[old]} import {', '.join(moved)}"]
        if kept:
            lines.append(f"{indent}from {KIT}.{old} import {', '.join(kept)}")
        lines[0] += comment
        return "\n".join(lines)

    return lambda text: statement.sub(rewrite, text)


def rewrites() -> list[Rewrite]:
    replaced = [old for old in MOVED if _children(old)]
    found: list[Rewrite] = [_from_package(old) for old in replaced]
    found.append(_from_kit)
    found += [_dotted(old, new) for old, new in MOVED.items()]
    found += [_path(f"{old}.py", new.replace(".", "/") + ".py") for old, new in MOVED.items()]
    found += [_path(old, new) for old, new in MOVED_FOLDERS.items()]
    found += [_renamed(pattern, replacement) for pattern, replacement in RENAMED]
    return found


def _renamed(pattern: str, replacement: str) -> Rewrite:
    compiled = re.compile(pattern)
    return lambda text: compiled.sub(replacement, text)


def rewritten(text: str) -> str:
    for rewrite in rewrites():
        text = rewrite(text)
    return text


def files(root: Path, *, include_kit: bool) -> Iterable[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=root,
        capture_output=True,
        check=True,
        text=True,
    ).stdout.split("\0")
    for name in sorted(set(listed)):
        path = root / name
        if not name or not path.is_file() or path.resolve() == THIS or name in SKIPPED:
            continue
        if name.startswith(KIT_FOLDER) and not include_kit:
            continue
        if path.suffix in TEXT_SUFFIXES or path.name in TEXT_NAMES:
            yield path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="list what would change; exit 1 if any"
    )
    parser.add_argument("--include-kit", action="store_true", help="rewrite shared/kit too")
    parser.add_argument("--no-ruff", action="store_true", help="skip ruff on the changed files")
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the repository (default: this one)"
    )
    args = parser.parse_args(argv)
    changed: list[Path] = []
    for path in files(args.root, include_kit=args.include_kit):
        try:
            before = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        after = rewritten(before)
        if after != before:
            changed.append(path)
            if not args.check:
                path.write_text(after, encoding="utf-8")
    for path in changed:
        print(path.relative_to(args.root))
    python = [str(path) for path in changed if path.suffix == ".py"]
    if python and not args.check and not args.no_ruff:
        ruff = [sys.executable, "-m", "ruff"]
        subprocess.run([*ruff, "check", "--select", "I", "--fix", "--quiet", *python], check=False)
        subprocess.run([*ruff, "format", "--quiet", *python], check=False)
    print(f"{len(changed)} file(s) {'to change' if args.check else 'changed'}", file=sys.stderr)
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
