"""The posted story and thank-you forms: read it into the API's request model, with what to say per field.

The form validates with the same model as the JSON API (`together_kit.web.forms.check`); only the
messages differ. Each message is an English msgid, translated when the page is rendered.
"""

from collections.abc import Mapping
from typing import Any

from starlette.datastructures import FormData
from together_kit.web.forms import CHECK, EMAIL_FORMAT, EMAIL_TOO_LONG, Messages, text, ticked

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
    "email": Messages(EMAIL_FORMAT, EMAIL_FORMAT, EMAIL_TOO_LONG),
    "notify_outcome": CHECK,
}
"""The email address is optional, so an empty one is no error: anything said about it is its
format or its length."""


THANKS: Mapping[str, Messages] = {
    "who": Messages(
        "Say who you are thanking: a name or a role",
        "Say who you are thanking: a name or a role",
        "Who you are thanking must be 120 characters or fewer",
    ),
    "worker": Messages("Choose who they are", "Choose who they are"),
    "what_for": Messages(
        "Say what you are thanking them for",
        "Say what you are thanking them for",
        "Your thanks must be 1,000 characters or fewer",
    ),
    "region": Messages(
        "Enter where: the first half of a postcode, or a nation or region",
        "Enter a UK nation or region, like Wales, or the first half of a postcode, like CF10",
    ),
    "name": STORY["name"],
    "language": STORY["language"],
    "email": STORY["email"],
    "notify_outcome": CHECK,
}


def thanks_input(form: FormData) -> dict[str, Any]:
    """The thank-you form as `ThanksCreate` reads it (and as the page shows it again)."""
    return {
        "who": text(form, "who"),
        "worker": text(form, "worker"),
        "what_for": text(form, "what_for"),
        "region": text(form, "region"),
        "name": text(form, "name").strip() or None,
        "language": text(form, "language") or "en",
        "email": text(form, "email").strip() or None,
        "notify_outcome": ticked(form, "notify_outcome"),
    }


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
