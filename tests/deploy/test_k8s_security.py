"""deploy/k8s, what keeps one part from reaching more than it needs: one RabbitMQ user per service
holding only its own queues and together.events, TLS to RabbitMQ and MongoDB on every connection,
and no operator page (/metrics, /docs, /redoc, /openapi.json, /asyncapi.json) on the public
Ingress."""

import re

import pytest
from together_kit.messaging.topology import broker_permissions

from .conftest import (
    SERVICES,
    Resource,
    ServiceFacts,
    deployments,
    of_kind,
    pod_spec,
    routed_to,
)

pytestmark = pytest.mark.unit

APP_OVERLAYS = ("dev", "production")
VHOST = "together"
CA_MOUNT = "/etc/together/ca"
OPERATOR_PATHS = (
    "/metrics",
    "/docs",
    "/docs/oauth2-redirect",
    "/docs/assets/swagger-ui-bundle.js",
    "/redoc",
    "/openapi.json",
    "/asyncapi.json",
)
PUBLIC_PATHS = {
    "/": "signups",
    "/join": "signups",
    "/stories": "moderation",
    "/healthz": "signups",
    "/api/v1/signups": "signups",
    "/metricsfoo": "signups",
}
PUBLIC_HOST = "together.example"


# --- RabbitMQ: one user per service, least privilege -----------------------------------------


def by_name(resources: list[Resource], kind: str) -> dict[str, Resource]:
    return {r["metadata"]["name"]: r for r in of_kind(resources, kind)}


def test_each_service_has_its_own_rabbitmq_user_with_only_its_permissions(
    rendered: dict[str, list[Resource]],
) -> None:
    engines = rendered["engines"]
    [vhost] = of_kind(engines, "Vhost")
    assert vhost["spec"]["name"] == VHOST
    users, permissions = by_name(engines, "User"), by_name(engines, "Permission")
    assert set(users) == {f"together-{name}" for name in (*SERVICES, "keda")}
    for name in SERVICES:
        user = users[f"together-{name}"]["spec"]
        assert user["importCredentialsSecret"]["name"] == f"together-rabbitmq-{name}"
        assert not user.get("tags"), f"{name} needs no management tag"
        [granted] = [
            p["spec"]
            for p in permissions.values()
            if p["spec"]["userReference"]["name"] == f"together-{name}"
        ]
        assert granted["vhost"] == VHOST
        expected = broker_permissions(name)
        assert granted["permissions"] == {
            "configure": expected.configure,
            "write": expected.write,
            "read": expected.read,
        }, name
        assert not [right for right in granted["permissions"].values() if "amq" in right], name
    keda = permissions["together-keda"]["spec"]["permissions"]
    assert set(keda.values()) == {"^$"}
    assert users["together-keda"]["spec"]["tags"] == ["monitoring"]


def test_a_service_user_reaches_its_own_queues_and_the_events_exchange_only(
    services: dict[str, ServiceFacts],
) -> None:
    """Checked as RabbitMQ checks them (a regex search on the name) against every real queue."""
    for name, facts in services.items():
        allowed = broker_permissions(name)
        own = {c.name for c in facts.consumers} | {f"{name}.dead"}
        own |= {c.retry_name for c in facts.consumers}
        others = {
            queue
            for other, other_facts in services.items()
            if other != name
            for c in other_facts.consumers
            for queue in (c.name, c.retry_name, c.dead_name)
        }
        for pattern in (allowed.configure, allowed.write, allowed.read):
            assert all(re.search(pattern, queue) for queue in own), name
            assert not [queue for queue in others if re.search(pattern, queue)], name
            assert re.search(pattern, "together.events")
            assert not re.search(pattern, "amq.topic")
            assert re.search(pattern, f"{name}.direct")
            assert not re.search(pattern, "amq.default"), name
            assert not [
                other
                for other in services
                if other != name and re.search(pattern, f"{other}.direct")
            ]


def test_the_runbook_grants_no_service_everything(runbook: str) -> None:
    assert "set_permissions" not in runbook
    assert "'.*' '.*' '.*'" not in runbook.replace("Never grant a service `'.*' '.*' '.*'`", "")


# --- TLS to RabbitMQ and MongoDB ---------------------------------------------------------------


def test_the_engines_accept_tls_connections_only(rendered: dict[str, list[Resource]]) -> None:
    [rabbit] = of_kind(rendered["engines"], "RabbitmqCluster")
    assert rabbit["spec"]["tls"]["secretName"]
    assert rabbit["spec"]["tls"]["disableNonTLSListeners"] is True
    [mongo] = of_kind(rendered["engines"], "MongoDBCommunity")
    tls = mongo["spec"]["security"]["tls"]
    assert tls["enabled"] is True
    assert tls["optional"] is False
    assert tls["certificateKeySecretRef"]["name"]
    assert tls["caConfigMapRef"]["name"]
    assert mongo["spec"]["additionalConnectionStringConfig"]["tls"] is True


def shell_function(runbook: str, name: str) -> str:
    match = re.search(rf"^{name}\(\) \{{(.*)\}}", runbook, re.MULTILINE)
    assert match, f"deploy/README.md defines no {name}()"
    return match.group(1)


def test_the_services_urls_ask_for_tls_and_trust_the_mounted_ca(runbook: str) -> None:
    amqp = shell_function(runbook, "amqp_url")
    assert "amqps://" in amqp
    assert ":5671/" in amqp
    assert f"cafile={CA_MOUNT}/ca.crt" in amqp
    mongo = shell_function(runbook, "mongo_url")
    assert "connectionString" in mongo  # the operator's, which asks for tls=true (engines)
    assert f"tlsCAFile={CA_MOUNT}/ca.crt" in mongo
    assert "amqp://" not in runbook
    keda = re.search(r'--from-literal=host="([^"]+)"', runbook)
    assert keda
    assert keda.group(1).startswith("https://")


@pytest.mark.parametrize("overlay", APP_OVERLAYS)
def test_every_pod_mounts_the_ca(rendered: dict[str, list[Resource]], overlay: str) -> None:
    for name, deployment in deployments(rendered[overlay]).items():
        spec = pod_spec(deployment)
        volumes = {v["name"]: v for v in spec["volumes"]}
        mounts = {m["mountPath"]: m for m in spec["containers"][0]["volumeMounts"]}
        assert mounts[CA_MOUNT]["readOnly"] is True, name
        assert volumes[mounts[CA_MOUNT]["name"]]["configMap"]["name"] == "together-ca", name


# --- the public Ingress ------------------------------------------------------------------------


@pytest.mark.parametrize("overlay", APP_OVERLAYS)
def test_operator_pages_are_not_routed_by_the_public_ingress(
    rendered: dict[str, list[Resource]], overlay: str
) -> None:
    resources = rendered[overlay]
    ingresses = of_kind(resources, "Ingress")
    services = by_name(resources, "Service")
    hosts = {rule["host"]: rule for ingress in ingresses for rule in ingress["spec"]["rules"]}
    assert set(hosts) == {PUBLIC_HOST}, "one public host for the whole site"
    for host in hosts:
        for path, service in PUBLIC_PATHS.items():
            assert routed_to(ingresses, host, path) == service, (host, path)
        for path in OPERATOR_PATHS:
            target = routed_to(ingresses, host, path)
            assert target not in SERVICES, (host, path)
            assert target is None or "selector" not in services[target]["spec"], target
