"""The events API and pages: what bad input gets back, filters, idempotency, the form."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from matching.entrypoints.schemas import EVENT_EXAMPLE
from together_kit.testing.probe import EventProbe

from .conftest import Matching, event_body, next_saturday_noon, seen

pytestmark = pytest.mark.integration

LONG = "x" * 201


def error_fields(response: Any) -> list[list[str]]:
    return [error["loc"] for error in response.json()["detail"]]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at": "2020-01-01T10:00:00Z", "starts_at": "2020-01-01T12:00:00Z"}, "starts_at"),
        ({"places": 0}, "places"),
        ({"title": LONG}, "title"),
        ({"event_type": "knitting"}, "event_type"),
        ({"postcode": "NOT A CODE"}, "postcode"),
        ({"postcode": "AA1 1AA"}, "postcode"),
        ({"postcode": None}, "online"),
        ({"online": True}, "online"),
        ({"organiser_email": "nope"}, "organiser_email"),
        ({"organiser_name": ""}, "organiser_name"),
        ({"organiser_phone": "call me"}, "organiser_phone"),
        ({"postcode": "M1"}, "postcode"),
        ({"venue_name": ""}, "venue_name"),
        ({"address_lines": []}, "address_lines"),
        ({"address_lines": ["a", "b", "c", "d"]}, "address_lines"),
        ({"town": ""}, "town"),
        ({"postcode": None, "online": True}, "joining_url"),
        ({"postcode": None, "online": True, "joining_url": "zoom"}, "joining_url"),
        ({"starts_at": "0001-01-01T00:30:00+01:00"}, "starts_at"),
        ({"ends_at": "9999-12-31T23:30:00-05:00"}, "ends_at"),
        ({"description": "x" * 5001}, "description"),
    ],
)
async def test_bad_input_is_a_422_naming_the_field(
    matching: Matching, changes: dict[str, Any], field: str
) -> None:
    response = await matching.submit(**changes)
    assert response.status_code == 422, response.text
    assert ["body", field] in error_fields(response)


async def test_an_end_before_the_start_is_refused(matching: Matching) -> None:
    starts = next_saturday_noon(datetime.now(UTC))
    response = await matching.submit(
        starts_at=starts.isoformat(), ends_at=(starts - timedelta(hours=1)).isoformat()
    )
    assert response.status_code == 422
    assert error_fields(response) == [["body", "ends_at"]]
    assert "after the start" in response.json()["detail"][0]["msg"]


async def test_the_openapi_example_is_complete_and_valid(matching: Matching) -> None:
    schema = (await matching.http.get("/openapi.json")).json()
    example = schema["components"]["schemas"]["EventCreate"]["examples"][0]
    assert set(example) >= {"title", "description", "event_type", "starts_at", "ends_at"}
    response = await matching.http.post("/api/v1/events", json=EVENT_EXAMPLE)
    assert response.status_code == 201, response.text


async def test_an_idempotency_key_makes_one_event(matching: Matching, probe: EventProbe) -> None:
    headers = {"Idempotency-Key": "key-for-one-event-1"}
    first = await matching.http.post("/api/v1/events", json=event_body(), headers=headers)
    again = await matching.http.post("/api/v1/events", json=event_body(), headers=headers)
    assert first.json()["id"] == again.json()["id"]
    assert await matching.db["events"].count_documents({}) == 1


async def test_filters_by_type_date_and_distance(matching: Matching, probe: EventProbe) -> None:
    later = next_saturday_noon(datetime.now(UTC)) + timedelta(days=21)
    ids = {}
    for name, changes in {
        "manchester": {},
        "online": {
            "postcode": None,
            "online": True,
            "joining_url": "https://meet.example.org/lunch",
            "event_type": "digital-inclusion",
        },
        "cardiff-later": {
            "postcode": "CF10 1AA",
            "starts_at": later.isoformat(),
            "ends_at": (later + timedelta(hours=1)).isoformat(),
        },
    }.items():
        ids[name] = (await matching.submit(**changes)).json()["id"]
        await matching.approve(ids[name])
        await seen(
            probe,
            "event.published",
            where=lambda e, i=ids[name]: e["data"]["event"]["event_id"] == i,
        )

    async def listed(**params: Any) -> set[str]:
        response = await matching.http.get("/api/v1/events", params=params)
        assert response.status_code == 200, response.text
        return {event["id"] for event in response.json()}

    assert await listed() == set(ids.values())
    assert await listed(type="digital-inclusion") == {ids["online"]}
    assert await listed(near="M1", within_km=20) == {ids["manchester"]}
    assert await listed(starts_after=(later - timedelta(days=1)).isoformat()) == {
        ids["cardiff-later"]
    }
    unknown = await matching.http.get("/api/v1/events", params={"near": "AA1 1AA"})
    assert unknown.status_code == 422
    assert error_fields(unknown) == [["query", "near"]]

    page = await matching.http.get("/events", params={"near": "M1", "within_km": "25"})
    assert page.status_code == 200
    assert "Community lunch" in page.text
    assert page.text.count('class="event"') == 1
    assert "In your area" in page.text, "the event is in the searched district"
    assert "0.0 km" not in page.text
    welsh = await matching.http.get("/events", params={"near": "M1", "lang": "cy"})
    assert "Yn eich ardal chi" in welsh.text


async def test_an_empty_listing_says_whether_the_filters_or_the_listing_is_empty(
    matching: Matching,
) -> None:
    unfiltered = await matching.http.get("/events")
    assert unfiltered.status_code == 200
    assert 'class="event"' not in unfiltered.text
    assert "No events are listed yet." in unfiltered.text
    assert 'href="/events/new">List the first one</a>' in unfiltered.text
    assert "fewer filters" not in unfiltered.text
    filtered = await matching.http.get("/events", params={"type": "sport"})
    assert "No events match. Try a wider area or fewer filters." in filtered.text
    assert "No events are listed yet." not in filtered.text
    welsh = await matching.http.get("/events", params={"lang": "cy"})
    assert "Does dim digwyddiadau wedi'u rhestru eto." in welsh.text


def form(**changes: str) -> dict[str, str]:
    starts = next_saturday_noon(datetime.now(UTC))
    return {
        "title": "Litter pick",
        "description": "Gloves and bags provided.",
        "event_type": "environment",
        "start_date": starts.date().isoformat(),
        "start_time": "10:00",
        "end_date": "",
        "end_time": "12:00",
        "where": "venue",
        "postcode": "m1 1ae",
        "venue_name": "Riverside Community Centre",
        "address_line_1": "12 Mill Lane",
        "address_line_2": "",
        "town": "Manchester",
        "arrival_notes": "Side door",
        "places": "4",
        "roles": "Picking\nSorting",
        "accessibility": "",
        "organiser_name": "Sam Patel",
        "organiser_email": "ORG@example.org",
        "organiser_phone": "0161 496 0000",
        "language": "en",
        **changes,
    }


async def test_the_form_lists_an_event_once_and_emails_the_organiser_their_page(
    matching: Matching, probe: EventProbe
) -> None:
    """Post/redirect/get: the links are emailed, never shown; a refresh lists nothing twice."""
    page = await matching.http.get("/events/new")
    assert page.status_code == 200
    assert 'for="field-title"' in page.text
    assert 'name="address_public"' in page.text
    done = await matching.http.post("/events/new", data=form())
    assert done.status_code == 303, done.text
    thanks_url = done.headers["location"]
    assert thanks_url == "/events/new/thanks"
    thanks = await matching.http.get(thanks_url)
    again = await matching.http.get(thanks_url)
    assert thanks.status_code == again.status_code == 200
    assert "emailed you a link" in again.text
    assert "/events/cancel/" not in thanks.text
    assert "/events/manage/" not in thanks.text
    assert await matching.db["events"].count_documents({}) == 1
    stored = await matching.db["events"].find_one({})
    assert stored is not None
    assert stored["roles"] == ["Picking", "Sorting"]
    assert stored["organiser_email"] == "org@example.org"
    assert stored["organiser"] == {"name": "Sam Patel", "phone": "0161 496 0000"}
    assert stored["venue"]["name"] == "Riverside Community Centre"
    assert stored["venue"]["address_lines"] == ["12 Mill Lane"]
    assert stored["venue"]["public"] is False
    assert stored["postcode"] == "M1 1AE"
    assert stored["starts_at"].hour in (10, 9)
    [link] = await seen(
        probe, "organiser.link_requested", where=lambda e: e["data"]["event_id"] == stored["_id"]
    )
    assert link["data"]["reason"] == "submitted"
    assert link["data"]["organiser_email"] == "org@example.org"
    assert link["data"]["organiser_name"] == "Sam Patel"
    assert "/events/manage/" in link["data"]["manage_url"]


async def test_the_public_list_shows_the_district_unless_the_address_is_public(
    matching: Matching, probe: EventProbe
) -> None:
    private = (await matching.submit(title="Private lunch")).json()["id"]
    public = (await matching.submit(title="Open lunch", address_public=True)).json()["id"]
    for event_id in (private, public):
        await matching.approve(event_id)
        await seen(
            probe,
            "event.published",
            where=lambda e, i=event_id: e["data"]["event"]["event_id"] == i,
        )
    listed = {e["id"]: e for e in (await matching.http.get("/api/v1/events")).json()}
    assert listed[private]["address"] is None
    assert listed[private]["outward_code"] == "M1"
    assert "12 Mill Lane" in listed[public]["address"]
    assert "12 Mill Lane" not in (await matching.http.get("/api/v1/events")).text.replace(
        listed[public]["address"], ""
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Enter the event&#39;s title"),
        ({"start_date": "2020-01-01"}, "start_date", "The start must be in the future"),
        ({"end_time": "09:00"}, "end_date", "The end must be after the start"),
        ({"postcode": ""}, "postcode", "Enter the venue&#39;s postcode"),
        ({"postcode": "AA1 1AA"}, "postcode", "We could not find this postcode"),
        ({"places": "0"}, "places", "Enter a whole number of volunteers from 1 to 1,000"),
        ({"where": ""}, "where", "Say whether the event is at a venue or online"),
        ({"postcode": "M1"}, "postcode", "Enter the venue&#39;s full postcode, like M1 1AE"),
        ({"venue_name": ""}, "venue_name", "Enter the venue&#39;s name"),
        ({"address_line_1": ""}, "address_line_1", "Enter the first line of the venue&#39;s"),
        ({"town": ""}, "town", "Enter the venue&#39;s town or city"),
        ({"where": "online"}, "joining_url", "Enter the link people use to join"),
        ({"organiser_name": ""}, "organiser_name", "Enter your name"),
        ({"organiser_phone": "ring me"}, "organiser_phone", "Enter a phone number"),
    ],
)
async def test_the_form_says_which_field_is_wrong(
    matching: Matching, changes: dict[str, str], field: str, message: str
) -> None:
    page = await matching.http.post("/events/new", data=form(**changes))
    assert page.status_code == 422
    assert f'href="#field-{field}"' in page.text
    assert message in page.text
    assert await matching.db["events"].count_documents({}) == 0


async def test_date_filters_out_of_range_are_no_error(matching: Matching) -> None:
    far = {"starts_after": "0001-01-01T00:30:00+01:00", "starts_before": "9999-12-31T23:30:00"}
    response = await matching.http.get("/api/v1/events", params=far)
    assert response.status_code == 200
