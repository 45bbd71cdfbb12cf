"""deploy/k8s, checked offline: both overlays and the engines build with `kubectl kustomize`, every
resource validates (built-in kinds strictly against a fixed Kubernetes version, custom resources
against tests/deploy/schemas.py), and what the runbook and the code promise holds in the manifests:
probes, limits, non-root read-only pods, drain time, disruption budgets, replicas, autoscaling on
the services' real queues, quorum queues, the engines. Settings, secrets and network policies:
test_k8s_config.py."""

import re

import jsonschema
import kubernetes_validate
import pytest
from together_kit.runtime import BROKER_GRACEFUL_SECONDS, RELAY_LAST_PASS_SECONDS
from together_kit.serve import HTTP_GRACEFUL_SECONDS

from .conftest import (
    SERVICES,
    Resource,
    ServiceFacts,
    all_containers,
    deployments,
    named,
    of_kind,
    pod_spec,
)
from .schemas import CUSTOM

pytestmark = pytest.mark.unit

KUBERNETES_VERSION = "1.32.0"
APP_OVERLAYS = ("dev", "production")
DATA_NAMESPACE = "together-data"
TMP = "/tmp"  # noqa: S108 (the pods' own emptyDir, not a file this test writes)


# --- every resource is valid ---------------------------------------------------------------


@pytest.mark.parametrize("overlay", ["dev", "production", "engines"])
def test_every_resource_validates(rendered: dict[str, list[Resource]], overlay: str) -> None:
    resources = rendered[overlay]
    assert resources, f"{overlay} rendered nothing"
    for resource in resources:
        validate(resource)


def test_the_plain_hpa_variant_validates_too(hpa_variant: list[Resource]) -> None:
    for resource in hpa_variant:
        validate(resource)
    assert {
        h["spec"]["scaleTargetRef"]["name"] for h in of_kind(hpa_variant, "HorizontalPodAutoscaler")
    } == set(SERVICES)
    assert not of_kind(hpa_variant, "ScaledObject")


def test_every_resource_lands_in_its_namespace(
    rendered: dict[str, list[Resource]], hpa_variant: list[Resource]
) -> None:
    """A resource without a namespace would be applied to `default`: a ScaledObject there would
    scale nothing, a NetworkPolicy there would protect nothing."""
    expected = {"dev": "together", "production": "together", "engines": DATA_NAMESPACE}
    for overlay, resources in [*rendered.items(), ("hpa", hpa_variant)]:
        for resource in resources:
            if resource["kind"] == "Namespace":
                continue
            where = f"{overlay}: {resource['kind']}/{resource['metadata']['name']}"
            assert resource["metadata"].get("namespace") == expected.get(overlay, "together"), where


def validate(resource: Resource) -> None:
    schema = CUSTOM.get((resource["apiVersion"], resource["kind"]))
    where = f"{resource['kind']}/{resource['metadata']['name']}"
    if schema is not None:
        jsonschema.validate(resource, schema)
        return
    try:
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        pytest.fail(f"{where} is not valid Kubernetes {KUBERNETES_VERSION}: {error.message}")


# --- pods ---------------------------------------------------------------------------------


@pytest.mark.parametrize("overlay", APP_OVERLAYS)
def test_each_service_has_a_deployment_probed_on_healthz_and_readyz(
    rendered: dict[str, list[Resource]], overlay: str, services: dict[str, ServiceFacts]
) -> None:
    found = deployments(rendered[overlay])
    assert set(found) == set(SERVICES)
    for name, deployment in found.items():
        [container] = pod_spec(deployment)["containers"]
        [port] = container["ports"]
        assert port == {"name": "http", "containerPort": services[name].port, "protocol": "TCP"}
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
        startup = container["startupProbe"]
        assert startup["httpGet"] == {"path": "/healthz", "port": "http"}
        # the kit waits up to STARTUP_PATIENCE_SECONDS (60) for the broker and the store
        assert startup["periodSeconds"] * startup["failureThreshold"] > 60


