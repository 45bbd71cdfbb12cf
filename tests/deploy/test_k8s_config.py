"""deploy/k8s's settings, secrets and network, checked against the code and the runbook: every
variable a pod is given is a real setting of its service and parses; every secret key the
manifests read is created by a command in deploy/README.md; traffic is denied unless opened."""

import importlib
import os
import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import (
    SERVICES,
    Resource,
    ServiceFacts,
    all_containers,
    deployments,
    env_of,
    named,
    of_kind,
    pod_spec,
)

pytestmark = pytest.mark.unit

APP_OVERLAYS = ("dev", "production")
DATA_NAMESPACE = "together-data"
ALLOWED_EGRESS = {5671, 27017}  # AMQP over TLS only (no 5672), MongoDB with TLS required
EXTRA_EGRESS = {"notifications": {587, 465, 25, 443}, "matching": {443}}
INGRESS_FROM = {"ingress-nginx", "monitoring"}
STAND_INS = {
    "RABBITMQ_URL": (
        "amqps://signups:secret@together-rabbitmq.together-data.svc:5671/together"
        "?cafile=/etc/together/ca/ca.crt"
    ),
    "MONGODB_URL": (
        "mongodb://u:p@together-mongodb-0.together-mongodb-svc:27017/admin?w=majority"
        "&tls=true&tlsCAFile=/etc/together/ca/ca.crt"
    ),
    "NOTIFICATIONS_NOTIFY_API_KEY": (
        "together-live-4a1f7c2e-0c6b-4d1e-9f0a-3b5c7d9e1f20-9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"
    ),
    "NOTIFICATIONS_NOTIFY_TEMPLATE_ID": "7d2c4b1a-3e5f-4a6b-8c9d-0e1f2a3b4c5d",
    "MODERATION_TWILIO_ACCOUNT_SID": "AC" + "0123456789abcdef" * 2,
}
"""Stand-ins for secrets whose value has a format; any other secret stands in as 48 characters."""
TEXTS = "production+texts-and-calls"
"""Production with components/texts-and-calls (texts by GOV.UK Notify, the voice line on)."""
VARIANTS = [*APP_OVERLAYS, TEXTS]
TEXTS_EGRESS = {"moderation": {443}}
"""What components/texts-and-calls opens: HTTPS out of moderation, for Twilio's recordings."""


@pytest.fixture(scope="session")
def variants(
    rendered: dict[str, list[Resource]], texts_variant: list[Resource]
) -> dict[str, list[Resource]]:
    """The apps' overlays, and production with texts and calls."""
    return {**{overlay: rendered[overlay] for overlay in APP_OVERLAYS}, TEXTS: texts_variant}


# --- network ------------------------------------------------------------------------------


def port_numbers(rule: dict[str, Any]) -> set[int]:
    return {int(p["port"]) for p in rule.get("ports", [])}


