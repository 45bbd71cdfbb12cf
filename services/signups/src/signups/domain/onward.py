"""Where a person may be sent on after signing in or joining (`next`): only somewhere on this
site, so a link can never lead anyone off to a look-alike site."""

from collections.abc import Iterable
from urllib.parse import urlsplit

MAX_LENGTH = 2000


def onward(wanted: str | None, *, site: Iterable[str]) -> str | None:
    """`wanted` if it starts with one of the `site`'s public addresses (`https://host:port` then
    `/` or the end) or is a path on this host (one leading `/`, not `//`); otherwise None."""
    if not wanted or len(wanted) > MAX_LENGTH:
        return None
    if any(ord(c) < 0x21 or c in '\\"<>' for c in wanted):
        return None
    if wanted.startswith("/"):
        return wanted if not wanted.startswith("//") else None
    parts = urlsplit(wanted)
    for base in site:
        home = urlsplit(base.rstrip("/"))
        same = (parts.scheme, parts.netloc) == (home.scheme, home.netloc)
        under = parts.path == home.path or parts.path.startswith(home.path.rstrip("/") + "/")
        if same and home.netloc and under and not parts.username and not parts.password:
            return wanted
    return None
