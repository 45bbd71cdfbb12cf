from typing import Annotated

import pytest
from pydantic import BaseModel, Field, ValidationError, field_validator
from starlette.datastructures import FormData
from together_kit.web.forms import (
    CHECK,
    EMAIL,
    HONEYPOT,
    Messages,
    check,
    field_errors,
    from_a_bot,
    text,
    texts,
    texts_of,
    ticked,
)

pytestmark = pytest.mark.unit


class Signup(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=5)]
    age: int
    agreed: bool
    starts: str = ""

    @field_validator("agreed")
    @classmethod
    def must_agree(cls, value: bool) -> bool:
        if not value:
            raise ValueError("agree")
        return value


MESSAGES = {
    "age": Messages("Enter your age", "Enter your age in years"),
    "name": Messages("Enter your name", "Enter a real name", "Too long", rule="Not that name"),
    "agreed": Messages("Agree to go on", "Agree to go on"),
}


def test_a_message_for_each_kind_of_error() -> None:
    said = Messages("missing", "invalid", "too long", rule="rule")
    assert said.for_error("string_too_short", None) == "missing"
    assert said.for_error("string_too_short", "  ") == "missing"
    assert said.for_error("bool_type", False) == "missing"
    assert said.for_error("string_too_long", "abcdef") == "too long"
    assert said.for_error("value_error", "x") == "rule"
    assert said.for_error("int_parsing", "x") == "invalid"
    plain = Messages("missing", "invalid")
    assert plain.for_error("string_too_long", "abcdef") == "invalid"
    assert plain.for_error("value_error", "x") == "invalid"
    assert texts_of(said) == {"missing", "invalid", "too long", "rule"}
    assert texts_of(EMAIL) == {EMAIL.missing, EMAIL.invalid, EMAIL.too_long}


def test_a_valid_form_gives_its_model() -> None:
    model, errors = check(Signup, {"name": "Dai", "age": "40", "agreed": True}, MESSAGES)
    assert model == Signup(name="Dai", age=40, agreed=True)
    assert errors == {}


def test_errors_come_one_per_field_in_the_tables_order_then_the_rest() -> None:
    data = {"name": "Gwenllian", "age": "", "agreed": False, "starts": 3}
    model, errors = check(Signup, data, MESSAGES)
    assert model is None
    assert list(errors.items()) == [
        ("age", "Enter your age"),
        ("name", "Too long"),
        ("agreed", "Agree to go on"),
        ("starts", CHECK.missing),
    ]


def test_a_field_can_be_renamed_or_named_for_a_lone_value() -> None:
    with pytest.raises(ValidationError) as raised:
        Signup.model_validate({"name": "Dai", "age": "x", "agreed": True})
    renamed = field_errors(raised.value.errors(), {"age": "x"}, {}, form_fields={"age": "years"})
    assert renamed == {"years": CHECK.invalid}
    alone = field_errors(raised.value.errors(), {"email": ""}, {"email": EMAIL}, field="email")
    assert alone == {"email": EMAIL.missing}


def test_form_values_are_read_as_text() -> None:
    form = FormData(
        [("name", "Dai"), ("tick", "yes"), ("many", "a"), ("many", "b"), (HONEYPOT, " ")]
    )
    assert text(form, "name") == "Dai"
    assert text(form, "absent") == ""
    assert texts(form, "many") == ["a", "b"]
    assert ticked(form, "tick")
    assert not ticked(form, "absent")
    assert not from_a_bot(form)
    assert from_a_bot(FormData([(HONEYPOT, "http://spam.example")]))
