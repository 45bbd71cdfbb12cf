"""Cleaned user text: what is removed, what is kept, and how pydantic and FastAPI see the types."""

from typing import Annotated

import pytest
from fastapi import FastAPI
from pydantic import BaseModel, ValidationError
from together_kit.http.text import clean_text, multi_line, single_line

pytestmark = pytest.mark.unit


class Story(BaseModel):
    title: Annotated[str, single_line(10)]
    body: Annotated[str, multi_line(40, min_length=0)] = ""


@pytest.mark.parametrize(
    ("raw", "single", "multi"),
    [
        ("nul\x00byte", "nulbyte", "nulbyte"),
        ("zero\u200bwidth", "zerowidth", "zerowidth"),
        ("\u202egnp.exe", "gnp.exe", "gnp.exe"),
        ("\ufeffbom", "bom", "bom"),
        ("bell\x07", "bell", "bell"),
        ("cafe\u0301", "caf\u00e9", "caf\u00e9"),
        ("  Ann   Jones  ", "Ann Jones", "Ann   Jones"),
        ("Ann\t\tJones", "Ann Jones", "Ann\t\tJones"),
        ("Ann\u00a0 Jones", "Ann Jones", "Ann\u00a0 Jones"),
        ("one\ntwo", "one two", "one\ntwo"),
        ("one\r\ntwo\rthree", "one two three", "one\ntwo\nthree"),
        ("one\u2028two", "one two", "one\ntwo"),
        ("one\x0btwo", "one two", "onetwo"),
        ("\n\n  para one\n\npara two  \n", "para one para two", "para one\n\npara two"),
        ("", "", ""),
    ],
)
def test_clean_text(raw: str, single: str, multi: str) -> None:
    assert clean_text(raw) == single
    assert clean_text(raw, multiline=True) == multi


def test_a_model_holds_the_cleaned_text() -> None:
    story = Story(title="  A\u200b  walk\x00 ", body="Line one\r\nLine\ttwo\u202e")
    assert story.title == "A walk"
    assert story.body == "Line one\nLine\ttwo"


def test_length_is_measured_after_cleaning() -> None:
    assert Story(title=" " * 20 + "ten chars!" + "\u200b" * 20).title == "ten chars!"
    with pytest.raises(ValidationError) as refused:
        Story(title=" \u200b\x00 ")
    [error] = refused.value.errors()
    assert error["loc"] == ("title",)
    assert error["type"] == "string_too_short"


def test_a_length_error_names_the_field() -> None:
    with pytest.raises(ValidationError) as refused:
        Story(title="ok", body="x" * 41)
    [error] = refused.value.errors()
    assert error["loc"] == ("body",)
    assert error["msg"] == "String should have at most 40 characters"
    assert "body" in str(refused.value)


def test_a_value_that_is_not_text_is_refused_as_such() -> None:
    with pytest.raises(ValidationError) as refused:
        Story.model_validate({"title": 42})
    assert refused.value.errors()[0]["type"] == "string_type"


def test_the_factories_also_work_written_alone_as_annotations() -> None:
    class Pledge(BaseModel):
        name: single_line(5)  # type: ignore[valid-type]
        pledge: multi_line(20)  # type: ignore[valid-type]

    assert Pledge(name=" Ann\u200b ", pledge="a\r\nb").model_dump() == {
        "name": "Ann",
        "pledge": "a\nb",
    }
    with pytest.raises(ValidationError) as refused:
        Pledge(name="Annabel", pledge=" ")
    assert [error["loc"] for error in refused.value.errors()] == [("name",), ("pledge",)]
    assert Pledge.model_json_schema()["properties"]["name"]["maxLength"] == 5


def test_json_schema_keeps_the_lengths() -> None:
    schema = Story.model_json_schema()["properties"]
    assert schema["title"] == {"type": "string", "minLength": 1, "maxLength": 10, "title": "Title"}
    assert schema["body"]["maxLength"] == 40
    assert schema["body"]["minLength"] == 0


def test_openapi_keeps_the_lengths() -> None:
    app = FastAPI()

    @app.post("/stories")
    async def create(story: Story) -> None:
        """Nothing to do: the schema is what is under test."""

    properties = app.openapi()["components"]["schemas"]["Story"]["properties"]
    assert properties["title"]["maxLength"] == 10
    assert properties["title"]["minLength"] == 1
    assert properties["body"]["maxLength"] == 40
