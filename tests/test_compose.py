"""The compose file and the shared Dockerfile wire every service the same way."""

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
SERVICES = {"signups": 8001, "moderation": 8002, "matching": 8003, "notifications": 8004}
INFRASTRUCTURE = ("rabbitmq", "mongodb")


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert "version" not in compose
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return (ROOT / "deploy" / "Dockerfile").read_text()


def command_text(test: str | list[str]) -> str:
    return test if isinstance(test, str) else " ".join(test)


def test_rabbitmq_has_the_management_plugin(services: dict[str, Any]) -> None:
    assert "management" in services["rabbitmq"]["image"]


def test_mongodb_runs_and_initiates_a_replica_set(services: dict[str, Any]) -> None:
    mongodb = services["mongodb"]
    assert "--replSet" in command_text(mongodb["command"])
    assert "rs.initiate" in command_text(mongodb["healthcheck"]["test"])


def test_mailpit_is_present(services: dict[str, Any]) -> None:
    assert "mailpit" in services["mailpit"]["image"]


@pytest.mark.parametrize(("name", "port"), SERVICES.items())
def test_service_builds_from_the_shared_dockerfile(
    services: dict[str, Any], name: str, port: int
) -> None:
    build = services[name]["build"]
    assert build["context"] == "."
    assert build["dockerfile"] == "deploy/Dockerfile"
    assert build["args"]["SERVICE"] == name
    assert str(build["args"]["PORT"]) == str(port)


@pytest.mark.parametrize(("name", "port"), SERVICES.items())
def test_service_listens_and_is_probed_on_its_port(
    services: dict[str, Any], name: str, port: int
) -> None:
    service = services[name]
    prefix = name.upper()
    assert service["environment"][f"{prefix}_HOST"] == "0.0.0.0"
    assert str(service["environment"][f"{prefix}_PORT"]) == str(port)
    assert f"127.0.0.1:{port}:{port}" in service["ports"]
    assert f"127.0.0.1:{port}/readyz" in command_text(service["healthcheck"]["test"])


@pytest.mark.parametrize("name", SERVICES)
def test_service_waits_for_healthy_infrastructure(services: dict[str, Any], name: str) -> None:
    depends_on = services[name]["depends_on"]
    for dependency in INFRASTRUCTURE:
        assert depends_on[dependency] == {"condition": "service_healthy"}


def test_notifications_waits_for_mailpit(services: dict[str, Any]) -> None:
    assert services["notifications"]["depends_on"]["mailpit"] == {"condition": "service_healthy"}


def test_every_dependency_has_a_healthcheck(services: dict[str, Any]) -> None:
    dependencies = {dep for service in services.values() for dep in service.get("depends_on", {})}
    assert dependencies
    for dependency in dependencies:
        assert services[dependency]["healthcheck"]["test"]


def test_dockerfile_is_multi_stage_and_syncs_the_lock(dockerfile: str) -> None:
    assert len(re.findall(r"^FROM\s", dockerfile, re.MULTILINE)) >= 2
    assert "uv sync --frozen" in dockerfile
    assert "ARG SERVICE" in dockerfile


def test_dockerfile_runs_as_a_non_root_user(dockerfile: str) -> None:
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.MULTILINE)
    assert users
    assert users[-1].split(":")[0] not in {"root", "0"}


def test_dockerfile_healthcheck_probes_readyz(dockerfile: str) -> None:
    healthcheck = re.search(r"^HEALTHCHECK\b.*?(?<!\\)$", dockerfile, re.MULTILINE | re.DOTALL)
    assert healthcheck
    assert "/readyz" in healthcheck.group(0)


# --- nothing listens beyond the machine; no credential is written in the file ------------------

REQUIRED = re.compile(r"\$\{([A-Z][A-Z0-9_]*):\?[^}]*\}")


@pytest.fixture(scope="module")
def compose_text() -> str:
    return (ROOT / "docker-compose.yml").read_text()


def test_every_port_is_bound_to_the_loopback_address(services: dict[str, Any]) -> None:
    published = [(name, port) for name, s in services.items() for port in s.get("ports", [])]
    assert len(published) >= len(SERVICES) + len(INFRASTRUCTURE)
    for name, port in published:
        assert isinstance(port, str), f"{name}: write ports as 127.0.0.1:HOST:CONTAINER"
        assert port.startswith("127.0.0.1:"), f"{name} publishes {port} on every interface"


def test_credentials_come_from_the_env_file(services: dict[str, Any], compose_text: str) -> None:
    """Compose refuses to start (`${NAME:?...}`) until .env gives every credential."""
    assert "guest" not in compose_text
    rabbitmq = services["rabbitmq"]["environment"]
    mongodb = services["mongodb"]["environment"]
    for value in (
        rabbitmq["RABBITMQ_DEFAULT_USER"],
        rabbitmq["RABBITMQ_DEFAULT_PASS"],
        mongodb["MONGO_INITDB_ROOT_USERNAME"],
        mongodb["MONGO_INITDB_ROOT_PASSWORD"],
    ):
        assert REQUIRED.fullmatch(value), value
    for name in SERVICES:
        environment = services[name]["environment"]
        for variable in ("RABBITMQ_URL", "MONGODB_URL"):
            assert len(REQUIRED.findall(environment[variable])) == 2, (name, variable)
        secret = environment[f"{name.upper()}_SECRET_KEY"]
        assert REQUIRED.fullmatch(secret), name
        assert environment["ERASURE_KEY"] == "${ERASURE_KEY:?set it in .env}", name


def test_the_env_example_names_every_credential_and_env_is_ignored(compose_text: str) -> None:
    example = (ROOT / ".env.example").read_text()
    given = dict(
        line.split("=", 1) for line in example.splitlines() if line and not line.startswith("#")
    )
    assert set(REQUIRED.findall(compose_text)) == set(given)
    secrets = {name: value for name, value in given.items() if not name.endswith("_USER")}
    assert all(value.startswith("change-me") for value in secrets.values()), "placeholders only"
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", ".env"], cwd=ROOT, check=False, capture_output=True
    )
    assert ignored.returncode == 0, ".env must be git-ignored"


def test_nothing_outside_the_repository_is_mounted_or_named() -> None:
    """A fresh clone has no `../shared`: the district table ships in the kit."""
    text = (ROOT / "docker-compose.yml").read_text()
    assert "../" not in text
