"""The posted event form: read it into `EventCreate` and say, per field, what is wrong; and the
marks of the attendance form.

The form validates with the API's model; only the messages differ. Each message is an English
msgid, translated when the page is rendered. Dates and times arrive as separate inputs and are
read as Europe/London time.
"""

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData
from together_kit.web.forms import EMAIL, Messages, field_errors, text

from matching.entrypoints.schemas import FULL_POSTCODE, VENUE_MISSING, EventCreate, EventEdit

EVENT: Mapping[str, Messages] = {
    "title": Messages(
        "Enter the event's title",
        "Enter the event's title",
        "The title must be 200 characters or fewer",
    ),
    "description": Messages(
        "Describe the event and what volunteers will do",
        "Describe the event and what volunteers will do",
        "The description must be 5,000 characters or fewer",
    ),
    "event_type": Messages("Choose the kind of event", "Choose the kind of event"),
    "start_date": Messages(
        "Enter the date and time the event starts",
        "Enter a real date and time, like 6 March 2027 at 12:00",
        rule="The start must be in the future",
    ),
    "end_date": Messages(
        "Enter the date and time the event ends",
        "Enter a real date and time, like 6 March 2027 at 14:30",
        rule="The end must be after the start",
    ),
    "where": Messages(
        "Say whether the event is at a venue or online",
        "Say whether the event is at a venue or online",
    ),
    "postcode": Messages(
        "Enter the venue's postcode", "Enter a real UK postcode, like M1 1AE", rule=FULL_POSTCODE
    ),
    "venue_name": Messages(
        VENUE_MISSING["venue_name"],
        VENUE_MISSING["venue_name"],
        "The venue's name must be 200 characters or fewer",
    ),
    "address_line_1": Messages(
        VENUE_MISSING["address_lines"],
        VENUE_MISSING["address_lines"],
        "Each address line must be 100 characters or fewer",
    ),
    "town": Messages(
        VENUE_MISSING["town"], VENUE_MISSING["town"], "The town must be 100 characters or fewer"
    ),
    "joining_url": Messages(
        "Enter the link people use to join the online event",
        "Enter the joining link in full, starting with https://",
        "The joining link must be 500 characters or fewer",
        rule="Enter the joining link in full, starting with https://",
    ),
    "arrival_notes": Messages(
        "Check the arrival notes",
        "Check the arrival notes",
        "Arrival notes must be 1,000 characters or fewer",
    ),
    "places": Messages(
        "Enter how many volunteers you need", "Enter a whole number of volunteers from 1 to 1,000"
    ),
    "roles": Messages("Check the roles", "Each role must be 100 characters or fewer"),
    "accessibility": Messages(
        "Check the access information",
        "Check the access information",
        "Access information must be 1,000 characters or fewer",
    ),
    "organiser_name": Messages(
        "Enter your name", "Enter your name", "Your name must be 200 characters or fewer"
    ),
    "organiser_email": EMAIL,
    "organiser_phone": Messages(
        "Enter a phone number, like 0161 496 0000",
        "Enter a phone number, like 0161 496 0000",
        "Enter a phone number, like 0161 496 0000",
        rule="Enter a phone number, like 0161 496 0000",
    ),
    "language": Messages("Choose the event's language", "Choose the event's language"),
}
MESSAGE = Messages(
    "Write your message", "Write your message", "Your message must be 1,000 characters or fewer"
)
VENUE_FIELDS = (
    "where",
    "venue_name",
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "town",
    "postcode",
    "joining_url",
    "arrival_notes",
    "address_public",
    "accessibility",
)
EDIT_FIELDS = (
    "title",
    "description",
    "start_date",
    "start_time",
    "end_date",
    "end_time",
    "places",
    *VENUE_FIELDS,
)
UNKNOWN_POSTCODE = "We could not find this postcode. Check it and try again"
FIELDS = (
    "title",
    "description",
    "event_type",
    "start_date",
    "start_time",
    "end_date",
    "end_time",
    *VENUE_FIELDS,
    "places",
    "roles",
    "organiser_name",
    "organiser_email",
    "organiser_phone",
    "language",
)
FORM_FIELD = {
    "starts_at": "start_date",
    "ends_at": "end_date",
    "online": "where",
    "address_lines": "address_line_1",
}


