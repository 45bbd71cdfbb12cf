"""Property test of a service's JSON API against its own OpenAPI (schemathesis): no 5xx, and no
response that breaks the documented schema.

Schemathesis reaches the ASGI app in-process and runs its lifespan on its own event-loop thread;
valid (positive) and invalid (negative) requests are generated from the schema.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.schemas import BaseSchema

MAX_EXAMPLES = 50
MODES = list(GenerationMode)


@contextmanager
def openapi_of(app: FastAPI) -> Iterator[BaseSchema]:
    """The app's `/openapi.json`, read in-process; the app's lifespan is shut down afterwards."""
    try:
        yield schemathesis.openapi.from_asgi("/openapi.json", app)
    finally:
        shutdown_lifespans()


def answers_as_documented(
    schema: BaseSchema,
    method: str,
    path: str,
    mode: GenerationMode,
    *,
    headers: Mapping[str, str] | None = None,
    max_examples: int = MAX_EXAMPLES,
) -> None:
    """Call one operation with generated requests; fail on a 5xx or an undocumented response."""
    operation = schema[path][method]

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: Any) -> None:
        case.call_and_validate(
            headers=dict(headers or {}), checks=[not_a_server_error, response_schema_conformance]
        )

    check()
