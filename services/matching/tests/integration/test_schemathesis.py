"""Property test of the JSON API against its own OpenAPI: no 5xx, no response that breaks the schema.

Schemathesis reaches the ASGI app in-process and runs its lifespan on its own event-loop thread;
valid (positive) and invalid (negative) requests are generated from the schema.
"""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from matching.bootstrap import create_app
from matching.settings import Settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.schemas import BaseSchema

from .conftest import GEONAMES

pytestmark = pytest.mark.integration

MAX_EXAMPLES = 50
OPERATIONS = [("POST", "/api/v1/events"), ("GET", "/api/v1/events")]


@pytest.fixture
def schema(rabbitmq_url: str, mongodb_url: str, database_name: str) -> Iterator[BaseSchema]:
    if not GEONAMES.is_file():
        pytest.skip(f"GeoNames postal codes not found at {GEONAMES}")
    app = create_app(
        Settings(
            rabbitmq_url=rabbitmq_url,
            mongodb_url=mongodb_url,
            mongodb_database=database_name,
            port=0,
            geonames_path=GEONAMES,
            submit_rate_limit="100000/minute",
        )
    )
    try:
        yield schemathesis.openapi.from_asgi("/openapi.json", app)
    finally:
        shutdown_lifespans()


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
@pytest.mark.parametrize("mode", list(GenerationMode), ids=str)
def test_the_api_answers_as_documented_and_never_fails(
    schema: BaseSchema, method: str, path: str, mode: GenerationMode
) -> None:
    operation = schema[path][method]

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def answers_as_documented(case: Any) -> None:
        case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])

    answers_as_documented()