@pytest.mark.parametrize("overlay", VARIANTS)
def test_network_is_denied_by_default_and_opened_per_service(
    variants: dict[str, list[Resource]], overlay: str, services: dict[str, ServiceFacts]
) -> None:
    policies = of_kind(variants[overlay], "NetworkPolicy")
    deny = named(variants[overlay], "NetworkPolicy", "default-deny-all")["spec"]
    assert deny["podSelector"] == {}
    assert set(deny["policyTypes"]) == {"Ingress", "Egress"}
    assert "ingress" not in deny
    assert "egress" not in deny
    dns = named(variants[overlay], "NetworkPolicy", "allow-dns")["spec"]
    assert dns["podSelector"] == {}
    assert dns["policyTypes"] == ["Egress"]
    assert {port_numbers(rule) == {53} for rule in dns["egress"]} == {True}
    for name, facts in services.items():
        [policy] = [
            p
            for p in policies
            if p["spec"]["podSelector"].get("matchLabels") == {"app.kubernetes.io/name": name}
        ]
        spec = policy["spec"]
        for rule in spec["ingress"]:
            assert port_numbers(rule) == {facts.port}
            sources = {
                s["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
                for s in rule["from"]
            }
            assert sources <= INGRESS_FROM
        engines = [
            rule
            for rule in spec["egress"]
            if any(
                peer.get("namespaceSelector", {})
                .get("matchLabels", {})
                .get("kubernetes.io/metadata.name")
                == DATA_NAMESPACE
                for peer in rule["to"]
            )
        ]
        assert engines, f"{name} cannot reach the engines"
        assert set().union(*map(port_numbers, engines)) == ALLOWED_EGRESS
        opened = set().union(*map(port_numbers, spec["egress"]))
        extra = EXTRA_EGRESS.get(name, set()) | (
            TEXTS_EGRESS.get(name, set()) if overlay == TEXTS else set()
        )
        assert opened == ALLOWED_EGRESS | extra, name


# --- settings and secrets ------------------------------------------------------------------


@pytest.mark.parametrize("overlay", VARIANTS)
def test_every_configured_variable_is_a_real_setting_of_its_service(
    variants: dict[str, list[Resource]], overlay: str, services: dict[str, ServiceFacts]
) -> None:
    resources = variants[overlay]
    config_maps = {c["metadata"]["name"]: c for c in of_kind(resources, "ConfigMap")}
    for name, deployment in deployments(resources).items():
        # Service links would put SIGNUPS_PORT=tcp://... (one per Service) into every pod's env
        assert pod_spec(deployment)["enableServiceLinks"] is False
        known = services[name].env_names
        container = pod_spec(deployment)["containers"][0]
        for source in container["envFrom"]:
            config = config_maps[source["configMapRef"]["name"]]
            unknown = set(config["data"]) - known
            assert not unknown, f"{config['metadata']['name']} sets {unknown}: not {name} settings"
        for variable in env_of(deployment):
            assert variable["name"] in known, f"{name} is given {variable['name']}"
        config = {
            k: v
            for c in container["envFrom"]
            for k, v in config_maps[c["configMapRef"]["name"]]["data"].items()
        }
        assert config[f"{name.upper()}_PORT"] == str(services[name].port)
        assert config[f"{name.upper()}_HOST"] == "0.0.0.0"
        assert config[f"{name.upper()}_MONGODB_DATABASE"] == name
    expected = "development" if overlay == "dev" else "production"
    environments = {c["data"].get("ENVIRONMENT") for c in config_maps.values()} - {None}
    assert environments == {expected}


def secret_references(resources: list[Resource]) -> set[tuple[str, str]]:
    """(secret, key) pairs the manifests read: env secretKeyRefs, KEDA's trigger authentication,
    the MongoDB users' password secrets, the RabbitMQ users' credentials, the engines' and the
    ingress's certificates."""
    found: set[tuple[str, str]] = set()
    for deployment in of_kind(resources, "Deployment"):
        for container in all_containers(deployment):
            for variable in container.get("env", []):
                ref = variable.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    found.add((ref["name"], ref["key"]))
            for source in container.get("envFrom", []):
                assert "secretRef" not in source, "name each secret key (secretKeyRef)"
    for auth in of_kind(resources, "TriggerAuthentication"):
        found |= {(ref["name"], ref["key"]) for ref in auth["spec"]["secretTargetRef"]}
    for mongo in of_kind(resources, "MongoDBCommunity"):
        for user in mongo["spec"]["users"]:
            ref = user["passwordSecretRef"]
            found.add((ref["name"], ref.get("key", "password")))
    for user in of_kind(resources, "User"):
        secret = user["spec"]["importCredentialsSecret"]["name"]
        found |= {(secret, "username"), (secret, "password")}
    for cluster in of_kind(resources, "RabbitmqCluster"):
        if tls := cluster["spec"].get("tls"):
            found.add((tls["secretName"], "tls.crt"))
    for mongo in of_kind(resources, "MongoDBCommunity"):
        if tls := mongo["spec"]["security"].get("tls"):
            found.add((tls["certificateKeySecretRef"]["name"], "tls.crt"))
    for ingress in of_kind(resources, "Ingress"):
        found |= {(tls["secretName"], "tls.crt") for tls in ingress["spec"].get("tls", [])}
    return found


def documented_secrets(runbook: str) -> set[tuple[str, str]]:
    """(secret, key) pairs created by `kubectl ... create secret` commands in the runbook, or added
    by `kubectl ... patch secret` ones (their `stringData` keys)."""
    joined = re.sub(r"\\\n\s*", " ", runbook)
    documented: set[tuple[str, str]] = set()
    for line in joined.splitlines():
        if tls := re.search(r"create secret tls (\S+)", line):
            documented.add((tls.group(1), "tls.crt"))
        if generic := re.search(r"create secret generic (\S+)", line):
            keys = re.findall(r"--from-(?:literal|file)=([A-Za-z0-9_.-]+)=", line)
            documented |= {(generic.group(1), key) for key in keys}
        if patched := re.search(r"patch secret (\S+) .*stringData", line):
            keys = re.findall(r'\\"([A-Z0-9_]+)\\": ', line)
            documented |= {(patched.group(1), key) for key in keys}
    return documented


def test_every_secret_key_the_manifests_read_is_created_in_the_runbook(
    rendered: dict[str, list[Resource]], texts_variant: list[Resource], runbook: str
) -> None:
    variants = [*rendered.values(), texts_variant]
    referenced = set().union(*(secret_references(r) for r in variants))
    assert len(referenced) > len(SERVICES) * 3
    missing = referenced - documented_secrets(runbook)
    assert not missing, f"deploy/README.md must say how to create: {sorted(missing)}"


@pytest.mark.parametrize("overlay", ["production", TEXTS])
def test_each_service_reads_only_its_own_secret(
    variants: dict[str, list[Resource]], overlay: str
) -> None:
    for name, deployment in deployments(variants[overlay]).items():
        secrets = {
            v["valueFrom"]["secretKeyRef"]["name"] for v in env_of(deployment) if "valueFrom" in v
        }
        assert secrets == {f"together-{name}"}
        keys = {v["name"] for v in env_of(deployment)}
        assert {"RABBITMQ_URL", "MONGODB_URL", f"{name.upper()}_SECRET_KEY"} <= keys


SESSION_ONLY = ("NOTIFICATIONS_SMS_", "NOTIFICATIONS_NOTIFY_", "NOTIFICATIONS_TWILIO_")
"""Settings the test plugin gives every process of the session (its own SMS sink)."""


@pytest.mark.parametrize("overlay", VARIANTS)
def test_each_service_accepts_the_settings_its_pod_is_given(
    variants: dict[str, list[Resource]],
    overlay: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pod's environment (ConfigMaps, plus stand-ins for its secrets) read by the service's own
    Settings class, with its validators: values must parse, and production must accept them. What
    the test session set for its own sinks (texts to the session's SMS sink) is not the pod's."""
    for variable in list(os.environ):
        if variable.startswith(SESSION_ONLY):
            monkeypatch.delenv(variable)
    resources = variants[overlay]
    config_maps = {c["metadata"]["name"]: c["data"] for c in of_kind(resources, "ConfigMap")}
    accepted = {}
    for name, deployment in deployments(resources).items():
        container = pod_spec(deployment)["containers"][0]
        environment = {
            key: value
            for source in container["envFrom"]
            for key, value in config_maps[source["configMapRef"]["name"]].items()
        }
        for variable in env_of(deployment):
            environment[variable["name"]] = STAND_INS.get(variable["name"], "s" * 48)
        env_file = tmp_path / f"{overlay}-{name}.env"
        env_file.write_text("".join(f"{k}='{v}'\n" for k, v in environment.items()))
        settings_class = importlib.import_module(f"{name}.settings").Settings
        settings = settings_class(_env_file=env_file)
        assert settings.environment == ("development" if overlay == "dev" else "production")
        assert settings.host == "0.0.0.0"
        assert settings.database_name == name
        accepted[name] = settings
    texts_on = overlay == TEXTS
    assert accepted["notifications"].sms_provider == ("notify" if texts_on else "none")
    assert accepted["moderation"].voice_enabled is texts_on
