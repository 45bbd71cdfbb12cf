"""The API against its own OpenAPI: the kit's contract tests (together_kit.testing.contract)."""

from typing import Any

import pytest
from fastapi import FastAPI
from matching.bootstrap import create_app
from matching.settings import Settings
from together_kit.testing.contract import KIT_OPERATIONS, Operation, contract_tests

from .conftest import GEONAMES

pytestmark = pytest.mark.integration

OPERATIONS: list[Operation] = [
    *KIT_OPERATIONS,
    ("POST", "/api/v1/events", {}),
    ("GET", "/api/v1/events", {}),
    ("GET", "/api/v1/gaps", {}),
    ("GET", "/api/v1/calls", {}),
]


@pytest.fixture(scope="module")
def contract_app(module_service_settings: dict[str, Any]) -> FastAPI:
    settings = Settings(
        **module_service_settings, geonames_path=GEONAMES, submit_rate_limit="100000/minute"
    )
    return create_app(settings)


(
    contract_schema,
    test_the_api_answers_as_documented_and_never_fails,
    test_every_documented_operation_is_tested,
) = contract_tests(OPERATIONS)
