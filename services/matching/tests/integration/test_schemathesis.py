"""Property test of every operation in the OpenAPI: no 5xx, no response the document does not describe.

Schemathesis reaches the ASGI app in-process and runs its lifespan on its own event-loop thread;
valid (positive) and invalid (negative) requests are generated from the schema.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from matching.bootstrap import create_app
from matching.settings import Settings
from schemathesis import GenerationMode
from schemathesis.schemas import BaseSchema
from together_kit.testing.contract import (
    KIT_OPERATIONS,
    MODES,
    Operation,
    answers_as_documented,
    documented_operations,
    openapi_of,
)

from .conftest import GEONAMES

pytestmark = pytest.mark.integration

OPERATIONS: list[Operation] = [
    *KIT_OPERATIONS,
    ("POST", "/api/v1/events", {}),
    ("GET", "/api/v1/events", {}),
    ("GET", "/api/v1/gaps", {}),
]


@pytest.fixture
def schema(service_settings: dict[str, Any]) -> Iterator[BaseSchema]:
    settings = Settings(
        **service_settings, geonames_path=GEONAMES, submit_rate_limit="100000/minute"
    )
    with openapi_of(create_app(settings)) as schema:
        yield schema


@pytest.mark.parametrize(
    ("method", "path", "headers"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS]
)
@pytest.mark.parametrize("mode", MODES, ids=str)
def test_the_api_answers_as_documented_and_never_fails(
    schema: BaseSchema, method: str, path: str, headers: dict[str, str], mode: GenerationMode
) -> None:
    answers_as_documented(schema, method, path, mode, headers=headers)


def test_every_documented_operation_is_tested(schema: BaseSchema) -> None:
    assert documented_operations(schema) == {(method, path) for method, path, _ in OPERATIONS}
