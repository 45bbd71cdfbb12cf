"""Property test of a service's JSON API against its own OpenAPI (schemathesis): no 5xx, and no
response the document does not describe (its status code, its content type, its body).

Schemathesis reaches the ASGI app in-process and runs its lifespan on its own event-loop thread;
valid (positive) and invalid (negative) requests are generated from the schema.
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


def contract_tests(operations: list[Operation]) -> tuple[Callable[..., None], Callable[..., None]]:
    """The two contract tests of a service whose API covers `operations`. Both take the service
    module's `contract_app` fixture (its app, made with the test's settings); bind them to test
    names in that module:

        test_the_api_answers_as_documented_and_never_fails, test_every_documented_operation_is_tested = (
            contract_tests(OPERATIONS)
        )
    """

    @pytest.mark.parametrize(
        ("method", "path", "headers"), operations, ids=[f"{m} {p}" for m, p, _ in operations]
    )
    @pytest.mark.parametrize("mode", MODES, ids=str)
    def answers(
        contract_app: FastAPI, method: str, path: str, headers: dict[str, str], mode: GenerationMode
    ) -> None:
        """One operation answers generated valid or invalid requests as documented."""
        with openapi_of(contract_app) as schema:
            answers_as_documented(schema, method, path, mode, headers=headers)

    def covers(contract_app: FastAPI) -> None:
        """The operations tested are exactly those the OpenAPI document describes."""
        with openapi_of(contract_app) as schema:
            documented = documented_operations(schema)
        assert documented == {(method, path) for method, path, _ in operations}

    return answers, covers
