"""Property test of a service's JSON API against its own OpenAPI (schemathesis): no 5xx, and no
response the document does not describe (its status code, its content type, its body).

Schemathesis reaches the ASGI app in-process and runs its lifespan on its own event-loop thread;
valid (positive) and invalid (negative) requests are generated from the schema. The app starts
once per test module (starting it costs more than a test's requests): schemathesis' own pytest
plugin, which would end every lifespan after each test, is off (`-p no:schemathesis` in
pyproject.toml; these tests use hypothesis directly, not the plugin).
"""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.schemas import BaseSchema

MAX_EXAMPLES = 50
MODES = list(GenerationMode)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}
Operation = tuple[str, str, dict[str, str]]
"""(method, path, headers to send): one operation a service's contract test covers."""
KIT_OPERATIONS: list[Operation] = [
    ("GET", "/healthz", {}),
    ("GET", "/readyz", {}),
    ("GET", "/metrics", {}),
    ("GET", "/asyncapi.json", {}),
]
"""What every service serves through the kit's runtime, besides its own API."""


@contextmanager
def openapi_of(app: FastAPI) -> Iterator[BaseSchema]:
    """The app's `/openapi.json`, read in-process; the app's lifespan is shut down afterwards."""
    try:
        yield schemathesis.openapi.from_asgi("/openapi.json", app)
    finally:
        shutdown_lifespans()


def documented_operations(schema: BaseSchema) -> set[tuple[str, str]]:
    """Every `(METHOD, path)` the OpenAPI document describes."""
    paths: dict[str, dict[str, Any]] = schema.raw_schema["paths"]
    return {
        (method.upper(), path)
        for path, item in paths.items()
        for method in item
        if method in HTTP_METHODS
    }


def takes_input(operation: Any) -> bool:
    """Whether an operation has any parameter or a body, i.e. anything a request could get wrong."""
    definition: dict[str, Any] = operation.definition.raw
    return bool(definition.get("parameters") or definition.get("requestBody"))


def answers_as_documented(
    schema: BaseSchema,
    method: str,
    path: str,
    mode: GenerationMode,
    *,
    headers: Mapping[str, str] | None = None,
    max_examples: int = MAX_EXAMPLES,
) -> None:
    """Call one operation with generated requests; fail on a 5xx or an undocumented response
    (a status code, a content type or a body the document does not describe)."""
    operation = schema[path][method]
    if mode is GenerationMode.NEGATIVE and not takes_input(operation):
        pytest.skip("no parameters or body to make invalid")

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: Any) -> None:
        case.call_and_validate(headers=dict(headers or {}), checks=CHECKS)

    check()


ContractTests = tuple[Callable[..., Iterator[BaseSchema]], Callable[..., None], Callable[..., None]]


def contract_tests(operations: list[Operation]) -> ContractTests:
    """The contract schema fixture and the two contract tests of a service whose API covers
    `operations`. They take the service module's `contract_app` fixture: its app, made with
    `module_service_settings` (module-scoped, as the schema is: the app starts once per module
    and its requests share one database). Bind the three to these names in that module:

        contract_schema, test_the_api_answers_as_documented_and_never_fails, test_every_documented_operation_is_tested = (
            contract_tests(OPERATIONS)
        )
    """

    @pytest.fixture(scope="module")
    def schema(contract_app: FastAPI) -> Iterator[BaseSchema]:
        """The app's OpenAPI document, its lifespan running until the module's tests are done."""
        with openapi_of(contract_app) as document:
            yield document

    @pytest.mark.parametrize(
        ("method", "path", "headers"), operations, ids=[f"{m} {p}" for m, p, _ in operations]
    )
    @pytest.mark.parametrize("mode", MODES, ids=str)
    def answers(
        contract_schema: BaseSchema,
        method: str,
        path: str,
        headers: dict[str, str],
        mode: GenerationMode,
    ) -> None:
        """One operation answers generated valid or invalid requests as documented."""
        answers_as_documented(contract_schema, method, path, mode, headers=headers)

    def covers(contract_schema: BaseSchema) -> None:
        """The operations tested are exactly those the OpenAPI document describes."""
        documented = documented_operations(contract_schema)
        assert documented == {(method, path) for method, path, _ in operations}

    return schema, answers, covers
