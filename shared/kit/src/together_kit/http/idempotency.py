"""`Idempotency-Key` for POST APIs: a retried request gets the first response, not a second record.

The first response is stored under (scope, key) with a hash of the request body; the same key with a
different body is refused with 422 rather than silently answered with someone else's response.
"""

import contextlib
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Header, HTTPException, Request, status
from fastapi.responses import JSONResponse
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=200,
        description="Any unique string (a UUID is ideal); retries with the same key and body "
        "return the first response without creating a second record.",
    ),
]


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: Any


def request_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class IdempotencyStore:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self.collection = collection

    async def recall(self, *, scope: str, key: str, body_hash: str) -> StoredResponse | None:
        stored = await self.collection.find_one({"_id": f"{scope}:{key}"})
        if stored is None:
            return None
        if stored["request_hash"] != body_hash:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                [
                    {
                        "loc": ["header", "Idempotency-Key"],
                        "msg": "This Idempotency-Key was already used for a different request.",
                        "type": "idempotency_key_reused",
                    }
                ],
            )
        return StoredResponse(stored["status_code"], stored["body"])

    async def remember(
        self, *, scope: str, key: str, body_hash: str, response: StoredResponse
    ) -> None:
        with contextlib.suppress(DuplicateKeyError):
            await self.collection.insert_one(
                {
                    "_id": f"{scope}:{key}",
                    "request_hash": body_hash,
                    "status_code": response.status_code,
                    "body": response.body,
                    "created_at": datetime.now(UTC),
                }
            )


async def run_once(
    request: Request,
    store: IdempotencyStore,
    key: str | None,
    *,
    scope: str,
    run: Callable[[], Awaitable[StoredResponse]],
) -> JSONResponse:
    """Answer a POST once per Idempotency-Key: replay the stored response, or run and store it."""
    body_hash = request_hash(await request.body())
    if key is not None:
        stored = await store.recall(scope=scope, key=key, body_hash=body_hash)
        if stored is not None:
            return JSONResponse(
                stored.body, status_code=stored.status_code, headers={"Idempotent-Replayed": "true"}
            )
    response = await run()
    if key is not None:
        await store.remember(scope=scope, key=key, body_hash=body_hash, response=response)
    return JSONResponse(response.body, status_code=response.status_code)


@dataclass(frozen=True)
class Once:
    """What `run_once` needs of a request: the request, the service's store and the key sent."""

    request: Request
    store: IdempotencyStore
    key: str | None

    async def run(self, scope: str, run: Callable[[], Awaitable[StoredResponse]]) -> JSONResponse:
        return await run_once(self.request, self.store, self.key, scope=scope, run=run)


async def once(request: Request, key: IdempotencyKey = None) -> Once:
    """`Once` for this request, with the service's `app.state.idempotency`.

    A coroutine, as is every dependency on a hot path: FastAPI runs a plain function in a worker
    thread, a hand-off that costs more than the function."""
    store: IdempotencyStore = request.app.state.idempotency
    return Once(request, store, key)


OnceDep = Annotated[Once, Depends(once)]
"""A POST route's dependency for answering once per `Idempotency-Key` (the service keeps its
`IdempotencyStore` as `app.state.idempotency`)."""
