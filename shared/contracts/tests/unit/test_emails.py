import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError
from together_contracts import VolunteerRegisteredData
from together_contracts.emails import MAX_LENGTH, Email, TypedEmail, ValidEmail

pytestmark = pytest.mark.unit

EMAIL: TypeAdapter[str] = TypeAdapter(Email)
TYPED: TypeAdapter[str] = TypeAdapter(TypedEmail)


class Form(BaseModel):
    email: TypedEmail


def test_a_checked_address_is_normalised_and_marked() -> None:
    checked = EMAIL.validate_python("Ann@Example.ORG")

    assert checked == "Ann@example.org"
    assert type(checked) is ValidEmail


def test_a_checked_address_passes_through_again_unchanged() -> None:
    checked = EMAIL.validate_python("ann@example.org")

    assert EMAIL.validate_python(checked) is checked
    data = VolunteerRegisteredData(
        person_id="00000000-0000-4000-8000-000000000001", name="Ann", email=checked
    )  # type: ignore[arg-type]
    assert data.email is checked


@pytest.mark.parametrize(
    "value", ["nope", "ann@", "ann@example", "a@b@example.org", "ann\n@example.org"]
)
def test_a_plain_string_is_always_checked(value: str) -> None:
    with pytest.raises(ValidationError) as raised:
        EMAIL.validate_python(value)

    assert raised.value.errors()[0]["type"] == "value_error"


def test_json_cannot_carry_a_checked_address_past_the_check() -> None:
    assert type(EMAIL.validate_json('"ann@example.org"')) is ValidEmail
    with pytest.raises(ValidationError):
        EMAIL.validate_json('"not an address"')


def test_a_typed_address_is_trimmed_and_lowercased() -> None:
    assert Form(email="  Ann.Jones@Example.ORG ").email == "ann.jones@example.org"


def test_a_typed_address_too_long_is_refused_at_its_field() -> None:
    with pytest.raises(ValidationError) as raised:
        Form(email="a" * 60 + "@" + "b" * 190 + ".example.org")

    assert raised.value.errors()[0]["loc"] == ("email",)
    assert len("a" * 60 + "@" + "b" * 190 + ".example.org") > MAX_LENGTH


def test_the_json_schema_says_email() -> None:
    assert EMAIL.json_schema() == {"type": "string", "format": "email"}
    assert TYPED.json_schema() == {"type": "string", "format": "email", "maxLength": MAX_LENGTH}
