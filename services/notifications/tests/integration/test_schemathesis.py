"""The API against its own OpenAPI: the kit's contract tests (together_kit.testing.contract)."""

from typing import Any

import pytest
from fastapi import FastAPI
from notifications.bootstrap import create_app
from together_kit.dev.mailsink import MailSink
from together_kit.testing.contract import KIT_OPERATIONS, Operation, contract_tests

from .conftest import ADMIN_KEY, settings_of_tests

pytestmark = pytest.mark.integration

ADMIN = {"X-API-Key": ADMIN_KEY}
OPERATIONS: list[Operation] = [
    *KIT_OPERATIONS,
    ("GET", "/api/v1/messages", ADMIN),
    ("POST", "/sms/inbound", {}),
    ("POST", "/sms/receipts", {}),
]


@pytest.fixture(scope="module")
def contract_app(module_service_settings: dict[str, Any], session_mail_sink: MailSink) -> FastAPI:
    return create_app(
        settings_of_tests(module_service_settings, smtp_port=session_mail_sink.smtp_port)
    )


(
    contract_schema,
    test_the_api_answers_as_documented_and_never_fails,
    test_every_documented_operation_is_tested,
) = contract_tests(OPERATIONS)
