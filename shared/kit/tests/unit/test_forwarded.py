"""How uvicorn serves a service: which proxies may name the client (`FORWARDED_ALLOW_IPS`), and
how long an idle connection stays open behind the ingress."""

import pytest
from pydantic import ValidationError
from together_kit.serve import uvicorn_options
from together_kit.settings import ServiceSettings

pytestmark = pytest.mark.unit


def settings(**values: object) -> ServiceSettings:
    return ServiceSettings(service_name="svc", port=8000, **values)  # type: ignore[arg-type]


def test_no_proxy_is_trusted_unless_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)

    options = uvicorn_options(settings())

    assert options["proxy_headers"] is True
    assert options["forwarded_allow_ips"] == []  # uvicorn's own default would trust 127.0.0.1


def test_the_proxies_come_from_forwarded_allow_ips(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.0/8, 192.0.2.7,fd00::/8")

    options = uvicorn_options(settings())

    assert options["forwarded_allow_ips"] == ["10.0.0.0/8", "192.0.2.7", "fd00::/8"]


@pytest.mark.parametrize("value", ["*", "ingress-nginx", "10.0.0.0/33", "10.0.0.1;10.0.0.2"])
def test_anything_but_addresses_and_networks_is_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="FORWARDED_ALLOW_IPS"):
        settings(forwarded_allow_ips=value)


INGRESS_NGINX_UPSTREAM_KEEPALIVE_SECONDS = 60
"""ingress-nginx's default `upstream-keepalive-timeout` (deploy/k8s/base/ingress.yaml keeps it)."""


def test_an_idle_connection_outlives_the_ingress_s() -> None:
    """The proxy closes an idle connection first, never sending a request on one just closed."""
    options = uvicorn_options(settings())

    assert options["timeout_keep_alive"] > INGRESS_NGINX_UPSTREAM_KEEPALIVE_SECONDS
