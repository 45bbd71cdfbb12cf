"""Contacts asked for together (invitations handled at once) are read in one query (issue 20),
on the real store: each caller gets its own contact, or `None` for one not known."""

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from notifications.bootstrap import create_app
from notifications.domain.contacts import Contact
from notifications.settings import Settings
from together_kit.testing.commands import counting

from .conftest import unique_address

pytestmark = pytest.mark.integration


async def test_contacts_asked_for_together_are_read_in_one_query(
    settings_for: Callable[..., Settings],
) -> None:
    app = create_app(settings_for())
    async with app.router.lifespan_context(app):
        contacts = app.state.context.contacts
        kept = [
            Contact(
                person_id=str(uuid.uuid4()),
                name=f"Volunteer {n}",
                email=unique_address(f"contact{n}"),
                language="cy" if n % 2 else "en",
                registered_event_id=str(uuid.uuid4()),
                registered_at=datetime(2026, 11, 25, 12, 0, tzinfo=UTC),
                withdrawn=("news",) if n == 3 else (),
            )
            for n in range(6)
        ]
        for contact in kept:
            assert await contacts.add(contact)
        asked = [contact.person_id for contact in kept]
        asked += [str(uuid.uuid4()), kept[2].person_id]

        with counting(app.state.runtime.db.name) as counted:
            found = await asyncio.gather(*(contacts.get(person_id) for person_id in asked))

    assert [c.email if c else None for c in found] == [
        *(contact.email for contact in kept),
        None,
        kept[2].email,
    ]
    assert [(c.withdrawn, c.language) if c else None for c in found[:4]] == [
        ((), "en"),
        ((), "cy"),
        ((), "en"),
        (("news",), "cy"),
    ]
    assert dict(counted.by_command) == {"find": 1}
