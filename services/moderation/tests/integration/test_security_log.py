"""The security log: what is written, that it holds no secret, that only leads read it, the CSV,
and that its adapter can only add."""

import csv
import io
from datetime import datetime

import pytest
from moderation.adapters.security_log import MongoSecurityLog
from moderation.domain.decisions import Role
from moderation.domain.security_log import SecurityAction
from moderation.handlers.security_log import record_security_event

from .conftest import Moderation
from .moderator_support import (
    PASSWORD,
    accounts,
    add_account,
    csrf_of,
    enrol,
    sign_in_again,
    signed_in,
)

pytestmark = pytest.mark.integration


async def test_sign_ins_failures_lockouts_and_account_changes_are_logged(
    moderation: Moderation,
) -> None:
    lead = await signed_in(moderation, "Lena", Role.LEAD)
    email = await add_account(moderation, "Ann")
    client = moderation.client()
    enrolled = await enrol(moderation, client, email)
    for _ in range(5):
        await client.post("/moderation/login", data={"email": email, "password": "not it"})
    await client.post("/moderation/login", data={"email": "nobody@example.org", "password": "x"})
    moderation.clock.advance(minutes=16)
    assert (await sign_in_again(moderation, client, enrolled)).status_code == 303
    ann = next(a for a in await accounts(moderation).moderators.all() if a.name == "Ann")
    lena = next(a for a in await accounts(moderation).moderators.all() if a.name == "Lena")
    csrf = await csrf_of(lead, "/moderation/moderators")
    await lead.post(f"/moderation/moderators/{ann.id}/role", data={"csrf": csrf, "role": "lead"})
    added = await lead.post(
        "/moderation/moderators",
        data={"csrf": csrf, "email": "bob@example.org", "name": "Bob", "role": "moderator"},
    )
    assert added.status_code == 200
    bob = next(a for a in await accounts(moderation).moderators.all() if a.name == "Bob")
    await lead.post(f"/moderation/moderators/{bob.id}/deactivate", data={"csrf": csrf})

    entries = await moderation.db["security_log"].find({}).sort("at", 1).to_list()
    seen = [(e["actor"], e["action"], e["target_id"], e["outcome"]) for e in entries]

    ann_id, lena_id = str(ann.id), str(lena.id)
    assert ("Lena", "second-factor-enrolment", lena_id, "success") in seen
    assert ("Lena", "sign-in", lena_id, "success") in seen
    assert seen.count(("Ann", "sign-in", ann_id, "failure")) == 5
    assert ("Ann", "lockout", ann_id, "success") in seen
    assert ("-", "sign-in", "", "failure") in seen
    assert ("Ann", "sign-in", ann_id, "password-accepted") in seen
    assert ("Lena", "role-change", ann_id, "success") in seen
    assert ("Lena", "account-created", str(bob.id), "success") in seen
    assert ("Lena", "account-deactivated", str(bob.id), "success") in seen
    assert all(isinstance(e["at"], float) and e["at"] > 0 for e in entries)
    role_change = next(e for e in entries if e["action"] == "role-change")
    assert (role_change["actor_id"], role_change["detail"]) == (lena_id, "lead")
    everything = str(entries)
    assert PASSWORD not in everything
    assert "not it" not in everything
    assert "nobody@example.org" not in everything
    assert enrolled.secret not in everything
    assert not any(code in everything for code in enrolled.recovery_codes)


async def test_leads_read_the_log_and_export_it_as_csv(moderation: Moderation) -> None:
    lead = await signed_in(moderation, "Lena", Role.LEAD)
    ann = await signed_in(moderation, "Ann")
    log = accounts(moderation).security_log
    moderation.clock.advance(seconds=1)
    await record_security_event(
        log,
        at=moderation.clock.now,
        actor="admin",
        action=SecurityAction.PERSONAL_DATA_READ,
        target_id='=HYPERLINK("http://evil.example")',
        outcome="success",
    )

    page = await lead.get("/moderation/security")
    exported = await lead.get("/moderation/security.csv")

    assert page.status_code == 200
    assert "Security log" in page.text
    assert "second-factor-enrolment" in page.text
    assert "personal-data-read" in page.text
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0] == ["time_utc", "actor", "actor_id", "action", "target_id", "outcome", "detail"]
    assert rows[1][1:5] == [
        "admin",
        "",
        "personal-data-read",
        '\'=HYPERLINK("http://evil.example")',
    ]
    assert datetime.fromisoformat(rows[1][0]) == moderation.clock.now
    assert {row[3] for row in rows[1:]} >= {"sign-in", "second-factor-enrolment"}
    for path in ("/moderation/security", "/moderation/security.csv"):
        assert (await ann.get(path)).status_code == 403


async def test_the_log_adapter_can_only_add_and_read() -> None:
    public = {name for name in vars(MongoSecurityLog) if not name.startswith("_")}
    assert public == {"ensure_indexes", "record", "latest", "between"}
