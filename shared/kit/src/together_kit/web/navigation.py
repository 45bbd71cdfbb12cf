"""One navigation across the four services: the same links on every page, each to the service that
serves it at that service's public address (`Addresses`, from `<SERVICE>_PUBLIC_BASE_URL`).

Behind the production ingress every address is the same host, and its path map sends each link's
path to the service that serves it (tests/deploy checks the two agree). Under `make run` each
service has its own port, and the links cross them.
"""

from dataclasses import dataclass

from together_kit.web.site import Addresses

HOME_PATH = "/"


@dataclass(frozen=True)
class Section:
    """One link of the navigation, and the pages that are part of its section."""

    name: str
    label: str
    """English msgid, translated by the template."""
    service: str
    path: str
    within: tuple[tuple[str, str], ...] = ()
    """(service, path prefix) of the pages in this section; its own link's by default."""

    @property
    def pages(self) -> tuple[tuple[str, str], ...]:
        return self.within or ((self.service, self.path),)


def under(path: str, prefix: str) -> bool:
    """Whether `path` is `prefix` or below it, by whole segments (`/` holds only itself)."""
    if prefix == HOME_PATH:
        return path == HOME_PATH
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


SECTIONS = (
    Section("home", "Home", "signups", HOME_PATH),
    Section(
        "stories",
        "Stories",
        "moderation",
        "/stories",
        within=(("moderation", "/stories"), ("moderation", "/share"), ("moderation", "/thanks")),
    ),
    Section("talk", "Talk", "moderation", "/talk"),
    Section(
        "events",
        "Events",
        "matching",
        "/events",
        within=(("matching", "/events"), ("matching", "/gaps"), ("matching", "/r")),
    ),
    Section("volunteer", "Volunteer", "signups", "/join"),
    Section(
        "organisations",
        "Organisations",
        "signups",
        "/join/organisation",
        within=(("signups", "/join/organisation"), ("signups", "/pledges"), ("signups", "/letter")),
    ),
    Section(
        "my",
        "My together",
        "signups",
        "/my",
        within=(("signups", "/my"), ("matching", "/my/events")),
    ),
)
"""Home, stories, talk, events, volunteer, organisations and "My together", in that order."""


@dataclass(frozen=True)
class Link:
    label: str
    href: str
    current: bool


class Navigation:
    """The navigation as one service draws it: absolute links to every section, and which section
    a page of this service is in (the most specific one, marked `aria-current` by base.html)."""

    def __init__(self, addresses: Addresses, *, service: str) -> None:
        self.addresses = addresses
        self.service = service

    @property
    def home(self) -> str:
        return self.addresses.url("signups", HOME_PATH)

    def url(self, service: str, path: str = HOME_PATH) -> str:
        return self.addresses.url(service, path)

    def section(self, path: str) -> str | None:
        """The section a page of this service at `path` belongs to, if any; the most specific
        prefix wins (`/join/organisation` is organisations', not volunteering's)."""
        held = [
            (len(prefix), section.name)
            for section in SECTIONS
            for owner, prefix in section.pages
            if owner == self.service and under(path, prefix)
        ]
        return max(held)[1] if held else None

    def links(self, path: str) -> list[Link]:
        current = self.section(path)
        return [
            Link(section.label, self.url(section.service, section.path), section.name == current)
            for section in SECTIONS
        ]
