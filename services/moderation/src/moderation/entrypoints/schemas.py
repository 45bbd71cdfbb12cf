"""Request and response models shared by the JSON API and the story form (one validation)."""

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from together_contracts import Language
from together_contracts.emails import TypedEmail
from together_contracts.stories import Prompt
from together_kit.http.text import multi_line, single_line

from moderation.domain.items import Item
from moderation.domain.regions import InvalidRegionError, normalise_region

MAX_STORY_LENGTH = 5000


def _region(value: str) -> str:
    try:
        return normalise_region(value)
    except InvalidRegionError as error:
        raise ValueError(str(error)) from error


def _consented(value: bool) -> bool:
    if value is not True:
        raise ValueError("Consent to publish is required to share a story")
    return value


Region = Annotated[
    str,
    single_line(40),
    AfterValidator(_region),
    Field(
        description="A UK nation or region (`Wales`, `North West`) or a postcode district "
        "(`CF10`); a full postcode is cut to its district."
    ),
]

STORY_EXAMPLE: dict[str, Any] = {
    "prompt": "unites-us",
    "title": "The street choir",
    "text": "Every Thursday we sang from our doorsteps. By June we knew every neighbour's name.",
    "name": "Ann from Splott",
    "region": "CF24",
    "language": "en",
    "consent_to_publish": True,
    "email": "ann@example.org",
    "notify_outcome": True,
}


class StoryCreate(BaseModel):
    """A story shared for publication; a person reads it before anyone else sees it."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [STORY_EXAMPLE]})

    prompt: Prompt = Field(
        description="The question answered: `lockdown` (how lockdown was for you), `unites-us`, "
        "`divides-us`, `closer` (what would bring us closer)."
    )
    title: Annotated[str, single_line(200)]
    text: Annotated[str, multi_line(MAX_STORY_LENGTH)]
    name: Annotated[str, single_line(100)] | None = Field(
        None, description="A name or pseudonym to publish with the story; anonymous if absent."
    )
    region: Region
    language: Language = "en"
    consent_to_publish: Annotated[bool, AfterValidator(_consented)] = Field(
        description="Must be true: the author agrees that the story, once approved, is public."
    )
    email: TypedEmail | None = Field(
        None, description="Optional; used only to tell the author about their story."
    )
    notify_outcome: bool = Field(
        False, description="Email the author whether the story was published (needs `email`)."
    )


class StoryReceived(BaseModel):
    id: UUID
    status: Literal["pending"] = "pending"


class StoryPublic(BaseModel):
    """An approved story as the public sees it: redacted text, the chosen name, nothing else."""

    id: UUID
    prompt: Prompt
    title: str
    text: str
    name: str | None
    region: str
    language: str
    published_at: datetime | None

    @classmethod
    def of(cls, item: Item) -> "StoryPublic":
        story = item.story
        return cls(
            id=item.id,
            prompt=story.prompt,
            title=item.published_title or item.title,
            text=item.published_text or "",
            name=story.author_name,
            region=item.region,
            language=item.language,
            published_at=item.decided_at,
        )


class StoryPage(BaseModel):
    page: int
    per_page: int
    total: int
    stories: list[StoryPublic]
