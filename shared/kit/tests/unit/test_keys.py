"""HKDF-SHA256 as RFC 5869 specifies it, and one key per purpose and secret."""

import pytest
from together_kit.keys import SecretKeys, hkdf_sha256, parse_previous

pytestmark = pytest.mark.unit

IKM = bytes.fromhex("0b" * 22)


def test_rfc_5869_test_case_1() -> None:
    okm = hkdf_sha256(
        IKM,
        salt=bytes.fromhex("000102030405060708090a0b0c"),
        info=bytes.fromhex("f0f1f2f3f4f5f6f7f8f9"),
        length=42,
    )
    assert okm == bytes.fromhex(
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
    )


def test_rfc_5869_test_case_3_no_salt_no_info() -> None:
    assert hkdf_sha256(IKM, info=b"", length=42) == bytes.fromhex(
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
    )


def test_rfc_5869_test_case_2_long_inputs_several_blocks() -> None:
    okm = hkdf_sha256(
        bytes(range(0x00, 0x50)),
        salt=bytes(range(0x60, 0xB0)),
        info=bytes(range(0xB0, 0x100)),
        length=82,
    )
    assert okm == bytes.fromhex(
        "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
        "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
        "cc30c58179ec3e87c14c01d5c1f3434f1d87"
    )


@pytest.mark.parametrize("length", [0, 255 * 32 + 1])
def test_a_length_hkdf_cannot_give_is_refused(length: int) -> None:
    with pytest.raises(ValueError, match="HKDF-SHA256"):
        hkdf_sha256(IKM, info=b"", length=length)


def test_each_purpose_and_each_secret_has_its_own_key() -> None:
    keys = SecretKeys("s" * 40)
    links, digests = keys.derive("together.signups.links"), keys.derive("together.digests")
    assert len(links) == 32
    assert links != digests
    assert links != ("s" * 40).encode()[:32]
    assert SecretKeys("t" * 40).derive("together.signups.links") != links
    assert SecretKeys("s" * 40).derive("together.signups.links") == links


def test_verifying_keys_are_oldest_first_and_the_current_last() -> None:
    keys = SecretKeys("new" * 12, previous=("oldest" * 6, "older" * 8))
    assert keys.verifying("p") == [
        SecretKeys("oldest" * 6).derive("p"),
        SecretKeys("older" * 8).derive("p"),
        keys.derive("p"),
    ]
    assert keys.secrets() == ["oldest" * 6, "older" * 8, "new" * 12]


def test_previous_secrets_are_comma_separated() -> None:
    assert parse_previous("") == ()
    assert parse_previous(" a , ,b,") == ("a", "b")
