"""Where the tests' broker and store come from, in order of preference.

1. `RABBITMQ_URL` / `MONGODB_URL` when set: the developer's own servers.
2. testcontainers (official RabbitMQ and MongoDB images) when a Docker engine answers.
3. Otherwise the RabbitMQ on 127.0.0.1:5672 in a fresh virtual host per test session, and nx-27017
   started on a free port in a temporary folder.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from together_kit.dev.stack import EmbeddedStore, local_vhost

LOCAL_RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/"


def docker_available() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
    except Exception:
        return False
    return True


@contextmanager
def broker_url() -> Iterator[str]:
    if url := os.environ.get("RABBITMQ_URL"):
        yield url
    elif docker_available():
        from testcontainers.rabbitmq import RabbitMqContainer

        with RabbitMqContainer("rabbitmq:3.13-management") as container:
            params = container.get_connection_params()
            yield f"amqp://guest:guest@{params.host}:{params.port}/"
    else:
        with local_vhost(LOCAL_RABBITMQ) as url:
            yield url


@contextmanager
def store_url(tmp_dir: Path) -> Iterator[str]:
    if url := os.environ.get("MONGODB_URL"):
        yield url
    elif docker_available():
        from testcontainers.mongodb import MongoDbContainer

        with MongoDbContainer("mongo:8.0") as container:
            yield container.get_connection_url()
    else:
        store = EmbeddedStore(tmp_dir / "store").start()
        try:
            yield store.url
        finally:
            store.stop()
