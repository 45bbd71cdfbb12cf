import hashlib
from enum import StrEnum
from uuid import uuid4

import pytest
from itsdangerous import URLSafeTimedSerializer
from together_kit.keys import SecretKeys
from together_kit.signing import Claims, Signer, TokenExpiredError, TokenInvalidError

pytestmark = pytest.mark.unit

SECRET = "a-secret-of-at-least-thirty-two-characters"


class Purpose(StrEnum):
    CONFIRM = "confirm"
    LEAVE = "leave"


def signer(*, nonce: bool = False, salt: str = "kit.tests") -> Signer[Purpose]:
    return Signer(SECRET, salt=salt, purposes=Purpose, nonce=nonce)


def test_a_token_gives_back_its_claims() -> None:
    subject = uuid4()
    tokens = signer(nonce=True)
    read = tokens.read(tokens.issue(Purpose.CONFIRM, subject, "n1"), max_age=60)
    assert read == Claims(Purpose.CONFIRM, subject, "n1")
    assert tokens.read(tokens.issue(Purpose.LEAVE, subject), max_age=None).nonce == ""


def derived_sha256(secret: str = SECRET, salt: str = "kit.tests") -> URLSafeTimedSerializer:
    """What a token must be: HMAC-SHA256 with the key HKDF derives for the salt alone."""
    return URLSafeTimedSerializer(
        SecretKeys(secret).derive(salt), salt=salt, signer_kwargs={"digest_method": hashlib.sha256}
    )


def test_the_claims_are_laid_out_as_before() -> None:
    """Links already sent keep working: `[purpose, subject]`, or with a nonce after them."""
    subject = uuid4()
    raw = derived_sha256()
    plain = raw.loads(signer().issue(Purpose.CONFIRM, subject))
    with_nonce = raw.loads(signer(nonce=True).issue(Purpose.CONFIRM, subject))
    assert plain == ["confirm", str(subject)]
    assert with_nonce == ["confirm", str(subject), ""]


def test_a_subject_is_given_only_for_its_purpose() -> None:
    subject = uuid4()
    tokens = signer()
    token = tokens.issue(Purpose.CONFIRM, subject)
    assert tokens.subject(token, Purpose.CONFIRM, max_age=60) == subject
    with pytest.raises(TokenInvalidError):
        tokens.subject(token, Purpose.LEAVE, max_age=60)


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signer(salt="another.service").issue(Purpose.CONFIRM, uuid4()),
        signer(nonce=True).issue(Purpose.CONFIRM, uuid4(), "n"),
        derived_sha256().dumps(["unknown", str(uuid4())]),
        derived_sha256().dumps(["confirm", "not-a-uuid"]),
        derived_sha256().dumps(7),
    ],
    ids=["garbage", "other-salt", "with-nonce", "unknown-purpose", "not-a-uuid", "not-a-list"],
)
def test_a_forged_or_foreign_token_is_invalid(token: str) -> None:
    """Made when the tests are collected, maybe minutes before: no age limit, so only invalidity
    can raise."""
    with pytest.raises(TokenInvalidError):
        signer().read(token, max_age=None)


def test_an_old_token_has_expired() -> None:
    tokens = signer()
    token = tokens.issue(Purpose.CONFIRM, uuid4())
    with pytest.raises(TokenExpiredError):
        tokens.read(token, max_age=-1)


def test_a_signer_without_nonces_refuses_one() -> None:
    with pytest.raises(ValueError, match="nonce"):
        signer().issue(Purpose.CONFIRM, uuid4(), "n")


# --- keys: derived per purpose, SHA-256, rotation, the old form ----------------------------


def test_tokens_are_signed_with_hmac_sha256_and_the_key_derived_for_their_salt() -> None:
    token = signer().issue(Purpose.CONFIRM, uuid4())
    assert len(token.rsplit(".", 1)[1]) == 43  # 32 bytes of HMAC-SHA256, base64 unpadded
    assert derived_sha256().loads(token)[0] == "confirm"
    with pytest.raises(Exception, match="Signature"):
        URLSafeTimedSerializer(SECRET, salt="kit.tests").loads(token)  # the old SHA-1 form


def test_a_token_keyed_by_the_raw_secret_is_refused() -> None:
    """The secret itself signs nothing: only the key derived from it for this salt does."""
    raw_sha256 = URLSafeTimedSerializer(
        SECRET, salt="kit.tests", signer_kwargs={"digest_method": hashlib.sha256}
    )
    with pytest.raises(TokenInvalidError):
        signer().read(raw_sha256.dumps(["confirm", str(uuid4())]), max_age=60)


def test_after_rotation_links_signed_with_a_previous_secret_still_verify() -> None:
    subject = uuid4()
    old, new = "o" * 40, "n" * 40
    issued_before = Signer(old, salt="kit.tests", purposes=Purpose).issue(Purpose.CONFIRM, subject)
    rotated = Signer(SecretKeys(new, (old,)), salt="kit.tests", purposes=Purpose)
    assert rotated.subject(issued_before, Purpose.CONFIRM, max_age=60) == subject
    issued_after = rotated.issue(Purpose.CONFIRM, subject)
    assert derived_sha256(new).loads(issued_after)[1] == str(subject)  # signed with the newest
    with pytest.raises(TokenInvalidError):
        Signer(old, salt="kit.tests", purposes=Purpose).read(issued_after, max_age=60)
    dropped = Signer(SecretKeys(new), salt="kit.tests", purposes=Purpose)
    with pytest.raises(TokenInvalidError):
        dropped.read(issued_before, max_age=60)


def legacy_token(secret: str = SECRET) -> tuple[str, str]:
    subject = str(uuid4())
    return URLSafeTimedSerializer(secret, salt="kit.tests").dumps(["confirm", subject]), subject


def test_links_in_the_old_form_are_read_while_legacy_is_on() -> None:
    """Links sent before keys were derived (HMAC-SHA1, raw secret) keep working until they
    expire, also after the secret that signed them became a previous one."""
    token, subject = legacy_token()
    legacy = Signer(SECRET, salt="kit.tests", purposes=Purpose, legacy=True)
    assert str(legacy.subject(token, Purpose.CONFIRM, max_age=60)) == subject
    rotated = Signer(
        SecretKeys("n" * 40, (SECRET,)), salt="kit.tests", purposes=Purpose, legacy=True
    )
    assert str(rotated.subject(token, Purpose.CONFIRM, max_age=60)) == subject
    with pytest.raises(TokenExpiredError):
        legacy.read(token, max_age=-1)


def test_links_in_the_old_form_are_refused_when_legacy_is_off_or_their_secret_is_gone() -> None:
    token, _subject = legacy_token()
    with pytest.raises(TokenInvalidError):
        signer().read(token, max_age=60)
    elsewhere = Signer("n" * 40, salt="kit.tests", purposes=Purpose, legacy=True)
    with pytest.raises(TokenInvalidError):
        elsewhere.read(token, max_age=60)


def test_the_old_form_is_never_issued() -> None:
    legacy = Signer(SECRET, salt="kit.tests", purposes=Purpose, legacy=True)
    assert derived_sha256().loads(legacy.issue(Purpose.CONFIRM, uuid4()))[0] == "confirm"
