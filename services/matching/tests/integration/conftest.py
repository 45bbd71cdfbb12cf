"""The matching app in-process against the real broker and store, with helpers to drive it.

Queues (`matching.volunteers`, `matching.listings`) are shared by every matching app in the test
session's virtual host, so only one app runs at a time, each test has its own database, and tests
tell their events apart by ids of their own.
"""

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from matching.adapters.geocoding import GeoNamesTable
from matching.bootstrap import create_app
from matching.domain.places import Geocoder, Place
from matching.handlers import Context
from matching.settings import DISTRICTS, Settings
from pymongo.asynchronous.database import AsyncDatabase
from together_kit.runtime import ServiceRuntime
from together_kit.testing.apps import running
from together_kit.testing.clock import Clock
from together_kit.testing.events import listing_approved, volunteer_confirmed
from together_kit.testing.probe import EventProbe, event_probe, publish_event
from together_kit.testing.waiting import eventually

Document = dict[str, Any]
BASE_URL = "http://matching.test"
GEONAMES = DISTRICTS
"""The repository root is parents[4]; the data sits beside it, never inside."""
MATCHING_EVENTS = (
    "event.*",
    "match.*",
    "volunteer.unmatched",
    "attendance.*",
    "person.erased",
    "person.access_answered",
    "organiser.*",
)


@dataclass
class Matching:
    app: FastAPI
    http: httpx.AsyncClient
    db: AsyncDatabase[Document]
    clock: Clock
    rabbitmq_url: str

    @property
    def ctx(self) -> Context:
        ctx: Context = self.app.state.context
        return ctx

    async def confirm_volunteer(self, **profile: Any) -> uuid.UUID:
        """Publish `volunteer.confirmed` and wait until matching keeps the profile."""
        event = volunteer_confirmed(**profile)
        person_id = event.data.person_id
        await publish_event(self.rabbitmq_url, event)
        await eventually(
            lambda: self.db["volunteers"].find_one({"_id": str(person_id)}),
            what=f"profile of {person_id}",
        )
        return person_id

    def consumed(self, event_type: str, outcome: str) -> int:
        """Events of a type this app's `matching.volunteers` consumer took with this outcome."""
        runtime: ServiceRuntime = self.app.state.runtime
        return int(
            sum(
                sample.value
                for metric in runtime.metrics.consumed.collect()
                for sample in metric.samples
                if sample.name.endswith("_total")
                and sample.labels.get("queue") == "matching.volunteers"
                and sample.labels.get("event_type") == event_type
                and sample.labels.get("outcome") == outcome
            )
        )

    async def submit(self, **changes: Any) -> httpx.Response:
        return await self.http.post("/api/v1/events", json=event_body(**changes))

    async def approve(self, event_id: str) -> None:
        await publish_event(self.rabbitmq_url, listing_approved(event_id))


def next_saturday_noon(now: datetime) -> datetime:
    days = (5 - now.weekday()) % 7 or 7
    return (now + timedelta(days=days)).replace(hour=12, minute=0, second=0, microsecond=0)


def event_body(**changes: Any) -> dict[str, Any]:
    starts = next_saturday_noon(datetime.now(UTC))
    return {
        "title": "Community lunch",
        "description": "Soup and a chat; help set up and serve.",
        "event_type": "food-and-mutual-aid",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "postcode": "M1 1AE",
        "venue_name": "Riverside Community Centre",
        "address_lines": ["12 Mill Lane"],
        "town": "Manchester",
        "places": 6,
        "organiser_name": "Sam Patel",
        "organiser_email": "sam@riverside.example.org",
        **changes,
    }


def token_of(url: str) -> str:
    parts = urlsplit(url)
    return unquote(parts.path.rpartition("/")[2])


StartMatching = Callable[..., AbstractAsyncContextManager[Matching]]


class OutsideSource:
    """A geocoder outside the process, as postcodes.io is (answering from the district table):
    its answers are kept in the store. Counts what it is asked."""

    def __init__(self) -> None:
        self.table = GeoNamesTable(GEONAMES)
        self.asked: list[str] = []

    async def locate(self, postcode: str) -> Place:
        self.asked.append(postcode)
        return await self.table.locate(postcode)


@pytest.fixture
def start_matching(service_settings: dict[str, Any]) -> StartMatching:

    @asynccontextmanager
    async def start(source: Geocoder | None = None, **settings: Any) -> AsyncIterator[Matching]:
        options: dict[str, Any] = {
            "public_base_url": BASE_URL,
            "submit_rate_limit": "1000/minute",
            "outbox_poll_seconds": 0.2,
            "geonames_path": GEONAMES,
            "unmatched_interval_seconds": 3600,
            **service_settings,
            **settings,
        }
        app = create_app(Settings(**options), clock=(clock := Clock()), source=source)
        url, database = service_settings["mongodb_url"], service_settings["mongodb_database"]
        broker = service_settings["rabbitmq_url"]
        async with running(app, mongodb_url=url, database_name=database, base_url=BASE_URL) as (
            http,
            db,
        ):
            yield Matching(app, http, db, clock, broker)

    return start


@pytest.fixture
async def matching(start_matching: StartMatching) -> AsyncIterator[Matching]:
    async with start_matching() as app:
        yield app


@pytest.fixture
async def probe(rabbitmq_url: str) -> AsyncIterator[EventProbe]:
    async with event_probe(rabbitmq_url, MATCHING_EVENTS) as probe:
        yield probe


async def seen(
    probe: EventProbe, event_type: str, *, count: int = 1, where: Callable[[Document], bool]
) -> list[Document]:
    """Wait until the probe has `count` events of a type that satisfy `where`; return them."""

    async def found() -> list[Document]:
        return [e for e in probe.events if e["type"] == event_type and where(e)]

    return await eventually(found, until=lambda f: len(f) >= count, what=f"{count} {event_type}")
