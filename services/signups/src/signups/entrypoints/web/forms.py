"""Posted HTML forms: read them into the API's request models and say, per field, what is wrong.

The forms validate with the same models as the JSON API; only the messages differ. Each message
is an English msgid, translated when the page is rendered.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError
from starlette.datastructures import FormData
from together_contracts.emails import TypedEmail
from together_kit.web.forms import (
    CHECK,
    EMAIL,
    EMAIL_FORMAT,
    EMAIL_TOO_LONG,
    Messages,
    field_errors,
    text,
    texts,
    ticked,
)

from signups.domain import phones

POSTCODE_INVALID = "Enter a real UK postcode, like SW1A 1AA"
CHOOSE_FROM_LIST = "Choose from the options shown"
DISTRICTS_INVALID = "Enter up to 5 postcode districts, like M1 or CF10, separated by commas"
LANGUAGE = Messages("Choose English or Welsh", "Choose English or Welsh")
CHANNELS_INVALID = "Choose email, text messages or both"
PHONE = Messages(
    "Enter a UK mobile number for text messages, like 07700 900 982",
    "Enter a phone number, like 01632 960 001 or 07700 900 982",
    "Phone number must be 20 characters or fewer",
    "Text messages need a UK mobile number, like 07700 900 982",
)
CHANNEL_LABELS: Mapping[str, str] = {
    "email": "By email",
    "sms": "By text message",
    "email sms": "By email and by text message",
}
"""The radio group that stands for the API's `channels` list: each value is the list, spaced."""

VOLUNTEER: Mapping[str, Messages] = {
    "name": Messages("Enter your name", "Enter your name", "Name must be 200 characters or fewer"),
    "email": EMAIL,
    "postcode": Messages("Enter your postcode", POSTCODE_INVALID),
    "channels": Messages(CHANNELS_INVALID, CHANNELS_INVALID),
    "phone": PHONE,
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
    "pledge_districts": Messages(DISTRICTS_INVALID, DISTRICTS_INVALID),
}

PROGRESS: Mapping[str, Messages] = {
    "text": Messages(
        "Enter your progress update",
        "Enter your progress update",
        "Your update must be 2,000 characters or fewer",
    ),
}

FORGET: Mapping[str, Messages] = {"email": EMAIL}

SIGN_IN: Mapping[str, Messages] = {
    "contact": Messages(
        "Enter your email address or mobile number",
        "Enter an email address, like name@example.com, or a UK mobile number, like 07700 900 982",
    )
}

REACH: Mapping[str, Messages] = {
    "channels": Messages(CHANNELS_INVALID, CHANNELS_INVALID),
    "phone": PHONE,
}

SIGNATURE: Mapping[str, Messages] = {
    "kind": Messages(
        "Choose whether you sign as a person or for an organisation",
        "Choose whether you sign as a person or for an organisation",
    ),
    "name": Messages(
        "Enter your name, or your organisation's",
        "Enter your name, or your organisation's",
        "Name must be 200 characters or fewer",
    ),
    "town": Messages(
        "Enter your town, or leave it empty",
        "Enter your town, or leave it empty",
        "Town must be 100 characters or fewer",
    ),
    "email": EMAIL,
    "nation": Messages("Choose where you live or work", "Choose where you live or work"),
    "language": LANGUAGE,
}

ALL: tuple[Mapping[str, Messages], ...] = (
    VOLUNTEER,
    REACH,
    ORGANISATION,
    FORGET,
    SIGN_IN,
    SIGNATURE,
    PROGRESS,
    {"": CHECK},
)


def volunteer_input(form: FormData) -> dict[str, Any]:
    """The join form as `SignupCreate` reads it (and as the page shows it again)."""
    return {
        "name": text(form, "name"),
        "email": text(form, "email"),
        "postcode": text(form, "postcode"),
        **reach_input(form),
        "interests": texts(form, "interests"),
        "availability": texts(form, "availability"),
        "travel_radius_km": text(form, "travel_radius_km").strip(),
        "language": text(form, "language") or "en",
        "consent_matched_events": ticked(form, "consent_matched_events"),
        "consent_news": ticked(form, "consent_news"),
        "connector": ticked(form, "connector"),
    }


def reach_input(form: FormData) -> dict[str, Any]:
    """The channels and phone fields as `SignupCreate` and `ReachChange` read them: email when
    no channel was chosen (the join form's default); a choice it does not offer stays wrong."""
    return {
        "channels": (text(form, "channels") or "email").split(),
        "phone": text(form, "phone").strip() or None,
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
        "pledge_districts": text(form, "pledge_districts").replace(",", " ").split(),
    }


def signature_input(form: FormData) -> dict[str, Any]:
    """The open letter's form as `SignatureCreate` reads it."""
    return {
        "kind": text(form, "kind"),
        "name": text(form, "name"),
        "town": text(form, "town").strip() or None,
        "email": text(form, "email"),
        "nation": text(form, "nation"),
        "public": ticked(form, "public"),
        "invite": ticked(form, "invite"),
        "language": text(form, "language") or "en",
    }


_EMAIL: TypeAdapter[str] = TypeAdapter(TypedEmail)


def check_email(raw: str) -> tuple[str | None, dict[str, str]]:
    """A normalised email address, or `None` and the message for the `email` field."""
    try:
        return str(_EMAIL.validate_python(raw)), {}
    except ValidationError as error:
        return None, field_errors(error.errors(), {"email": raw}, FORGET, field="email")


@dataclass(frozen=True)
class Contact:
    """How someone asking for a sign-in link is reached: an address, or a mobile in E.164."""

    channel: Literal["email", "sms"]
    to: str


def check_contact(raw: str) -> tuple[Contact | None, dict[str, str]]:
    """The sign-in form's one field: an email address when it holds an "@" (checked as the
    `email` field is), else a UK mobile in any form people write it; or `None` and the message
    for the `contact` field."""
    if "@" in raw:
        email, errors = check_email(raw)
        if email is None:
            return None, {"contact": errors["email"]}
        return Contact("email", email), {}
    try:
        phone = phones.e164(raw)
    except phones.NotAPhoneNumberError:
        phone = None
    if phone is None or not phones.uk_mobile(phone):
        said = SIGN_IN["contact"]
        return None, {"contact": said.invalid if raw.strip() else said.missing}
    return Contact("sms", phone), {}
