"""The handover journal on disk: it outlives a SIGKILL of its process and belongs to one process."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from notifications.adapters.handover_journal import HandoverJournal
from notifications.domain.channels import JournalError

pytestmark = pytest.mark.integration

KILLED_AFTER_A_ROW = textwrap.dedent(
    """
    import os, signal, sys
    from notifications.adapters.handover_journal import HandoverJournal

    journal = HandoverJournal(sys.argv[1])
    print(journal.instance, flush=True)
    journal.committing("settled", 1)
    journal.settle("settled", 1)
    journal.committing("in flight", 2)
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_a_row_written_before_a_sigkill_is_read_back_by_the_next_process(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_A_ROW, str(path)],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert killed.returncode == -9, killed.stderr.decode()

    journal = HandoverJournal(path)
    try:
        assert journal.entries() == {"in flight": 2}
        assert journal.instance == killed.stdout.decode().strip()
    finally:
        journal.close()


def test_a_row_is_settled_only_for_its_own_attempt(tmp_path: Path) -> None:
    journal = HandoverJournal(tmp_path / "journal")
    try:
        journal.committing("key", 2)
        journal.settle("key", 1)
        assert journal.entries() == {"key": 2}
        journal.forget({"key": 2})
        assert journal.entries() == {}
    finally:
        journal.close()


def test_a_second_process_on_the_same_journal_is_refused_with_the_setting_to_change(
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal"
    first = HandoverJournal(path)
    try:
        first.committing("key", 1)
        with pytest.raises(JournalError, match="NOTIFICATIONS_HANDOVER_JOURNAL_PATH"):
            HandoverJournal(path).entries()
    finally:
        first.close()
    second = HandoverJournal(path)
    try:
        assert second.entries() == {"key": 1}
    finally:
        second.close()
