"""Email address types: one check, done once.

Checking an address (pydantic's `validate_email`, the `email-validator` package underneath) costs
more than the rest of a signup's validation together, and an address used to be checked twice on
its way through a service: once where it came in (a form, an API body) and again in the event
built from it. The check here returns a `ValidEmail`, a `str` only this module makes, so a value
that has already been through it passes straight through again; anything from outside (JSON, a
form, the store) arrives as a plain `str` and is checked.
"""

from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic.networks import validate_email

MAX_LENGTH = 254
"""The longest address SMTP carries (RFC 5321's path limit less its angle brackets)."""


class ValidEmail(str):
    """An address this module has checked and normalised."""

    __slots__ = ()


def _checked(value: Any, handler: ValidatorFunctionWrapHandler) -> ValidEmail:
    if type(value) is ValidEmail:
        return value
    return ValidEmail(validate_email(handler(value))[1])


def _as_typed(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


Email = Annotated[str, WrapValidator(_checked), Field(json_schema_extra={"format": "email"})]
"""An address in an event, checked as pydantic's `EmailStr` checks it."""

TypedEmail = Annotated[Email, BeforeValidator(_as_typed), Field(max_length=MAX_LENGTH)]
"""An address as a person types it into a form or an API body: trimmed and lowercased first."""