@pytest.mark.parametrize("overlay", APP_OVERLAYS)
def test_every_container_has_requests_and_limits(
    rendered: dict[str, list[Resource]], overlay: str
) -> None:
    for deployment in deployments(rendered[overlay]).values():
        for container in all_containers(deployment):
            resources = container["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]), container["name"]
            assert {"cpu", "memory"} <= set(resources["limits"]), container["name"]


@pytest.mark.parametrize("overlay", APP_OVERLAYS)
def test_pods_run_as_non_root_on_a_read_only_filesystem(
    rendered: dict[str, list[Resource]], overlay: str
) -> None:
    for deployment in deployments(rendered[overlay]).values():
        spec = pod_spec(deployment)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["runAsUser"] == 10001  # deploy/Dockerfile's USER
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert spec["automountServiceAccountToken"] is False
        volumes = {v["name"]: v for v in spec["volumes"]}
        for container in all_containers(deployment):
            context = container["securityContext"]
            assert context["runAsNonRoot"] is True
            assert context["readOnlyRootFilesystem"] is True
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"] == {"drop": ["ALL"]}
            assert context["seccompProfile"] == {"type": "RuntimeDefault"}
            tmp = [m for m in container["volumeMounts"] if m["mountPath"] == TMP]
            assert tmp, f"{container['name']} has a writable /tmp"
            assert "emptyDir" in volumes[tmp[0]["name"]]


@pytest.mark.parametrize("overlay", APP_OVERLAYS)
def test_grace_period_outlasts_the_prestop_pause_and_the_drain(
    rendered: dict[str, list[Resource]], overlay: str
) -> None:
    drain = HTTP_GRACEFUL_SECONDS + BROKER_GRACEFUL_SECONDS + RELAY_LAST_PASS_SECONDS
    for deployment in deployments(rendered[overlay]).values():
        spec = pod_spec(deployment)
        [container] = spec["containers"]
        command = container["lifecycle"]["preStop"]["exec"]["command"]
        assert command[0] == "sleep"
        pause = int(command[1])
        assert pause >= 5, "endpoints need a few seconds to drop the pod before it stops listening"
        assert spec["terminationGracePeriodSeconds"] > pause + drain


@pytest.mark.parametrize("overlay", APP_OVERLAYS)
def test_each_deployment_has_a_disruption_budget_on_its_own_pods(
    rendered: dict[str, list[Resource]], overlay: str
) -> None:
    resources = rendered[overlay]
    budgets = of_kind(resources, "PodDisruptionBudget")
    for name, deployment in deployments(resources).items():
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
        matching = [b for b in budgets if b["spec"]["selector"]["matchLabels"] == selector]
        assert len(matching) == 1, f"{name} needs exactly one PodDisruptionBudget"
        assert matching[0]["spec"].get("maxUnavailable") == 1
        service = named(resources, "Service", name)
        assert service["spec"]["selector"] == selector


# --- replicas and autoscaling --------------------------------------------------------------


def test_dev_runs_one_replica_of_each_and_no_autoscaler(
    rendered: dict[str, list[Resource]],
) -> None:
    dev = rendered["dev"]
    assert {d["spec"]["replicas"] for d in deployments(dev).values()} == {1}
    assert not of_kind(dev, "ScaledObject")
    assert not of_kind(dev, "HorizontalPodAutoscaler")


def test_production_runs_two_or_more_and_keda_alone_scales_each(
    rendered: dict[str, list[Resource]],
) -> None:
    production = rendered["production"]
    for name, deployment in deployments(production).items():
        assert deployment["spec"]["replicas"] >= 2, name
        image = pod_spec(deployment)["containers"][0]["image"]
        assert re.search(r":[\w.-]+$", image), f"{image} names no tag"
        assert not image.endswith(":latest"), image
    scaled = {s["spec"]["scaleTargetRef"]["name"]: s for s in of_kind(production, "ScaledObject")}
    assert set(scaled) == set(SERVICES)
    for scaled_object in scaled.values():
        spec = scaled_object["spec"]
        assert spec["scaleTargetRef"]["kind"] == "Deployment"
        assert 2 <= spec["minReplicaCount"] < spec["maxReplicaCount"]
        cpu = [t for t in spec["triggers"] if t["type"] == "cpu"]
        assert cpu == [{"type": "cpu", "metricType": "Utilization", "metadata": {"value": "70"}}]
    # KEDA makes its own HPA from each ScaledObject: a second one would fight it
    assert not of_kind(production, "HorizontalPodAutoscaler")


def test_scaled_objects_watch_exactly_the_services_real_consumer_queues(
    rendered: dict[str, list[Resource]], services: dict[str, ServiceFacts]
) -> None:
    production = rendered["production"]
    auth_names = {a["metadata"]["name"] for a in of_kind(production, "TriggerAuthentication")}
    for scaled_object in of_kind(production, "ScaledObject"):
        service = services[scaled_object["spec"]["scaleTargetRef"]["name"]]
        rabbit = [t for t in scaled_object["spec"]["triggers"] if t["type"] == "rabbitmq"]
        queues = {t["metadata"]["queueName"] for t in rabbit}
        assert queues == {c.name for c in service.consumers}, service.name
        for trigger in rabbit:
            assert trigger["metadata"]["mode"] == "QueueLength"
            assert float(trigger["metadata"]["value"]) > 0
            assert trigger["authenticationRef"]["name"] in auth_names


def test_consumer_queues_are_quorum_queues_that_dead_letter(
    services: dict[str, ServiceFacts],
) -> None:
    for service in services.values():
        assert service.consumers, f"{service.name} declares no consumer"
        for topology in service.consumers:
            assert topology.name.startswith(f"{service.name}.")
            for queue in topology.queues():
                arguments = queue.arguments or {}
                assert queue.durable
                assert arguments["x-queue-type"] == "quorum"
                assert arguments["x-delivery-limit"] == topology.delivery_limit > 0
                assert arguments["x-dead-letter-exchange"] == f"{service.name}.direct"
                assert arguments["x-dead-letter-routing-key"] == f"{service.name}.dead"
                assert arguments["x-dead-letter-strategy"] == "at-least-once"
            retry = topology.retry_queue().arguments or {}
            assert retry["x-queue-type"] == "quorum"
            assert retry["x-dead-letter-exchange"] == f"{service.name}.direct"
            assert retry["x-dead-letter-routing-key"] == topology.name
            assert (topology.dead_queue().arguments or {})["x-queue-type"] == "quorum"


# --- engines ------------------------------------------------------------------------------


def test_engines_are_a_three_node_rabbitmq_and_a_three_member_replica_set(
    rendered: dict[str, list[Resource]],
) -> None:
    engines = rendered["engines"]
    assert {r["metadata"].get("namespace") for r in engines if r["kind"] != "Namespace"} == {
        DATA_NAMESPACE
    }
    [rabbit] = of_kind(engines, "RabbitmqCluster")
    assert rabbit["spec"]["replicas"] == 3
    assert "default_queue_type = quorum" in rabbit["spec"]["rabbitmq"]["additionalConfig"]
    [mongo] = of_kind(engines, "MongoDBCommunity")
    assert mongo["spec"]["members"] == 3
    assert mongo["spec"]["type"] == "ReplicaSet"
    assert mongo["spec"]["additionalConnectionStringConfig"]["w"] == "majority"
    users = {u["name"]: u for u in mongo["spec"]["users"]}
    for name in SERVICES:
        assert users[name]["roles"] == [{"name": "readWrite", "db": name}], name
        assert users[name]["connectionStringSecretName"] == f"together-mongodb-{name}"
