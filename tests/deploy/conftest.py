"""What the deploy checks read: the rendered Kustomize overlays, the runbook, and the services'
own settings and consumers, built from code (no broker or store is touched)."""

import asyncio
import importlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from together_kit.messaging.topology import ConsumerTopology

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
RUNBOOK = ROOT / "deploy" / "README.md"
SERVICES = ("signups", "moderation", "matching", "notifications")
OVERLAYS = {
    "dev": K8S / "overlays" / "dev",
    "production": K8S / "overlays" / "production",
    "engines": K8S / "engines",
}

Resource = dict[str, Any]


def kubectl() -> str | None:
    beside_python = Path(sys.executable).with_name("kubectl")
    return str(beside_python) if beside_python.exists() else shutil.which("kubectl")


def kustomize(directory: Path) -> list[Resource]:
    binary = kubectl()
    if binary is None:
        pytest.skip("kubectl is not installed (it is a dev dependency: run `uv sync --frozen`)")
    built = subprocess.run(
        [binary, "kustomize", str(directory)], capture_output=True, text=True, timeout=60
    )
    assert built.returncode == 0, f"kubectl kustomize {directory} failed:\n{built.stderr}"
    return [doc for doc in yaml.safe_load_all(built.stdout) if doc]


@pytest.fixture(scope="session")
def rendered() -> dict[str, list[Resource]]:
    return {name: kustomize(path) for name, path in OVERLAYS.items()}


def with_component(folder: Path, resources: Path, component: str) -> list[Resource]:
    """`resources` (the base or an overlay) with `components/<component>`, rendered from `folder`."""
    (folder / "kustomization.yaml").write_text(
        yaml.safe_dump(
            {
                "apiVersion": "kustomize.config.k8s.io/v1beta1",
                "kind": "Kustomization",
                "resources": [os.path.relpath(resources, folder)],
                "components": [os.path.relpath(K8S / "components" / component, folder)],
            }
        )
    )
    return kustomize(folder)


@pytest.fixture(scope="session")
def hpa_variant(tmp_path_factory: pytest.TempPathFactory) -> list[Resource]:
    """The base with components/hpa instead of components/keda, as a cluster without KEDA uses it."""
    return with_component(tmp_path_factory.mktemp("hpa-variant"), K8S / "base", "hpa")


@pytest.fixture(scope="session")
def texts_variant(tmp_path_factory: pytest.TempPathFactory) -> list[Resource]:
    """Production with components/texts-and-calls: texts through GOV.UK Notify, the voice line on."""
    folder = tmp_path_factory.mktemp("texts-variant")
    return with_component(folder, OVERLAYS["production"], "texts-and-calls")


def of_kind(resources: list[Resource], kind: str) -> list[Resource]:
    return [r for r in resources if r["kind"] == kind]


def named(resources: list[Resource], kind: str, name: str) -> Resource:
    [found] = [r for r in of_kind(resources, kind) if r["metadata"]["name"] == name]
    return found


def deployments(resources: list[Resource]) -> dict[str, Resource]:
    return {d["metadata"]["name"]: d for d in of_kind(resources, "Deployment")}


def pod_spec(deployment: Resource) -> dict[str, Any]:
    spec: dict[str, Any] = deployment["spec"]["template"]["spec"]
    return spec


def all_containers(deployment: Resource) -> list[dict[str, Any]]:
    spec = pod_spec(deployment)
    return [*spec.get("initContainers", []), *spec["containers"]]


def env_of(deployment: Resource) -> list[dict[str, Any]]:
    env: list[dict[str, Any]] = pod_spec(deployment)["containers"][0]["env"]
    return env


def matches(rule_path: dict[str, Any], path: str) -> bool:
    """Kubernetes Ingress matching: Exact is the whole path; Prefix is by `/`-separated element."""
    wanted = rule_path["path"]
    if rule_path["pathType"] == "Exact":
        return path == wanted
    prefix = wanted.rstrip("/")
    return prefix == "" or path == prefix or path.startswith(prefix + "/")


def routed_to(ingresses: list[Resource], host: str, path: str) -> str | None:
    """The Service a request reaches: an Exact match first, then the longest Prefix."""
    candidates = [
        rule_path
        for ingress in ingresses
        for rule in ingress["spec"]["rules"]
        if rule["host"] == host
        for rule_path in rule["http"]["paths"]
        if matches(rule_path, path)
    ]
    if not candidates:
        return None
    best = max(candidates, key=lambda p: (p["pathType"] == "Exact", len(p["path"])))
    service: str = best["backend"]["service"]["name"]
    return service


@dataclass(frozen=True)
class ServiceFacts:
    """What a service's code says about itself: env var names of its settings, default port,
    consumer queues (from its composition root) and periodic jobs."""

    name: str
    env_names: frozenset[str]
    port: int
    consumers: tuple[ConsumerTopology, ...]
    jobs: tuple[str, ...]


def env_names(settings_class: type[Any]) -> frozenset[str]:
    prefix = settings_class.model_config.get("env_prefix", "")
    names: set[str] = set()
    for field_name, field in settings_class.model_fields.items():
        alias = field.validation_alias
        choices = getattr(alias, "choices", None)
        if choices:
            names.update(str(choice) for choice in choices)
        else:
            names.add(f"{prefix}{field_name}".upper())
    return frozenset(names)


def service_facts(name: str) -> ServiceFacts:
    settings_class = importlib.import_module(f"{name}.settings").Settings
    bootstrap = importlib.import_module(f"{name}.bootstrap")
    settings = settings_class()
    app = bootstrap.create_app(settings)
    runtime = app.state.runtime
    try:
        return ServiceFacts(
            name=name,
            env_names=env_names(settings_class),
            port=settings.port,
            consumers=tuple(consumer.topology for consumer in runtime.consumers),
            jobs=tuple(job_name for job_name, _seconds, _job in runtime.periodic_jobs),
        )
    finally:
        asyncio.run(runtime.client.close())


@pytest.fixture(scope="session")
def services() -> dict[str, ServiceFacts]:
    return {name: service_facts(name) for name in SERVICES}


@pytest.fixture(scope="session")
def runbook() -> str:
    return RUNBOOK.read_text()
