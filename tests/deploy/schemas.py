"""The fields our custom resources rely on, as JSON schemas (kubernetes-validate knows only the
built-in kinds). Written from the operators' CRDs: RabbitMQ Cluster Operator (rabbitmq.com/v1beta1),
RabbitMQ Messaging Topology Operator (rabbitmq.com/v1beta1 Vhost, User, Permission), MongoDB
Community Operator (mongodbcommunity.mongodb.com/v1), KEDA (keda.sh/v1alpha1)."""

from typing import Any

Schema = dict[str, Any]

_QUANTITY: Schema = {"type": ["string", "integer"]}
_RESOURCES: Schema = {
    "type": "object",
    "required": ["requests", "limits"],
    "properties": {
        "requests": {"type": "object", "required": ["cpu", "memory"]},
        "limits": {"type": "object", "required": ["memory"]},
    },
}
_METADATA: Schema = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"}},
}


def _resource(api_version: str, kind: str, spec: Schema) -> Schema:
    return {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "additionalProperties": False,
        "properties": {
            "apiVersion": {"const": api_version},
            "kind": {"const": kind},
            "metadata": _METADATA,
            "spec": spec,
        },
    }


RABBITMQ_CLUSTER = _resource(
    "rabbitmq.com/v1beta1",
    "RabbitmqCluster",
    {
        "type": "object",
        "required": ["replicas", "resources", "persistence", "rabbitmq"],
        "properties": {
            "replicas": {"type": "integer", "minimum": 3},
            "image": {"type": "string"},
            "resources": _RESOURCES,
            "persistence": {
                "type": "object",
                "required": ["storage"],
                "properties": {"storage": _QUANTITY, "storageClassName": {"type": "string"}},
                "additionalProperties": False,
            },
            "rabbitmq": {
                "type": "object",
                "properties": {
                    "additionalConfig": {"type": "string"},
                    "additionalPlugins": {"type": "array", "items": {"type": "string"}},
                },
                "additionalProperties": False,
            },
            "service": {"type": "object"},
            "tls": {
                "type": "object",
                "required": ["secretName"],
                "properties": {
                    "secretName": {"type": "string"},
                    "caSecretName": {"type": "string"},
                    "disableNonTLSListeners": {"type": "boolean"},
                },
                "additionalProperties": False,
            },
            "affinity": {"type": "object"},
        },
        "additionalProperties": False,
    },
)

_NAME_REF: Schema = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string"}},
    "additionalProperties": False,
}
_CLUSTER_REF: Schema = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string"}, "namespace": {"type": "string"}},
    "additionalProperties": False,
}
VHOST = _resource(
    "rabbitmq.com/v1beta1",
    "Vhost",
    {
        "type": "object",
        "required": ["name", "rabbitmqClusterReference"],
        "properties": {
            "name": {"type": "string"},
            "defaultQueueType": {"enum": ["quorum", "classic", "stream"]},
            "rabbitmqClusterReference": _CLUSTER_REF,
        },
        "additionalProperties": False,
    },
)
USER = _resource(
    "rabbitmq.com/v1beta1",
    "User",
    {
        "type": "object",
        "required": ["rabbitmqClusterReference", "importCredentialsSecret"],
        "properties": {
            "tags": {
                "type": "array",
                "items": {"enum": ["management", "policymaker", "monitoring", "administrator"]},
            },
            "rabbitmqClusterReference": _CLUSTER_REF,
            "importCredentialsSecret": _NAME_REF,
        },
        "additionalProperties": False,
    },
)
PERMISSION = _resource(
    "rabbitmq.com/v1beta1",
    "Permission",
    {
        "type": "object",
        "required": ["vhost", "userReference", "permissions", "rabbitmqClusterReference"],
        "properties": {
            "vhost": {"type": "string"},
            "user": {"type": "string"},
            "userReference": _NAME_REF,
            "permissions": {
                "type": "object",
                "required": ["configure", "write", "read"],
                "properties": {
                    "configure": {"type": "string"},
                    "write": {"type": "string"},
                    "read": {"type": "string"},
                },
                "additionalProperties": False,
            },
            "rabbitmqClusterReference": _CLUSTER_REF,
        },
        "additionalProperties": False,
    },
)

