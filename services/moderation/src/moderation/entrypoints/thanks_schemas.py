"""Request and response models of the thank-you wall, shared by its JSON API and its form."""

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field
from together_contracts import Language
from together_contracts.emails import TypedEmail
from together_contracts.thanks import Worker
from together_kit.http.text import multi_line, single_line

from moderation.domain.items import Item
from moderation.entrypoints.schemas import Region

MAX_THANKS_LENGTH = 1000

THANKS_EXAMPLE: dict[str, Any] = {
    "who": "The night team on Ward 7",
    "worker": "nhs-care",
    "what_for": "You held my dad's hand when we could not be there. We will never forget it.",
    "region": "CF14",
    "name": "Ann from Splott",
    "language": "en",
    "email": "ann@example.org",
    "notify_outcome": True,
}


class ThanksCreate(BaseModel):
    """A thank-you for the 5 July wall; a person reads it before anyone else sees it."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [THANKS_EXAMPLE]})

    who: Annotated[str, single_line(120)] = Field(
        description="Who is thanked: a name or a role (`the bus drivers on the 61`)."
    )
    worker: Worker = Field(
        description="The kind of worker: `nhs-care`, `shops-delivery`, `schools`, `transport`, "
        "`emergency`, `volunteers`, `neighbours` or `other`."
    )
    what_for: Annotated[str, multi_line(MAX_THANKS_LENGTH)] = Field(description="What for.")
    region: Region
    name: Annotated[str, single_line(100)] | None = Field(
        None, description="A name or pseudonym to publish with it; anonymous if absent."
    )
    language: Language = "en"
    email: TypedEmail | None = Field(
        None, description="Optional; used only to tell the author when it is published."
    )
    notify_outcome: bool = Field(
        False, description="TypedEmail the author whether it was published (needs `email`)."
    )


class ThanksReceived(BaseModel):
    id: UUID
    status: Literal["pending"] = "pending"


class ThanksPublic(BaseModel):
    """An approved thank-you as the public sees it: redacted words, the chosen name."""

    id: UUID
    who: str
    worker: Worker
    what_for: str
    name: str | None
    region: str
    nation: str | None
    language: str
    published_at: datetime | None

    @classmethod
    def of(cls, item: Item) -> "ThanksPublic":
        thanks = item.thanks
        return cls(
            id=item.id,
            who=item.published_title or item.title,
            worker=thanks.worker,
            what_for=item.published_text or "",
            name=thanks.author_name,
            region=item.region,
            nation=thanks.nation,
            language=item.language,
            published_at=item.decided_at,
        )


class ThanksPage(BaseModel):
    page: int
    per_page: int
    total: int
    thanks: list[ThanksPublic]
