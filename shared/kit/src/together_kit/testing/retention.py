"""What tests ask of a collection's retention: its TTL index and the ids still there."""

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

Document = dict[str, Any]


async def ttl_seconds(collection: AsyncCollection[Document], field: str) -> int | None:
    """`expireAfterSeconds` of the single-field index on `field`, or None if there is none."""
    for index in (await collection.index_information()).values():
        if [key for key, _ in index["key"]] == [field]:
            seconds = index.get("expireAfterSeconds")
            return None if seconds is None else int(seconds)
    return None


async def ids(collection: AsyncCollection[Document]) -> list[str]:
    """Every `_id` in the collection, sorted (nx-27017 has no `distinct` on `_id`)."""
    return sorted([str(document["_id"]) async for document in collection.find({}, {"_id": 1})])