_ROLE: Schema = {
    "type": "object",
    "required": ["name", "db"],
    "properties": {"name": {"type": "string"}, "db": {"type": "string"}},
    "additionalProperties": False,
}
_USER: Schema = {
    "type": "object",
    "required": ["name", "db", "passwordSecretRef", "roles", "scramCredentialsSecretName"],
    "properties": {
        "name": {"type": "string"},
        "db": {"type": "string"},
        "passwordSecretRef": {
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"type": "string"}, "key": {"type": "string"}},
            "additionalProperties": False,
        },
        "roles": {"type": "array", "minItems": 1, "items": _ROLE},
        "scramCredentialsSecretName": {"type": "string", "pattern": "^[a-z0-9-]+$"},
        "connectionStringSecretName": {"type": "string"},
        "additionalConnectionStringConfig": {"type": "object"},
    },
    "additionalProperties": False,
}
MONGODB_COMMUNITY = _resource(
    "mongodbcommunity.mongodb.com/v1",
    "MongoDBCommunity",
    {
        "type": "object",
        "required": ["members", "type", "version", "security", "users"],
        "properties": {
            "members": {"type": "integer", "minimum": 3},
            "type": {"enum": ["ReplicaSet"]},
            "version": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$"},
            "security": {
                "type": "object",
                "required": ["authentication"],
                "properties": {
                    "authentication": {
                        "type": "object",
                        "required": ["modes"],
                        "properties": {
                            "modes": {"type": "array", "items": {"enum": ["SCRAM", "SCRAM-SHA-1"]}}
                        },
                    },
                    "tls": {
                        "type": "object",
                        "required": ["enabled", "certificateKeySecretRef"],
                        "properties": {
                            "enabled": {"type": "boolean"},
                            "optional": {"type": "boolean"},
                            "certificateKeySecretRef": _NAME_REF,
                            "caConfigMapRef": _NAME_REF,
                            "caCertificateSecretRef": _NAME_REF,
                        },
                        "additionalProperties": False,
                    },
                },
            },
            "users": {"type": "array", "minItems": 1, "items": _USER},
            "additionalConnectionStringConfig": {"type": "object"},
            "additionalMongodConfig": {"type": "object"},
            "statefulSet": {"type": "object"},
        },
        "additionalProperties": False,
    },
)

_TRIGGER: Schema = {
    "type": "object",
    "required": ["type", "metadata"],
    "properties": {
        "type": {"enum": ["cpu", "memory", "rabbitmq"]},
        "name": {"type": "string"},
        "metricType": {"enum": ["Utilization", "AverageValue", "Value"]},
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
        "authenticationRef": {
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"type": "string"}, "kind": {"type": "string"}},
        },
    },
    "additionalProperties": False,
}
SCALED_OBJECT = _resource(
    "keda.sh/v1alpha1",
    "ScaledObject",
    {
        "type": "object",
        "required": ["scaleTargetRef", "minReplicaCount", "maxReplicaCount", "triggers"],
        "properties": {
            "scaleTargetRef": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "kind": {"type": "string"},
                    "apiVersion": {"type": "string"},
                },
                "additionalProperties": False,
            },
            "minReplicaCount": {"type": "integer", "minimum": 0},
            "maxReplicaCount": {"type": "integer", "minimum": 1},
            "pollingInterval": {"type": "integer"},
            "cooldownPeriod": {"type": "integer"},
            "advanced": {"type": "object"},
            "triggers": {"type": "array", "minItems": 1, "items": _TRIGGER},
        },
        "additionalProperties": False,
    },
)
TRIGGER_AUTHENTICATION = _resource(
    "keda.sh/v1alpha1",
    "TriggerAuthentication",
    {
        "type": "object",
        "required": ["secretTargetRef"],
        "properties": {
            "secretTargetRef": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["parameter", "name", "key"],
                    "additionalProperties": False,
                    "properties": {
                        "parameter": {"type": "string"},
                        "name": {"type": "string"},
                        "key": {"type": "string"},
                    },
                },
            }
        },
        "additionalProperties": False,
    },
)

CUSTOM: dict[tuple[str, str], Schema] = {
    ("rabbitmq.com/v1beta1", "RabbitmqCluster"): RABBITMQ_CLUSTER,
    ("rabbitmq.com/v1beta1", "Vhost"): VHOST,
    ("rabbitmq.com/v1beta1", "User"): USER,
    ("rabbitmq.com/v1beta1", "Permission"): PERMISSION,
    ("mongodbcommunity.mongodb.com/v1", "MongoDBCommunity"): MONGODB_COMMUNITY,
    ("keda.sh/v1alpha1", "ScaledObject"): SCALED_OBJECT,
    ("keda.sh/v1alpha1", "TriggerAuthentication"): TRIGGER_AUTHENTICATION,
}
