"""Property test of every operation in the OpenAPI: no 5xx, no response the document does not describe.

Schemathesis runs the app's lifespan itself (broker, store, relay, dispatcher) on its own event-loop
thread; each operation gets valid and invalid requests generated from the schema, against the real
broker and store. The admin operations are called with the admin key.
"""

from collections.abc import Callable, Iterator

import pytest
from notifications.bootstrap import create_app
from notifications.settings import Settings
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

from .conftest import ADMIN_KEY

pytestmark = pytest.mark.integration

ADMIN = {"X-API-Key": ADMIN_KEY}
OPERATIONS: list[Operation] = [
    *KIT_OPERATIONS,
    ("GET", "/api/v1/messages", ADMIN),
]


@pytest.fixture
def schema(settings_for: Callable[..., Settings]) -> Iterator[BaseSchema]:
    with openapi_of(create_app(settings_for())) as schema:
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
