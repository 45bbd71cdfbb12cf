"""The form a staff member enters a story with on someone's behalf: validated like the story
form (the same question, text, region and language rules), with the title optional, how the
story came, and the person's agreement to publish it without their name. Each message is said in
English and Welsh."""

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict
from starlette.datastructures import FormData
from together_contracts import Language
from together_contracts.stories import Prompt
from together_kit.http.text import multi_line, single_line
from together_kit.web.forms import Messages, text, ticked

from moderation.domain.assisted import Came
from moderation.entrypoints.schemas import MAX_STORY_LENGTH, Region


def _agreed(value: bool) -> bool:
    if value is not True:
        raise ValueError("the person must agree that the story may be published")
    return value


class AssistedStory(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prompt: Prompt
    title: Annotated[str, single_line(200, min_length=0)] = ""
    text: Annotated[str, multi_line(MAX_STORY_LENGTH)]
    region: Region
    language: Language = "en"
    came: Came
    agreed: Annotated[bool, AfterValidator(_agreed)]
    nonce: Annotated[str, single_line(64)]


WELSH: Mapping[str, str] = {
    "Choose the question the story answers": "Dewiswch y cwestiwn y mae'r stori'n ei ateb",
    "Title must be 200 characters or fewer": "Rhaid i'r teitl fod yn 200 nod neu lai",
    "Type the story": "Teipiwch y stori",
    "The story must be 5,000 characters or fewer": "Rhaid i'r stori fod yn 5,000 nod neu lai",
    "Enter a UK nation or region, like Wales, or the first half of a postcode, like CF10": (
        "Rhowch wlad neu ranbarth yn y DU, fel Cymru, neu hanner cyntaf cod post, fel CF10"
    ),
    "Choose English or Welsh": "Dewiswch Saesneg neu Gymraeg",
    "Choose how the story came": "Dewiswch sut y daeth y stori",
    "Tick this only once the person has agreed: without it the story is not entered": (
        "Ticiwch hwn dim ond pan fydd y person wedi cytuno: hebddo ni chaiff y stori ei rhoi i mewn"
    ),
    "This form has expired: open it again": "Mae'r ffurflen hon wedi dod i ben: agorwch hi eto",
}
"""Every message below, in Welsh."""

MESSAGES: Mapping[str, Messages] = {
    "prompt": Messages(*["Choose the question the story answers"] * 2),
    "title": Messages(*["Title must be 200 characters or fewer"] * 3),
    "text": Messages(
        "Type the story", "Type the story", "The story must be 5,000 characters or fewer"
    ),
    "region": Messages(
        *["Enter a UK nation or region, like Wales, or the first half of a postcode, like CF10"] * 2
    ),
    "language": Messages(*["Choose English or Welsh"] * 2),
    "came": Messages(*["Choose how the story came"] * 2),
    "agreed": Messages(
        *["Tick this only once the person has agreed: without it the story is not entered"] * 2
    ),
    "nonce": Messages(*["This form has expired: open it again"] * 2),
}


def assisted_input(form: FormData) -> dict[str, Any]:
    """The form as `AssistedStory` reads it (and as the page shows it again)."""
    return {
        "prompt": text(form, "prompt"),
        "title": text(form, "title").strip(),
        "text": text(form, "text"),
        "region": text(form, "region"),
        "language": text(form, "language") or "en",
        "came": text(form, "came"),
        "agreed": ticked(form, "agreed"),
        "nonce": text(form, "nonce"),
    }
