"""The API against its own OpenAPI: the kit's contract tests (together_kit.testing.contract)."""

from typing import Any

import pytest
from fastapi import FastAPI
from signups.bootstrap import create_app
from signups.settings import Settings
from together_kit.testing.contract import KIT_OPERATIONS, Operation, contract_tests

pytestmark = pytest.mark.integration

ADMIN_KEY = "test-admin-key-123"
ADMIN = {"X-API-Key": ADMIN_KEY}
OPERATIONS: list[Operation] = [
    *KIT_OPERATIONS,
    ("POST", "/api/v1/signups", {}),
    ("POST", "/api/v1/organisations", {}),
    ("POST", "/api/v1/letter/signatures", {}),
    ("GET", "/api/v1/letter/counts", {}),
    ("GET", "/api/v1/letter/signatories", {}),
    ("GET", "/api/v1/signups", ADMIN),
    ("GET", "/api/v1/signups/{person_id}", ADMIN),
    ("GET", "/api/v1/erasures/{erasure_id}", ADMIN),
    ("POST", "/api/v1/admin/access", ADMIN),
    ("GET", "/api/v1/admin/access/{access_id}", ADMIN),
]


@pytest.fixture(scope="module")
def contract_app(module_service_settings: dict[str, Any]) -> FastAPI:
    settings = Settings(
        **module_service_settings, admin_api_key=ADMIN_KEY, join_rate_limit="100000/minute"
    )
    return create_app(settings)


(
    contract_schema,
    test_the_api_answers_as_documented_and_never_fails,
    test_every_documented_operation_is_tested,
) = contract_tests(OPERATIONS)