def event_values(form: FormData, fields: tuple[str, ...] = FIELDS) -> dict[str, str]:
    """What was entered, by form field, to show again."""
    return {name: text(form, name) for name in fields}


def venue_input(values: Mapping[str, str]) -> dict[str, Any]:
    """The venue's form fields as the models read them."""
    where = values["where"]
    lines = (values[f"address_line_{n}"] for n in (1, 2, 3))
    return {
        "postcode": values["postcode"] if where == "venue" else None,
        "online": where == "online",
        "venue_name": values["venue_name"] if where == "venue" else "",
        "address_lines": [line for line in lines if line.strip()] if where == "venue" else [],
        "town": values["town"] if where == "venue" else "",
        "joining_url": values["joining_url"] if where == "online" else "",
        "arrival_notes": values["arrival_notes"],
        "address_public": bool(values["address_public"]) and where == "venue",
        "accessibility": values["accessibility"],
    }


def event_input(values: Mapping[str, str]) -> dict[str, Any]:
    """The form's values as `EventCreate` reads them."""
    roles = [line for line in values["roles"].splitlines() if line.strip()]
    return {
        "title": values["title"],
        "description": values["description"],
        "event_type": values["event_type"],
        "starts_at": _when(values["start_date"], values["start_time"]),
        "ends_at": _when(values["end_date"] or values["start_date"], values["end_time"]),
        **venue_input(values),
        "places": values["places"].strip(),
        "roles": roles,
        "organiser_name": values["organiser_name"],
        "organiser_email": values["organiser_email"],
        "organiser_phone": values["organiser_phone"],
        "language": values["language"] or "en",
    }


def edit_input(values: Mapping[str, str]) -> dict[str, Any]:
    """The organiser page's edit form as `EventEdit` reads it."""
    return {
        "title": values["title"],
        "description": values["description"],
        "starts_at": _when(values["start_date"], values["start_time"]),
        "ends_at": _when(values["end_date"] or values["start_date"], values["end_time"]),
        "places": values["places"].strip(),
        **venue_input(values),
    }


def check_edit(values: Mapping[str, str]) -> tuple[EventEdit | None, dict[str, str]]:
    data = edit_input(values)
    try:
        return EventEdit.model_validate(data), {}
    except ValidationError as error:
        return None, event_errors(error, data)


def _when(date: str, time: str) -> str:
    return f"{date.strip()}T{time.strip()}" if date.strip() and time.strip() else ""


def check(values: Mapping[str, str]) -> tuple[EventCreate | None, dict[str, str]]:
    data = event_input(values)
    try:
        return EventCreate.model_validate(data), {}
    except ValidationError as error:
        return None, event_errors(error, data)


def event_errors(error: ValidationError, data: Mapping[str, Any]) -> dict[str, str]:
    """Per form field; "give a postcode or say online" speaks only when no postcode was given,
    and then as a missing choice of where."""
    venue_given = data.get("postcode") is not None
    errors = [
        detail
        for detail in error.errors()
        if not (venue_given and detail["loc"] and detail["loc"][0] == "online")
    ]
    return field_errors(errors, {**data, "online": None}, EVENT, form_fields=FORM_FIELD)


def attendance_marks(form: FormData) -> dict[str, bool]:
    """Who came, by place: each `place-<id>` field marked "came" or "missed" (others ignored)."""
    return {
        str(name).removeprefix("place-"): value == "came"
        for name, value in form.multi_items()
        if str(name).startswith("place-") and value in ("came", "missed")
    }
