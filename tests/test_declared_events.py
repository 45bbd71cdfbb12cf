"""Every event a service publishes is declared in its AsyncAPI document (so the catalogue names
its producer): a service's source that constructs an event model with `producer=` must list that
model in `runtime.publishes(...)`."""

import ast
import sys
from pathlib import Path

import pytest
from together_contracts import ALL_EVENTS

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from build_catalogue import documents

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
MODELS = {model.__name__: model.model_fields["type"].default for model in ALL_EVENTS}


def constructed(service: str) -> set[str]:
    """The event types whose models the service's own code builds as events it tells."""
    found: set[str] = set()
    for path in (ROOT / "services" / service / "src").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in MODELS and any(k.arg == "producer" for k in node.keywords):
                found.add(MODELS[name])
    return found


def declared(document: dict[str, object]) -> set[str]:
    operations = document.get("operations", {})
    assert isinstance(operations, dict)
    channels = document.get("channels", {})
    assert isinstance(channels, dict)
    told: set[str] = set()
    for operation in operations.values():
        if operation.get("action") != "send":
            continue
        reference = operation["channel"]["$ref"].rsplit("/", 1)[-1]
        told.add(channels[reference]["address"].split(":")[0].split("/")[-1])
    return told


@pytest.fixture(scope="module")
def asyncapi() -> dict[str, dict[str, object]]:
    return documents()


@pytest.mark.parametrize("service", ["signups", "moderation", "matching", "notifications"])
def test_every_event_a_service_builds_is_declared(
    service: str, asyncapi: dict[str, dict[str, object]]
) -> None:
    built = constructed(service)
    assert built, f"found no events built by {service}: the scan is broken"
    missing = built - declared(asyncapi[service])
    assert not missing, f"{service} publishes {sorted(missing)} without declaring them (publishes)"
