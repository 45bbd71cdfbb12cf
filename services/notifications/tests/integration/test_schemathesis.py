"""The API against its own OpenAPI: the kit's contract tests (together_kit.testing.contract)."""

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from notifications.bootstrap import create_app
from notifications.settings import Settings
from together_kit.testing.contract import KIT_OPERATIONS, Operation, contract_tests

from .conftest import ADMIN_KEY

pytestmark = pytest.mark.integration

ADMIN = {"X-API-Key": ADMIN_KEY}
OPERATIONS: list[Operation] = [
    *KIT_OPERATIONS,
    ("GET", "/api/v1/messages", ADMIN),
    ("POST", "/sms/inbound", {}),
    ("POST", "/sms/receipts", {}),
]


@pytest.fixture
def contract_app(settings_for: Callable[..., Settings]) -> FastAPI:
    return create_app(settings_for())


test_the_api_answers_as_documented_and_never_fails, test_every_documented_operation_is_tested = (
    contract_tests(OPERATIONS)
)
