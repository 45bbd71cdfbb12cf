"""`make run` as a newcomer meets it: a clean clone of this repository, in a folder with no
`../shared` beside it, started with the real Makefile target, and used over HTTP as people do.

The clone has only what is committed (whatever this checkout has uncommitted or git-ignored is
not in it, which is the point); `make run` syncs its own virtual environment (`uv sync --frozen`,
from uv's cache) and starts the embedded store, the mail sink and the four services. Every port
is a setting, each set to a free port; the run has a RabbitMQ virtual host of its own and a tag in
its environment that every process it starts inherits, so what is still running after Ctrl-C is
found by that tag.

Then a volunteer in Shetland (ZE2, a district of the table that ships in the repository, far from
any other) joins and confirms from the email in the run's inbox page, an organiser lists an event
in the same district through matching's API, the first lead moderator (created with the command
the URL box gives) approves it, and the volunteer is invited to it.
"""

import html
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import nullcontext, suppress
from datetime import datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pyotp
import pytest
from together_kit.dev.stack import free_port, local_vhost
from together_kit.testing.tags import unique_tag

from .test_make_run import OTHER_PORTS, SERVICE_PORTS, TAG, Run, eventually, tagged, until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

ROOT = Path(__file__).resolve().parents[2]
LONDON = ZoneInfo("Europe/London")
VOLUNTEER_POSTCODE = "ZE2 9AA"
EVENT_POSTCODE = "ZE2 9AB"
LEAD_EMAIL = "lena.lead@together.example"
LEAD_PASSWORD = "a-long-lead-password-42"
NOT_OURS = ("MONGODB_", "NOTIFICATIONS_", "SIGNUPS_", "MATCHING_", "MODERATION_", "STORE_", "MAIL_")
"""Settings of the developer's own that would steer the run; `make run` gets none of them."""


