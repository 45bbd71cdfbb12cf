"""Property test of every operation in the OpenAPI: no 5xx, no response the document does not describe.

Schemathesis runs the app's lifespan itself (broker, store, relay); each operation gets valid and
invalid requests generated from the schema, against the real broker and store.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from schemathesis import GenerationMode
from schemathesis.schemas import BaseSchema
from signups.bootstrap import create_app
from signups.settings import Settings
from together_kit.testing.contract import (
    KIT_OPERATIONS,
    MODES,
    Operation,
    answers_as_documented,
    documented_operations,
    openapi_of,
)

pytestmark = pytest.mark.integration

ADMIN_KEY = "test-admin-key-123"
ADMIN = {"X-API-Key": ADMIN_KEY}
OPERATIONS: list[Operation] = [
    *KIT_OPERATIONS,
    ("POST", "/api/v1/signups", {}),
    ("POST", "/api/v1/organisations", {}),
    ("GET", "/api/v1/signups", ADMIN),
    ("GET", "/api/v1/signups/{person_id}", ADMIN),
    ("GET", "/api/v1/erasures/{erasure_id}", ADMIN),
    ("POST", "/api/v1/admin/access", ADMIN),
    ("GET", "/api/v1/admin/access/{access_id}", ADMIN),
]


@pytest.fixture
def schema(service_settings: dict[str, Any]) -> Iterator[BaseSchema]:
    settings = Settings(
        **service_settings, admin_api_key=ADMIN_KEY, join_rate_limit="100000/minute"
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
