"""This process's record of the final dots it wrote: what a crash between two store writes hides.

The delivery log records the hand-over (`handed_over_at`) before the final dot, and the outcome
after the server's reply. A process killed between the two leaves a message the log cannot place:
the dot may or may not have gone, and the store write before it took a round trip, a wide window
on a loaded store. This journal closes it. A row is written immediately before the dot, with no
await between them, so after a crash a row means the dot went (but for a gap of two system calls)
and no row means it did not. On restart the dispatcher reads it back (`handlers.recovery.recover_handovers`).

SQLite with `synchronous=OFF`: a commit has reached the operating system when it returns, so it
outlives the process being killed, though not the machine losing power (then a message in flight
ends `unknown`, as without a journal). `locking_mode=EXCLUSIVE` keeps one journal to one process.
"""

import sqlite3
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path

from notifications.domain.channels import JournalError

IN_MEMORY = ":memory:"
"""For tests that never kill the process: a journal that cannot outlive it."""


class HandoverJournal:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._db: sqlite3.Connection | None = None
        self._instance = ""

    @property
    def instance(self) -> str:
        """Who this journal's owner is in the delivery log (`handed_over_by`); kept in the file,
        so the process that restarts with this journal recognises its own hand-overs."""
        self._connected()
        return self._instance

    def committing(self, key: str, attempt: int) -> None:
        """Written immediately before the final dot of `key`'s `attempt`."""
        self._write(
            "INSERT OR REPLACE INTO committing (key, attempt) VALUES (?, ?)", (key, attempt)
        )

    def settle(self, key: str, attempt: int) -> None:
        """The outcome is in the delivery log: the row is no longer needed."""
        self._write("DELETE FROM committing WHERE key = ? AND attempt = ?", (key, attempt))

    def forget(self, rows: Mapping[str, int]) -> None:
        for key, attempt in rows.items():
            self.settle(key, attempt)

    def entries(self) -> dict[str, int]:
        try:
            rows: Iterable[tuple[str, int]] = self._connected().execute(
                "SELECT key, attempt FROM committing"
            )
            return dict(rows)
        except sqlite3.Error as error:
            raise JournalError(f"handover journal {self.path}: {error}") from error

    def close(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            db.close()

    def _write(self, statement: str, values: tuple[str, int]) -> None:
        try:
            self._connected().execute(statement, values)
        except sqlite3.Error as error:
            raise JournalError(f"handover journal {self.path}: {error}") from error

    def _connected(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        if self.path != IN_MEMORY:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=0, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA locking_mode=EXCLUSIVE")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")
            db.execute("CREATE TABLE IF NOT EXISTS owner (instance TEXT NOT NULL)")
            db.execute(
                "CREATE TABLE IF NOT EXISTS committing"
                " (key TEXT PRIMARY KEY, attempt INTEGER NOT NULL)"
            )
            found = db.execute("SELECT instance FROM owner").fetchone()
            if found is None:
                found = (uuid.uuid4().hex,)
                db.execute("INSERT INTO owner (instance) VALUES (?)", found)
        except sqlite3.OperationalError as error:
            db.close()
            if "locked" in str(error):
                raise JournalError(
                    f"handover journal {self.path} is held by another process: give each"
                    " notifications process its own NOTIFICATIONS_HANDOVER_JOURNAL_PATH"
                ) from error
            raise JournalError(f"handover journal {self.path}: {error}") from error
        self._db, self._instance = db, found[0]
        return db
