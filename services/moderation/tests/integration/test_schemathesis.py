"""The API against its own OpenAPI: the kit's contract tests (together_kit.testing.contract)."""

from typing import Any

import pytest
from fastapi import FastAPI
from moderation.bootstrap import create_app
from moderation.settings import Settings
from together_kit.testing.contract import KIT_OPERATIONS, Operation, contract_tests

pytestmark = pytest.mark.integration

ADMIN_KEY = "test-admin-key-123"
ADMIN = {"X-API-Key": ADMIN_KEY}
OPERATIONS: list[Operation] = [
    *KIT_OPERATIONS,
    ("POST", "/api/v1/stories", {}),
    ("GET", "/api/v1/stories", {}),
    ("GET", "/api/v1/stories/{story_id}", {}),
    ("POST", "/api/v1/thanks", {}),
    ("GET", "/api/v1/thanks", {}),
    ("POST", "/api/v1/talk", ADMIN),
    ("GET", "/api/v1/talk", {}),
    ("PUT", "/api/v1/talk/me", {}),
    ("POST", "/api/v1/talk/me/volunteer", {}),
    ("GET", "/api/v1/talk/{conversation_id}", {}),
    ("POST", "/api/v1/talk/{conversation_id}/statements", {}),
    ("GET", "/api/v1/talk/{conversation_id}/next", {}),
    ("PUT", "/api/v1/talk/{conversation_id}/votes/{statement_id}", {}),
    ("POST", "/api/v1/talk/{conversation_id}/analysis", ADMIN),
    ("POST", "/api/v1/talk/{conversation_id}/hosts", ADMIN),
    ("GET", "/api/v1/talk/{conversation_id}/results", {}),
    ("GET", "/api/v1/talk/{conversation_id}/export", {}),
    ("GET", "/api/v1/talk/{conversation_id}/export/{table}.csv", {}),
]


@pytest.fixture(scope="module")
def contract_app(module_service_settings: dict[str, Any]) -> FastAPI:
    settings = Settings(
        **module_service_settings,
        share_rate_limit="100000/minute",
        talk_rate_limit="100000/minute",
        admin_api_key=ADMIN_KEY,
        backlog_check_seconds=3600,
    )
    return create_app(settings)


(
    contract_schema,
    test_the_api_answers_as_documented_and_never_fails,
    test_every_documented_operation_is_tested,
) = contract_tests(OPERATIONS)
