"""The posted story form: read it into the API's request model and say, per field, what is wrong.

The form validates with the same model as the JSON API; only the messages differ. Each message is
an English msgid, translated when the page is rendered.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

M = TypeVar("M", bound=BaseModel)

HONEYPOT = "website"
"""A field people never see or fill in; a form that arrives with it filled in came from a bot."""


@dataclass(frozen=True)
class Messages:
    """What to say about one field: when nothing was entered, when it is wrong, when too long."""

    missing: str
    invalid: str
    too_long: str | None = None

    def for_error(self, error_type: str, entered: object) -> str:
        if entered is None or (isinstance(entered, str) and not entered.strip()):
            return self.missing
        if error_type == "string_too_long" and self.too_long:
            return self.too_long
        return self.invalid


OTHERWISE = Messages("Check this answer", "Check this answer")

STORY: Mapping[str, Messages] = {
    "prompt": Messages(
        "Choose the question your story answers", "Choose the question your story answers"
    ),
    "title": Messages(
        "Give your story a title",
        "Give your story a title",
        "Title must be 200 characters or fewer",
    ),
    "text": Messages(
        "Write your story", "Write your story", "Your story must be 5,000 characters or fewer"
    ),
    "name": Messages(
        "Enter a name or pseudonym, or leave it empty",
        "Enter a name or pseudonym, or leave it empty",
        "Name must be 100 characters or fewer",
    ),
    "region": Messages(
        "Enter where you live: a nation or region, or the first half of your postcode",
        "Enter a UK nation or region, like Wales, or the first half of a postcode, like CF10",
    ),
    "language": Messages("Choose English or Welsh", "Choose English or Welsh"),
    "consent_to_publish": Messages(
        "Agree that your story can be published, or we cannot share it",
        "Agree that your story can be published, or we cannot share it",
    ),
    "email": Messages(
        "Enter your email address in the correct format, like name@example.com",
        "Enter your email address in the correct format, like name@example.com",
        "Email address must be 254 characters or fewer",
    ),
    "notify_outcome": OTHERWISE,
}

ALL: tuple[Mapping[str, Messages], ...] = (STORY, {"": OTHERWISE})


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def ticked(form: FormData, name: str) -> bool:
    return bool(text(form, name))


def from_a_bot(form: FormData) -> bool:
    return bool(text(form, HONEYPOT).strip())


def story_input(form: FormData) -> dict[str, Any]:
    """The story form as `StoryCreate` reads it (and as the page shows it again)."""
    return {
        "prompt": text(form, "prompt"),
        "title": text(form, "title"),
        "text": text(form, "text"),
        "name": text(form, "name").strip() or None,
        "region": text(form, "region"),
        "language": text(form, "language") or "en",
        "consent_to_publish": ticked(form, "consent_to_publish"),
        "email": text(form, "email").strip() or None,
        "notify_outcome": ticked(form, "notify_outcome"),
    }


def check(
    model: type[M], data: dict[str, Any], messages: Mapping[str, Messages]
) -> tuple[M | None, dict[str, str]]:
    """The validated model, or `None` and a message for each field in error, in form order."""
    try:
        return model.model_validate(data), {}
    except ValidationError as error:
        return None, field_errors(error, data, messages)


def field_errors(
    error: ValidationError, data: Mapping[str, Any], messages: Mapping[str, Messages]
) -> dict[str, str]:
    found: dict[str, str] = {}
    for detail in error.errors():
        name = str(detail["loc"][0]) if detail["loc"] else ""
        if name not in found:
            said = messages.get(name, OTHERWISE)
            entered = data.get(name)
            found[name] = said.for_error(detail["type"], None if entered is False else entered)
    ordered = [name for name in messages if name in found]
    return {name: found[name] for name in [*ordered, *(n for n in found if n not in ordered)]}
