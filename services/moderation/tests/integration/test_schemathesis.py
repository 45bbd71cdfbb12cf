"""Property test of every operation in the OpenAPI: no 5xx, no response the document does not describe.

Schemathesis reaches the ASGI app in-process and runs the app's lifespan itself (broker, store,
relay) on its own event-loop thread; the lifespan ends with the test.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from moderation.bootstrap import create_app
from moderation.settings import Settings
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

pytestmark = pytest.mark.integration

OPERATIONS: list[Operation] = [
    *KIT_OPERATIONS,
    ("POST", "/api/v1/stories", {}),
    ("GET", "/api/v1/stories", {}),
    ("GET", "/api/v1/stories/{story_id}", {}),
]


@pytest.fixture
def schema(service_settings: dict[str, Any]) -> Iterator[BaseSchema]:
    settings = Settings(
        **service_settings, share_rate_limit="100000/minute", backlog_check_seconds=3600
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
