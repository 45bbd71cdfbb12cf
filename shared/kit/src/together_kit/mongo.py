"""The store's lifecycle: one AsyncMongoClient per service process, built in the lifespan."""

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from together_kit.settings import ServiceSettings

Document = dict[str, object]


def connect(settings: ServiceSettings) -> AsyncMongoClient[Document]:
    return AsyncMongoClient(
        settings.mongodb_url,
        tz_aware=True,
        uuidRepresentation="standard",
        serverSelectionTimeoutMS=int(settings.readiness_timeout_seconds * 1000),
        appname=f"together-{settings.service_name}",
    )


def database(
    client: AsyncMongoClient[Document], settings: ServiceSettings
) -> AsyncDatabase[Document]:
    return client[settings.database_name]


async def ping(client: AsyncMongoClient[Document]) -> bool:
    try:
        await client.admin.command("ping")
    except Exception:
        return False
    return True
