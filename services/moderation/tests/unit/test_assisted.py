"""Assisted entry's rules without I/O: a form's nonce makes one story id per staff member, what
the item keeps of its entry, and the staff pass secret production refuses."""

import uuid
from datetime import UTC, datetime

import pytest
from moderation.domain import assisted
from moderation.domain.decisions import Role
from moderation.domain.moderators import Account
from moderation.settings import Settings
from together_kit.staff_pass import DEVELOPMENT_STAFF_PASS_SECRET

REAL = {"secret_key": "s" * 40, "erasure_key": "e" * 40, "site_key": "k" * 40}


def account(role: Role) -> Account:
    return Account("sian@example.org", "Siân Roberts", role, "hash", datetime.now(UTC))


def test_a_nonce_makes_one_story_per_staff_member() -> None:
    sian, other = uuid.uuid4(), uuid.uuid4()
    assert assisted.item_id(sian, "n1") == assisted.item_id(sian, "n1")
    assert assisted.item_id(sian, "n1") != assisted.item_id(sian, "n2")
    assert assisted.item_id(sian, "n1") != assisted.item_id(other, "n1")


def test_the_item_keeps_how_it_came_and_who_entered_it_never_the_person() -> None:
    sian = account(Role.STAFF)
    extra = assisted.entered(sian, assisted.Came.LETTER)
    assert extra == {
        "told_by": "assisted",
        "came": "letter",
        "entered_by_id": str(sian.id),
        "entered_by": "Siân Roberts",
        "entered_by_role": "staff",
    }
    entry = assisted.entry_of(extra)
    assert entry is not None
    assert (entry["by"], entry["came_en"], entry["came_cy"]) == (
        "Siân Roberts",
        "from a letter",
        "o lythyr",
    )
    assert assisted.entry_of({"told_by": "phone"}) is None
    assert assisted.entry_of({}) is None


@pytest.mark.parametrize(
    ("role", "assists"),
    [(Role.STAFF, True), (Role.LEAD, True), (Role.MODERATOR, False), (Role.COORDINATOR, False)],
)
def test_staff_and_leads_assist(role: Role, assists: bool) -> None:
    assert account(role).assists is assists


@pytest.mark.parametrize("secret", [None, DEVELOPMENT_STAFF_PASS_SECRET, "short-secret"])
def test_production_refuses_a_missing_placeholder_or_short_staff_pass_secret(
    secret: str | None,
) -> None:
    given = {} if secret is None else {"staff_pass_secret": secret}
    with pytest.raises(ValueError, match="MODERATION_STAFF_PASS_SECRET"):
        Settings(environment="production", **REAL, **given)
    Settings(environment="development", **given)


def test_production_takes_a_real_staff_pass_secret() -> None:
    settings = Settings(environment="production", staff_pass_secret="p" * 40, **REAL)
    assert settings.staff_pass_secret.get_secret_value() == "p" * 40
