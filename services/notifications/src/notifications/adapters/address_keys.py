"""The keys of address digests (suppressions, message keys, the weekly cap), from the secrets.

New digests are keyed by a key HKDF derives from `SECRET_KEY` for this purpose alone
(together_kit.keys), so the raw secret keys nothing and a digest says nothing about any other key.
Digests written before are still found: those keyed by the key derived from a previous secret
(`PREVIOUS_SECRET_KEYS`), and those keyed by a raw secret itself, as every digest was before keys
were derived. A digest is found only while the secret behind its key is listed: a rotated secret
stays in `PREVIOUS_SECRET_KEYS` for as long as the suppressions written under it must hold.
"""

from together_kit.keys import SecretKeys

from notifications.domain.messages import AddressKeys

ADDRESS_DIGESTS = "together.notifications.address-digests"
"""The purpose notifications derives its address-digest key for (`SecretKeys.derive`)."""


def address_keys(keys: SecretKeys) -> AddressKeys:
    """The derived key of the current secret; then, newest first, those of the previous ones and
    the raw secrets (digests from before keys were derived)."""
    derived = list(reversed(keys.verifying(ADDRESS_DIGESTS)))
    raw = [secret.encode() for secret in reversed(keys.secrets())]
    return AddressKeys(current=derived[0], older=(*derived[1:], *raw))
