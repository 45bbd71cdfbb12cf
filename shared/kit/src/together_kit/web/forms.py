"""Posted HTML forms: read their values and say, per field, what is wrong.

A form validates with the same pydantic model as the JSON API; only the messages differ. A
service keeps a table of `Messages` per form field; each message is an English msgid, translated
when the page is rendered.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from starlette.datastructures import FormData

M = TypeVar("M", bound=BaseModel)

HONEYPOT = "website"
"""A field people never see or fill in; a form that arrives with it filled in came from a bot.
The `honeypot()` macro of the kit's `fields.html` renders it."""


@dataclass(frozen=True)
class Messages:
    """What to say about one field: nothing entered, wrong, too long, or against a rule."""

    missing: str
    invalid: str
    too_long: str | None = None
    rule: str | None = None

    def for_error(self, error_type: str, entered: object) -> str:
        """The message for a pydantic error of `error_type`; an unticked box is nothing entered."""
        if (
            entered is None
            or entered is False
            or (isinstance(entered, str) and not entered.strip())
        ):
            return self.missing
        if error_type == "string_too_long" and self.too_long:
            return self.too_long
        if error_type == "value_error" and self.rule:
            return self.rule
        return self.invalid


CHECK = Messages("Check this answer", "Check this answer")
"""For a field no table names (or an error of the whole form, under the name `""`)."""

EMAIL_FORMAT = "Enter your email address in the correct format, like name@example.com"
EMAIL_TOO_LONG = "Email address must be 254 characters or fewer"
EMAIL = Messages("Enter your email address", EMAIL_FORMAT, EMAIL_TOO_LONG)

MESSAGES: tuple[Messages, ...] = (CHECK, EMAIL)
"""The kit's own messages, whose Welsh is in the kit's catalogue."""


def texts_of(messages: Messages) -> set[str]:
    """Every msgid one field's messages can show."""
    said = (messages.missing, messages.invalid, messages.too_long, messages.rule)
    return {text for text in said if text}


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def texts(form: FormData, name: str) -> list[str]:
    return [value for value in form.getlist(name) if isinstance(value, str)]


def ticked(form: FormData, name: str) -> bool:
    return bool(text(form, name))


def from_a_bot(form: FormData) -> bool:
    return bool(text(form, HONEYPOT).strip())


def check(
    model: type[M], data: Mapping[str, Any], messages: Mapping[str, Messages]
) -> tuple[M | None, dict[str, str]]:
    """The validated model, or `None` and a message for each field in error, in form order."""
    try:
        return model.model_validate(data), {}
    except ValidationError as error:
        return None, field_errors(error.errors(), data, messages)


def field_errors(
    errors: Iterable[ErrorDetails],
    data: Mapping[str, Any],
    messages: Mapping[str, Messages],
    *,
    field: str | None = None,
    form_fields: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The first message per form field, the fields in `messages` order and any others after.

    An error's field is the first part of its location, renamed by `form_fields` where the form
    asks for a value in another field than the model's (`field` names it when a value stood
    alone); what was entered is read from `data` under the model's name.
    """
    renamed = form_fields or {}
    found: dict[str, str] = {}
    for detail in errors:
        name = field or (str(detail["loc"][0]) if detail["loc"] else "")
        shown = renamed.get(name, name)
        if shown not in found:
            said = messages.get(shown, CHECK)
            found[shown] = said.for_error(detail["type"], data.get(name))
    return {name: found[name] for name in [*messages, *found] if name in found}
