"""Phone numbers as signups keeps them: E.164 (`together_contracts.normalised_phone`), and which
of them can be texted (a UK mobile)."""

import re

import phonenumbers
from together_contracts import normalised_phone

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
DRAMA_MOBILES = re.compile(r"^\+447700900[0-9]{3}$")
"""Ofcom's mobile numbers kept for drama (07700 900000 to 900999): never anyone's, so examples,
tests and `make run` text them; the library knows them as unallocated."""


class NotAPhoneNumberError(ValueError):
    pass


def e164(phone: str) -> str:
    """The number as stored and compared (`+442920000000` for `029 2000 0000` or
    `+44 (0)29 2000 0000`), or `NotAPhoneNumberError`. Possible, not necessarily allocated: the
    numbers Ofcom keeps for drama are fine."""
    try:
        parsed = phonenumbers.parse(phone, "GB")
    except phonenumbers.NumberParseException as error:
        raise NotAPhoneNumberError(phone) from error
    possible = phonenumbers.is_possible_number_with_reason(parsed)
    if possible != phonenumbers.ValidationResult.IS_POSSIBLE or parsed.italian_leading_zero:
        raise NotAPhoneNumberError(phone)
    formatted = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if not E164.match(formatted) or normalised_phone(formatted) != formatted:
        raise NotAPhoneNumberError(phone)
    return formatted


def shown(phone: str | None) -> str:
    """A number as people write it in the UK, for pages and letters (`07700 900982`); a number
    from abroad in its international form."""
    if not phone:
        return ""
    try:
        parsed = phonenumbers.parse(phone, "GB")
    except phonenumbers.NumberParseException:
        return phone
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if parsed.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, style)


def uk_mobile(phone: str) -> bool:
    """A number in E.164 that takes texts: a UK mobile (+447…), not a pager or personal number."""
    if DRAMA_MOBILES.match(phone):
        return True
    try:
        parsed = phonenumbers.parse(phone, "GB")
    except phonenumbers.NumberParseException:
        return False
    return (
        parsed.country_code == 44
        and str(parsed.national_number).startswith("7")
        and phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE
    )
