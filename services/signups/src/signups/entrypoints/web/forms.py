"""Posted HTML forms: read them into the API's request models and say, per field, what is wrong.

The forms validate with the same models as the JSON API; only the messages differ. Each message
is an English msgid, translated when the page is rendered.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.datastructures import FormData

from signups.entrypoints.schemas import Email

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


EMAIL_FORMAT = "Enter your email address in the correct format, like name@example.com"
EMAIL_TOO_LONG = "Email address must be 254 characters or fewer"
POSTCODE_INVALID = "Enter a real UK postcode, like SW1A 1AA"
CHOOSE_FROM_LIST = "Choose from the options shown"
LANGUAGE = Messages("Choose English or Welsh", "Choose English or Welsh")
OTHERWISE = Messages("Check this answer", "Check this answer")

VOLUNTEER: Mapping[str, Messages] = {
    "name": Messages("Enter your name", "Enter your name", "Name must be 200 characters or fewer"),
    "email": Messages("Enter your email address", EMAIL_FORMAT, EMAIL_TOO_LONG),
    "postcode": Messages("Enter your postcode", POSTCODE_INVALID),
    "phone": Messages(
        "Enter a phone number, like 01632 960 001 or 07700 900 982",
        "Enter a phone number, like 01632 960 001 or 07700 900 982",
        "Phone number must be 20 characters or fewer",
    ),
    "interests": Messages(CHOOSE_FROM_LIST, CHOOSE_FROM_LIST),
    "availability": Messages(CHOOSE_FROM_LIST, CHOOSE_FROM_LIST),
    "travel_radius_km": Messages(
        "Enter how far you could travel, in kilometres",
        "Enter a whole number of kilometres from 1 to 200",
    ),
    "language": LANGUAGE,
}

ORGANISATION: Mapping[str, Messages] = {
    "name": Messages(
        "Enter the name of your organisation",
        "Enter the name of your organisation",
        "Organisation name must be 200 characters or fewer",
    ),
    "organisation_type": Messages(
        "Choose the type of organisation", "Choose the type of organisation"
    ),
    "contact_name": Messages(
        "Enter the name of the person we should contact",
        "Enter the name of the person we should contact",
        "Contact name must be 200 characters or fewer",
    ),
    "contact_email": Messages("Enter the contact's email address", EMAIL_FORMAT, EMAIL_TOO_LONG),
    "postcode": Messages("Enter your organisation's postcode", POSTCODE_INVALID),
    "language": LANGUAGE,
    "pledge": Messages(
        "Enter your pledge", "Enter your pledge", "Your pledge must be 2,000 characters or fewer"
    ),
    "pledge_categories": Messages(CHOOSE_FROM_LIST, CHOOSE_FROM_LIST),
}

FORGET: Mapping[str, Messages] = {
    "email": Messages("Enter your email address", EMAIL_FORMAT, EMAIL_TOO_LONG),
}

ALL: tuple[Mapping[str, Messages], ...] = (VOLUNTEER, ORGANISATION, FORGET, {"": OTHERWISE})


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def texts(form: FormData, name: str) -> list[str]:
    return [value for value in form.getlist(name) if isinstance(value, str)]


def ticked(form: FormData, name: str) -> bool:
    return bool(text(form, name))


def from_a_bot(form: FormData) -> bool:
    return bool(text(form, HONEYPOT).strip())


def volunteer_input(form: FormData) -> dict[str, Any]:
    """The join form as `SignupCreate` reads it (and as the page shows it again)."""
    return {
        "name": text(form, "name"),
        "email": text(form, "email"),
        "postcode": text(form, "postcode"),
        "phone": text(form, "phone").strip() or None,
        "interests": texts(form, "interests"),
        "availability": texts(form, "availability"),
        "travel_radius_km": text(form, "travel_radius_km").strip(),
        "language": text(form, "language") or "en",
        "consent_matched_events": ticked(form, "consent_matched_events"),
        "consent_news": ticked(form, "consent_news"),
        "connector": ticked(form, "connector"),
    }


def organisation_input(form: FormData) -> dict[str, Any]:
    """The organisation form as `OrganisationCreate` reads it."""
    return {
        "name": text(form, "name"),
        "organisation_type": text(form, "organisation_type"),
        "contact_name": text(form, "contact_name"),
        "contact_email": text(form, "contact_email"),
        "postcode": text(form, "postcode"),
        "language": text(form, "language") or "en",
        "pledge": text(form, "pledge"),
        "pledge_categories": texts(form, "pledge_categories"),
    }


def check(
    model: type[M], data: dict[str, Any], messages: Mapping[str, Messages]
) -> tuple[M | None, dict[str, str]]:
    """The validated model, or `None` and a message for each field in error, in form order."""
    try:
        return model.model_validate(data), {}
    except ValidationError as error:
        return None, field_errors(error, data, messages)


_EMAIL: TypeAdapter[str] = TypeAdapter(Email)


def check_email(raw: str) -> tuple[str | None, dict[str, str]]:
    """A normalised email address, or `None` and the message for the `email` field."""
    try:
        return str(_EMAIL.validate_python(raw)), {}
    except ValidationError as error:
        return None, field_errors(error, {"email": raw}, FORGET, field="email")


def field_errors(
    error: ValidationError,
    data: Mapping[str, Any],
    messages: Mapping[str, Messages],
    *,
    field: str | None = None,
) -> dict[str, str]:
    """The first message per field; `field` names the field when the value stood alone."""
    found: dict[str, str] = {}
    for detail in error.errors():
        name = field or (str(detail["loc"][0]) if detail["loc"] else "")
        if name not in found:
            said = messages.get(name, OTHERWISE)
            found[name] = said.for_error(detail["type"], data.get(name))
    ordered = [name for name in messages if name in found]
    return {name: found[name] for name in [*ordered, *(n for n in found if n not in ordered)]}
