"""The assisted sign-up form: the join form's fields and validation (`SignupCreate`), where the
email may be left out when a UK mobile is given, and where the consents came from."""

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from pydantic import Field, ValidationInfo, field_validator
from starlette.datastructures import FormData
from together_contracts.emails import TypedEmail
from together_kit.web.forms import Messages, text, ticked

from signups.domain.assisted import PAPER_FORM_VERSIONS, JoinedBy, Staff, Witness
from signups.domain.people import VolunteerDetails
from signups.domain.phones import uk_mobile
from signups.entrypoints.schemas import SignupCreate, texts_need_a_mobile
from signups.entrypoints.web import forms

FUTURE_DATE = "The date cannot be in the future"
NEITHER = "Enter an email address or a UK mobile number"
JOINED_BY_LABELS: Mapping[str, str] = {
    JoinedBy.PAPER.value: "On a paper form",
    JoinedBy.PHONE.value: "In a phone call",
}
FORM_VERSION_LABELS: Mapping[str, str] = {version: version for version in PAPER_FORM_VERSIONS}

ASSISTED: Mapping[str, Messages] = {
    **forms.VOLUNTEER,
    "phone": Messages(
        NEITHER,
        forms.PHONE.invalid,
        forms.PHONE.too_long,
        "Text messages need a UK mobile number, like 07700 900 982",
    ),
    "joined_by": Messages("Choose how they joined", "Choose how they joined"),
    "on": Messages(
        "Enter the date on the form or of the call",
        "Enter the date like 2026-12-01",
        None,
        FUTURE_DATE,
    ),
    "form_version": Messages("Choose the form version", "Choose the form version"),
    "agreed": Messages(
        "Confirm that the person agreed to what is ticked",
        "Confirm that the person agreed to what is ticked",
    ),
}


class AssistedSignupCreate(SignupCreate):
    """A volunteer staff sign up from a paper form or a phone call. Without an email their only
    channel is text, so a UK mobile is needed; with one, it is the join form's volunteer."""

    email: TypedEmail | None = None  # type: ignore[assignment]
    joined_by: JoinedBy
    on: date
    form_version: str = Field(json_schema_extra={"enum": list(PAPER_FORM_VERSIONS)})
    agreed: bool

    @field_validator("phone")
    @classmethod
    def _fits_channels(cls, phone: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("email") is None:
            if phone is None:
                raise ValueError(NEITHER)
            if not uk_mobile(phone):
                raise ValueError("texts need a UK mobile number (07… or +447…)")
            return phone
        return texts_need_a_mobile(phone, info.data.get("channels"))

    @field_validator("form_version")
    @classmethod
    def _printed(cls, version: str) -> str:
        if version not in PAPER_FORM_VERSIONS:
            raise ValueError("not a form version in use")
        return version

    @field_validator("agreed")
    @classmethod
    def _agreed(cls, agreed: bool) -> bool:
        if not agreed:
            raise ValueError("the person must have agreed")
        return agreed

    def assisted_details(self) -> VolunteerDetails:
        details = super().details()
        if self.email is None:
            return replace(details, email=None, channels=("sms",))
        return details

    def witness(self, staff: Staff) -> Witness:
        return Witness(self.joined_by, self.on, staff, self.form_version)


def assisted_input(form: FormData) -> dict[str, Any]:
    """The assisted form as `AssistedSignupCreate` reads it (and as the page shows it again)."""
    values = forms.volunteer_input(form)
    email = values["email"].strip()
    return {
        **values,
        "email": email or None,
        "channels": (text(form, "channels") or ("email" if email else "sms")).split(),
        "joined_by": text(form, "joined_by"),
        "on": text(form, "on").strip(),
        "form_version": text(form, "form_version"),
        "agreed": ticked(form, "agreed"),
    }


def with_future(errors: Mapping[str, str], entered: str, today: date) -> dict[str, str]:
    """`errors` and, when the date entered is a date after `today`, the date's message (shown
    with the form's other errors, in the form's order)."""
    try:
        ahead = date.fromisoformat(entered) > today
    except ValueError:
        ahead = False
    found = {**({"on": FUTURE_DATE} if ahead else {}), **errors}
    return {name: found[name] for name in dict.fromkeys([*ASSISTED, *found]) if name in found}