class MakeRun(Run):
    """`make run` in `folder`, in a process group of its own (as a terminal's foreground job),
    its output read line by line."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        super().__init__(env, env[TAG], command=["make", "run"], cwd=folder, own_group=True)

    def ctrl_c(self) -> int:
        """What Ctrl-C at the terminal does: SIGINT to the foreground process group."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGINT)
        code = self.process.wait(timeout=60)
        self.reader.join(timeout=5)
        return code

    def kill_everything(self) -> None:
        """Teardown: whatever a failed test left behind."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        for pid in tagged(self.tag):
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A clean clone of the repository this test runs in, with nothing beside it."""
    folder = tmp_path / "together"
    subprocess.run(
        ["git", "clone", "--quiet", str(ROOT), str(folder)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return folder


@pytest.fixture
def make_run(clone: Path, rabbitmq_url: str) -> Iterator[tuple[MakeRun, dict[str, str]]]:
    """`make run` in the clone with every port free and a virtual host of its own; nothing of
    the developer's environment that would steer it (settings, this checkout's virtualenv)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(NOT_OURS)
        and key not in {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "PYTHONPATH", "VAR_DIR"}
        and key not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
    }
    env |= {name: str(free_port()) for name in (*SERVICE_PORTS, *OTHER_PORTS)}
    env |= {"NO_COLOR": "1", TAG: unique_tag()}
    own_vhost = "127.0.0.1" in rabbitmq_url and shutil.which("rabbitmqctl")
    vhost = local_vhost(rabbitmq_url, prefix="together-clone") if own_vhost else None
    with vhost or nullcontext(rabbitmq_url) as url:
        env["RABBITMQ_URL"] = url
        run = MakeRun(clone, env)
        try:
            yield run, env
        finally:
            run.kill_everything()


def box_line(output: str, what: str) -> str:
    """The URL box's address for `what` ("home", "mail inbox", …)."""
    found = re.search(rf"│ {re.escape(what)} +(http://\S+) ", output)
    assert found, f"no {what!r} in the URL box:\n{output[-3000:]}"
    return found.group(1).rstrip("/")


# --- the mail inbox page ------------------------------------------------------------------------


def mail_to(inbox: str, address: str, subject: str) -> str:
    """The text of the first email to `address` whose subject contains `subject`, read from the
    run's inbox page as a person would (the list, then the message)."""
    row = re.compile(r"<tr><td>\d+</td><td>([^<]*)</td><td><a href='(/messages/\d+)'>([^<]*)</a>")

    def found() -> str | None:
        page = httpx.get(f"{inbox}/", timeout=10)
        assert page.status_code == 200, page.text
        for to, href, title in row.findall(page.text):
            if address in html.unescape(to) and subject in html.unescape(title):
                return str(href)
        return None

    href = until(found, what=f"email {subject!r} to {address} in the inbox")
    message = httpx.get(f"{inbox}{href}", timeout=10)
    assert message.status_code == 200, message.text
    return html.unescape(re.sub(r"<[^>]+>", "", message.text))


def link(text: str, start: str) -> str:
    """The one link in `text` that begins with `start`."""
    found = set(re.findall(re.escape(start) + r"[^\s<>\"']+", text))
    assert len(found) == 1, f"expected one link starting {start} in:\n{text}"
    return str(found.pop())


# --- the moderator ------------------------------------------------------------------------------


def create_lead(clone: Path, box: str) -> None:
    """The first lead moderator, with the command the URL box gives (in the clone's own
    environment), the password on standard input."""
    found = re.search(
        r"MONGODB_URL='([^']+)' \.venv/bin/python -m moderation\.cli create-lead", box
    )
    assert found, box
    done = subprocess.run(
        [
            str(clone / ".venv" / "bin" / "python"),
            *("-m", "moderation.cli", "create-lead", "--password-stdin"),
            *("--email", LEAD_EMAIL, "--name", "Lena"),
        ],
        cwd=clone,
        input=f"{LEAD_PASSWORD}\n",
        text=True,
        env={
            key: value
            for key, value in os.environ.items()
            if not key.startswith(NOT_OURS) and key not in {"VIRTUAL_ENV", "PYTHONPATH"}
        }
        | {"MONGODB_URL": found.group(1)},
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, f"no CSRF token on the page:\n{page[:2000]}"
    return html.unescape(found.group(1))


def sign_in(desk: httpx.Client) -> None:
    """A lead's first sign-in: password, then the second factor enrolled as an authenticator
    app would (the key read off the page, the code it gives now)."""
    signed_in = desk.post(
        "/moderation/login", data={"email": LEAD_EMAIL, "password": LEAD_PASSWORD}
    )
    assert signed_in.headers.get("location") == "/moderation/enrol", signed_in.text
    page = desk.get("/moderation/enrol")
    secret = re.search(r'id="totp-secret">([^<]+)<', page.text)
    assert secret, page.text
    code = pyotp.TOTP(secret.group(1).replace(" ", "")).now()
    enrolled = desk.post("/moderation/enrol", data={"csrf": csrf_of(page.text), "code": code})
    assert enrolled.status_code == 200, enrolled.text


def approve(desk: httpx.Client, title: str) -> None:
    """Find the listing titled `title` in the queue, claim it, approve it."""
    row = re.compile(rf'href="[^"]*/items/([0-9a-f-]{{36}})" class="item-link">{re.escape(title)}<')

    def listed() -> str | None:
        queue = desk.get("/moderation")
        assert queue.status_code == 200, queue.text
        found = row.search(queue.text)
        return found.group(1) if found else None

    item_id = until(listed, what=f"{title!r} in the moderation queue")
    opened = desk.get(f"/moderation/items/{item_id}")
    claim = desk.post(f"/moderation/items/{item_id}/claim", data={"csrf": csrf_of(opened.text)})
    assert claim.status_code == 303, claim.text
    item = desk.get(f"/moderation/items/{item_id}")
    approved = desk.post(f"/moderation/items/{item_id}/approve", data={"csrf": csrf_of(item.text)})
    assert approved.status_code == 303, approved.text
    assert "done=approved" in approved.headers["location"]


def in_quiet_hours() -> bool:
    """Invitations wait out 21:00-08:00 London time (this says so from 20:50, for the margin)."""
    return not dt_time(8, 0) <= datetime.now(LONDON).time() <= dt_time(20, 50)


def next_saturday_morning() -> datetime:
    day = datetime.now(LONDON).date() + timedelta(days=3)
    saturday = day + timedelta(days=(5 - day.weekday()) % 7)
    return datetime.combine(saturday, datetime.min.time(), tzinfo=LONDON).replace(hour=11)


# --- the test -----------------------------------------------------------------------------------


def test_make_run_on_a_fresh_clone_matches_a_volunteer_to_an_event_in_a_shipped_district(
    clone: Path, make_run: tuple[MakeRun, dict[str, str]]
) -> None:
    run, env = make_run
    assert not (clone.parent / "shared").exists(), "nothing may be beside the clone"
    table = clone / "shared/kit/src/together_kit/districts/districts.tsv"
    assert "\tZE2\t" in table.read_text(), "Shetland's ZE2 is a district of the shipped table"
    eventually(
        lambda: "Ctrl-C stops all." in run.output or run.process.poll() is not None,
        what="the URL box",
        timeout=240,
    )
    assert "Ctrl-C stops all." in run.output, run.output[-5000:]
    box = run.output[run.output.rindex("Ready. Open:") :]
    assert "../shared" not in run.output
    assert "shared/data" not in run.output

    signups = box_line(box, "join").removesuffix("/join")
    moderation = box_line(box, "moderation").removesuffix("/moderation")
    matching = box_line(box, "events").removesuffix("/events")
    inbox = box_line(box, "mail inbox")
    for name, address in [
        ("signups", signups),
        ("moderation", moderation),
        ("matching", matching),
        ("notifications", box_line(box, "support").removesuffix("/support/messages")),
    ]:
        assert address == f"http://127.0.0.1:{env[f'{name.upper()}_PORT']}", (name, address)
        assert httpx.get(f"{address}/readyz", timeout=10).status_code == 200, name

    # A volunteer in Shetland joins and confirms from the email in the inbox.
    tag = unique_tag()
    volunteer = f"morag-{tag}@example.org"
    joined = httpx.post(
        f"{signups}/join",
        data={
            "name": "Morag Volunteer",
            "email": volunteer,
            "postcode": VOLUNTEER_POSTCODE,
            "interests": ["environment"],
            "availability": ["weekends"],
            "travel_radius_km": "10",
            "language": "en",
            "consent_matched_events": "yes",
        },
        timeout=30,
    )
    assert joined.status_code == 303, joined.text
    confirmation = mail_to(inbox, volunteer, "Confirm your email address")
    confirm_url = link(confirmation, f"{signups}/confirm/")
    assert httpx.get(confirm_url, timeout=30).status_code == 200
    confirmed = httpx.post(confirm_url, timeout=30)
    assert confirmed.status_code == 200, confirmed.text

    # An organiser lists an event in the same district.
    title = f"Beach clean at Tresta {tag}"
    starts = next_saturday_morning()
    listed = httpx.post(
        f"{matching}/api/v1/events",
        json={
            "title": title,
            "description": "Bags and gloves provided; tea after in the hall.",
            "event_type": "environment",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "postcode": EVENT_POSTCODE,
            "venue_name": "Tresta hall",
            "address_lines": ["Tresta"],
            "town": "Shetland",
            "organiser_name": "Ishbel Ratter",
            "organiser_email": f"organiser-{tag}@example.org",
            "places": 4,
        },
        timeout=30,
    )
    assert listed.status_code == 201, listed.text
    event_id = listed.json()["id"]

    # The first lead moderator, created as the URL box says, approves it.
    create_lead(clone, box)
    with httpx.Client(base_url=moderation, timeout=30, headers={"Origin": moderation}) as desk:
        sign_in(desk)
        approve(desk, title)

    def nearby() -> dict[str, object] | None:
        found = httpx.get(
            f"{matching}/api/v1/events", params={"near": VOLUNTEER_POSTCODE}, timeout=30
        )
        assert found.status_code == 200, found.text
        return next((e for e in found.json() if e["id"] == event_id), None)

    assert until(nearby, what="the event published near the volunteer")["title"] == title

    # The volunteer is invited: by email; or, in quiet hours (not a setting), with the invitation
    # held in notifications' delivery log until 08:00 London time.
    if not in_quiet_hours():
        invitation = mail_to(inbox, volunteer, f"An event near you: {title}")
        assert f"{matching}/r/" in invitation, invitation
    else:
        notifications = box_line(box, "support").removesuffix("/support/messages")
        key = re.search(r"X-API-Key\): (\S+)", box)
        assert key, box

        def sent_or_held(message: dict[str, str]) -> bool:
            held_until = datetime.fromisoformat(message["not_before"]).astimezone(LONDON)
            return message["status"] == "sent" or held_until.time() == dt_time(8, 0)

        def invited() -> dict[str, str] | None:
            found = httpx.get(
                f"{notifications}/api/v1/messages",
                params={"recipient": volunteer},
                headers={"X-API-Key": key.group(1)},
                timeout=30,
            )
            assert found.status_code == 200, found.text
            invitations = [m for m in found.json() if m["kind"] == "invitation"]
            return next((m for m in invitations if sent_or_held(m)), None)

        until(invited, what="the invitation sent, or held until 08:00, in the delivery log")

    # Ctrl-C stops it all.
    assert len(tagged(run.tag)) >= 6, "the supervisor, four services and the store"
    run.ctrl_c()
    eventually(lambda: tagged(run.tag) == [], what="every process of the run ended", timeout=60)
    assert "store         | stopped" in run.output, run.output[-3000:]
