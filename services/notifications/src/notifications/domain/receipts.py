"""Which delivery receipts mean a number can never receive texts: it is then suppressed, as an
address is after an SMTP 5xx (`bounced`), so no text is tried on it again.

GOV.UK Notify says `permanent-failure` (the number does not exist, or is not a mobile). Twilio
says `failed` or `undelivered` with an error code; these codes are for good: 21211 (not a valid
number), 21610 (the person texted STOP to the sender at their network), 21614 (not a mobile),
30004 (blocked by the recipient), 30005 (unknown or inactive number), 30006 (a landline or
unreachable carrier). Every other failure (`temporary-failure`, 30003 unreachable phone, a
technical failure) may pass: recorded, not suppressed.
"""

from notifications.domain.texts import Receipt

PERMANENT_WORDS = frozenset({"permanent-failure"})
PERMANENT_CODES = frozenset({"21211", "21610", "21614", "30004", "30005", "30006"})


def permanent(receipt: Receipt) -> bool:
    if receipt.status != "failed":
        return False
    words = set(receipt.detail.lower().split())
    return bool(words & PERMANENT_WORDS) or bool(words & PERMANENT_CODES)
