"""What tests ask of a collection's retention: its TTL index and the ids still there."""

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from together_kit.retention import RECORDED, is_embedded_store

Document = dict[str, Any]


async def ttl_seconds(collection: AsyncCollection[Document], field: str) -> int | None:
    """The retention kept for `field`, or None if there is none: the `expireAfterSeconds` of
    its TTL index on MongoDB; on nx-27017, where the sweep alone expires records over a plain
    index, the seconds recorded beside it (`together_kit.retention`)."""
    for index in (await collection.index_information()).values():
        if [key for key, _ in index["key"]] != [field]:
            continue
        if (seconds := index.get("expireAfterSeconds")) is not None:
            return int(seconds)
        if await is_embedded_store(collection):
            recorded = await collection.database[RECORDED].find_one(
                {"_id": f"{collection.name}.{field}"}
            )
            return None if recorded is None else int(recorded["seconds"])
    return None


async def ids(collection: AsyncCollection[Document]) -> list[str]:
    """Every `_id` in the collection, sorted (nx-27017 has no `distinct` on `_id`)."""
    return sorted([str(document["_id"]) async for document in collection.find({}, {"_id": 1})])
