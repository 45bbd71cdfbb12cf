"""Moderator accounts in the `moderators` collection, and argon2id password hashing.

Times are stored as epoch seconds (together_kit.stored); every write replaces the whole document
under its `version`.
"""

import asyncio
import secrets
from collections.abc import Callable
from typing import Any
from uuid import UUID

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.exceptions import InvalidTag
from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError
from together_kit.stored import epoch, epoch_or_never, moment, moment_or_none

from moderation.adapters.secrets import SecretBox
from moderation.domain.decisions import Role
from moderation.domain.moderators import (
    Account,
    AccountExistsError,
    AccountNotFoundError,
    ConcurrentAccountChangeError,
    name_key,
    normalise_email,
)

Document = dict[str, Any]
OWASP_TIME_COST = 2
OWASP_MEMORY_KIB = 19_456


class Passwords:
    """argon2id at the OWASP minimum, computed in worker threads, at most `concurrency` at once,
    so a flood of sign-ins queues up instead of starving the event loop."""

    def __init__(self, *, concurrency: int = 2, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher(
            time_cost=OWASP_TIME_COST, memory_cost=OWASP_MEMORY_KIB, parallelism=1, type=Type.ID
        )
        self._slots = asyncio.Semaphore(concurrency)
        self._decoy: str | None = None

    async def hash(self, password: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(self.hasher.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        async with self._slots:
            return await asyncio.to_thread(self._verify, password_hash, password)

    async def spend(self, password: str) -> None:
        """Verify against a decoy hash: a sign-in for an unknown or locked account costs the same
        time as one for a real account, so timing does not tell which emails have accounts."""
        async with self._slots:
            await asyncio.to_thread(self._verify, self._decoy_hash(), password)

    def needs_rehash(self, password_hash: str) -> bool:
        return self.hasher.check_needs_rehash(password_hash)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def _decoy_hash(self) -> str:
        if self._decoy is None:
            self._decoy = self.hasher.hash(secrets.token_urlsafe(16))
        return self._decoy


class MongoModeratorRepository:
    """The `ModeratorRepository` of the handlers; the TOTP secret is sealed with `box` before it
    is written."""

    def __init__(self, collection: AsyncCollection[Document], *, box: SecretBox) -> None:
        self.collection = collection
        self.box = box

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("email", unique=True)
        await self.collection.create_index("name_key", unique=True)

    async def add(self, account: Account) -> None:
        try:
            await self.collection.insert_one({**to_document(account, self.box), "version": 1})
        except DuplicateKeyError as error:
            raise AccountExistsError(account.email) from error

    async def get(self, account_id: UUID) -> Account | None:
        document = await self.collection.find_one({"_id": str(account_id)})
        return from_document(document, self.box) if document else None

    async def by_email(self, email: str) -> Account | None:
        document = await self.collection.find_one({"email": normalise_email(email)})
        return from_document(document, self.box) if document else None

    async def all(self) -> list[Account]:
        cursor = self.collection.find({}).sort("name_key", ASCENDING)
        return [from_document(document, self.box) async for document in cursor]

    async def count_leads(self) -> int:
        return await self.collection.count_documents({"role": Role.LEAD.value, "active": True})

    async def change(
        self, account_id: UUID, change: Callable[[Account], Account], *, attempts: int = 8
    ) -> Account:
        """Apply `change` and replace the whole document, retrying if another writer won."""
        for _ in range(attempts):
            current = await self.collection.find_one({"_id": str(account_id)})
            if current is None:
                raise AccountNotFoundError(account_id)
            before = from_document(current, self.box)
            changed = change(before)
            document = to_document(changed, self.box)
            if (changed.totp_secret, changed.totp_enrolled) == (
                before.totp_secret,
                before.totp_enrolled,
            ):
                # Unchanged: keep the sealed text as stored (one that no longer opens, too).
                document["totp_secret"] = current.get("totp_secret", "")
            written = await self.collection.replace_one(
                {"_id": str(account_id), "version": current["version"]},
                {**document, "version": current["version"] + 1},
            )
            if written.modified_count == 1:
                return changed
        raise ConcurrentAccountChangeError(account_id)


def to_document(account: Account, box: SecretBox) -> Document:
    return {
        "_id": str(account.id),
        "email": normalise_email(account.email),
        "name": account.name,
        "name_key": name_key(account.name),
        "role": account.role.value,
        "password_hash": account.password_hash,
        "created_at": epoch(account.created_at),
        "active": account.active,
        "failed_logins": account.failed_logins,
        "locked_until": epoch_or_never(account.locked_until),
        "must_change_password": account.must_change_password,
        "totp_secret": box.seal(account.totp_secret, bound_to=str(account.id)),
        "totp_enrolled": account.totp_enrolled,
        "last_totp_step": account.last_totp_step,
        "recovery_codes": list(account.recovery_codes),
    }


def from_document(document: Document, box: SecretBox) -> Account:
    return Account(
        id=UUID(document["_id"]),
        email=document["email"],
        name=document["name"],
        role=Role(document["role"]),
        password_hash=document["password_hash"],
        created_at=moment(document["created_at"]),
        active=bool(document.get("active", True)),
        failed_logins=int(document.get("failed_logins", 0)),
        locked_until=moment_or_none(document.get("locked_until")),
        must_change_password=bool(document.get("must_change_password", False)),
        totp_secret=_opened(box, str(document.get("totp_secret") or ""), document["_id"]),
        totp_enrolled=bool(document.get("totp_enrolled", False)),
        last_totp_step=int(document.get("last_totp_step", 0)),
        recovery_codes=tuple(str(code) for code in document.get("recovery_codes") or ()),
    )


def _opened(box: SecretBox, sealed: str, account_id: str) -> str:
    """The TOTP secret, or "" if it was sealed under another key (SECRET_KEY changed): the
    account then fails closed, accepting no code, until a lead resets its second factor."""
    try:
        return box.open(sealed, bound_to=account_id)
    except (InvalidTag, ValueError):
        return ""
