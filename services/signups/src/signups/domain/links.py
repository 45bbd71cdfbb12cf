"""What each signed link in signups' emails is for, and how long it works (ADR 0004)."""

from enum import StrEnum

CONFIRMATION_MAX_AGE_SECONDS = 7 * 24 * 3600
ERASURE_MAX_AGE_SECONDS = 24 * 3600


class Purpose(StrEnum):
    CONFIRM_PERSON = "confirm-person"
    CONFIRM_ORGANISATION = "confirm-organisation"
    UNSUBSCRIBE = "unsubscribe"
    ERASE = "erase"
    CONFIRM_CHANGE = "confirm-change"
    CONFIRM_SIGNATURE = "confirm-signature"
    """A signature of the open letter (the subject is the signature)."""
    ERASE_ADDRESS = "erase-address"
    """An erasure asked for an address that is not a volunteer's: the subject is the request."""
    PLEDGE_PROGRESS = "pledge-progress"
    """The form for progress on a published pledge (the subject is the organisation, the nonce
    its pledge): it works for `progress.PROGRESS_LINK_MAX_AGE_SECONDS`."""
