from enum import StrEnum
from uuid import uuid4

import pytest
from itsdangerous import URLSafeTimedSerializer
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


def test_the_claims_are_laid_out_as_before() -> None:
    """Links already sent keep working: `[purpose, subject]`, or with a nonce after them."""
    subject = uuid4()
    raw = URLSafeTimedSerializer(SECRET, salt="kit.tests")
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
        URLSafeTimedSerializer(SECRET, salt="kit.tests").dumps(["unknown", str(uuid4())]),
        URLSafeTimedSerializer(SECRET, salt="kit.tests").dumps(["confirm", "not-a-uuid"]),
        URLSafeTimedSerializer(SECRET, salt="kit.tests").dumps(7),
    ],
)
def test_a_forged_or_foreign_token_is_invalid(token: str) -> None:
    with pytest.raises(TokenInvalidError):
        signer().read(token, max_age=60)


def test_an_old_token_has_expired() -> None:
    tokens = signer()
    token = tokens.issue(Purpose.CONFIRM, uuid4())
    with pytest.raises(TokenExpiredError):
        tokens.read(token, max_age=-1)


def test_a_signer_without_nonces_refuses_one() -> None:
    with pytest.raises(ValueError, match="nonce"):
        signer().issue(Purpose.CONFIRM, uuid4(), "n")
