"""Assisted entry: staff sign up someone who joined on paper or by phone, and erase someone who
asked by phone or letter. Staff come with a pass from moderation (together_kit.staff_pass); the
consent log and the erasure log say who entered what, from which source."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

PAPER_FORM_VERSIONS = ("paper-2026-12", "paper-2026-09")
"""The printed join forms in use, newest first: the form version a paper sign-up records."""
STAFF_ROLES = frozenset({"staff", "lead"})
"""The roles in moderation's accounts that may use the assisted pages."""


class JoinedBy(StrEnum):
    PAPER = "paper form"
    PHONE = "phone call"


class AskedBy(StrEnum):
    PHONE = "phone"
    LETTER = "letter"


@dataclass(frozen=True)
class Staff:
    """The staff member a pass vouched for, as the assisted session holds them."""

    staff_id: UUID
    name: str

    @property
    def first_name(self) -> str:
        words = self.name.split()
        return words[0] if words else ""

    def signature(self) -> str:
        return f"staff: {self.name} ({self.staff_id})"


@dataclass(frozen=True)
class Witness:
    """Where the consents of an assisted sign-up come from: the form or call, its date, who
    entered it, and the wording agreed to."""

    joined_by: JoinedBy
    on: date
    staff: Staff
    form_version: str

    @property
    def source(self) -> str:
        """As the consent log keeps it: `paper form, 2026-12-01, staff: Siân Roberts (<id>)`."""
        return f"{self.joined_by}, {self.on.isoformat()}, {self.staff.signature()}"


def erasure_note(asked_by: AskedBy, staff: Staff) -> str:
    """As the erasure log keeps it: `asked by phone, staff: Siân Roberts (<id>)`."""
    return f"asked by {asked_by}, {staff.signature()}"
