"""What production refuses in every service's settings: short or placeholder secrets, previous
secrets or admin keys under 32 characters, development pages."""

import pytest
from pydantic import SecretStr, ValidationError
from pydantic_settings import SettingsConfigDict
from together_kit.keys import SecretKeys
from together_kit.settings import DEVELOPMENT_SECRET, ServiceSettings

pytestmark = pytest.mark.unit

REAL = "r" * 40


@pytest.fixture(autouse=True)
def real_erasure_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Production also refuses the placeholder erasure key; these tests are about the others."""
    monkeypatch.setenv("ERASURE_KEY", "e" * 40)
    monkeypatch.setenv("SITE_KEY", "s" * 40)


class Example(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="EXAMPLE_")

    service_name: str = "example"
    port: int = 8999
    admin_api_key: SecretStr | None = None
    export_admin_key: SecretStr | None = None
    dev_pages: bool = False


def test_the_secret_keys_are_the_current_and_the_previous_ones() -> None:
    settings = Example(secret_key=REAL, previous_secret_keys=f"{'a' * 40}, {'b' * 40}")
    assert settings.secret_keys() == SecretKeys(REAL, ("a" * 40, "b" * 40))
    assert Example(secret_key=REAL).secret_keys() == SecretKeys(REAL)


def test_the_previous_secret_keys_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EXAMPLE_PREVIOUS_SECRET_KEYS", f"{'a' * 40},{'b' * 40}")
    assert Example().secret_keys().previous == ("a" * 40, "b" * 40)
    assert Example().legacy_links is True


@pytest.mark.parametrize("secret", [DEVELOPMENT_SECRET, "short"])
def test_production_refuses_a_placeholder_or_short_secret(secret: str) -> None:
    with pytest.raises(ValidationError, match="EXAMPLE_SECRET_KEY"):
        Example(environment="production", secret_key=secret)


def test_production_refuses_a_short_previous_secret() -> None:
    with pytest.raises(ValidationError, match="EXAMPLE_PREVIOUS_SECRET_KEYS"):
        Example(environment="production", secret_key=REAL, previous_secret_keys=f"{'a' * 40},b")


@pytest.mark.parametrize("key", ["k" * 31, "", "k" * 16])
def test_production_refuses_an_admin_key_under_32_characters(key: str) -> None:
    with pytest.raises(ValidationError, match="EXAMPLE_ADMIN_API_KEY"):
        Example(environment="production", secret_key=REAL, admin_api_key=key)


def test_production_refuses_any_short_admin_key_setting() -> None:
    with pytest.raises(ValidationError, match="EXAMPLE_EXPORT_ADMIN_KEY"):
        Example(environment="production", secret_key=REAL, export_admin_key="k" * 20)


def test_production_refuses_development_pages() -> None:
    with pytest.raises(ValidationError, match="EXAMPLE_DEV_PAGES"):
        Example(environment="production", secret_key=REAL, dev_pages=True)


def test_production_accepts_long_keys_and_no_admin_key() -> None:
    settings = Example(
        environment="production",
        secret_key=REAL,
        previous_secret_keys="p" * 32,
        admin_api_key="k" * 32,
    )
    assert settings.admin_api_key is not None
    assert Example(environment="production", secret_key=REAL).admin_api_key is None


@pytest.mark.parametrize("environment", ["development", "test"])
def test_outside_production_short_keys_and_dev_pages_are_fine(environment: str) -> None:
    settings = Example(
        environment=environment, admin_api_key="k", dev_pages=True, previous_secret_keys="p"
    )
    assert settings.dev_pages
