"""The webhook channel against a tiny HTTP server on 127.0.0.1: signed, retried on 503."""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from notifications.adapters.channels.webhook import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookChannel,
    WebhookConfig,
    verify,
)
from notifications.domain.channels import Outgoing, PermanentDeliveryError, TemporaryDeliveryError
from stamina.instrumentation import get_on_retry_hooks, set_on_retry_hooks

pytestmark = pytest.mark.integration
SECRET = b"partner-shared-secret"


@dataclass
class Receiver:
    statuses: list[int]
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(statuses=[])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append((dict(self.headers.items()), body))
            code = state.statuses.pop(0) if state.statuses else 200
            self.send_response(code)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def outgoing(url: str) -> Outgoing:
    return Outgoing(
        key="k1",
        to=url,
        subject="",
        text="",
        html="",
        payload={"event": "moderation.backlog_alert", "item_id": "i1", "age_hours": "4.5"},
    )


def recorded() -> None:
    return None


async def handed_over() -> None:
    """The dispatcher's point-of-no-return record, which these channel tests do not need."""


async def test_signature_verifies_and_503_is_retried(receiver: Receiver) -> None:
    """Retried with growing waits: the configured first wait, then twice it, each with at most
    half of the first wait's jitter added; every try signed afresh."""
    receiver.statuses = [503, 503]
    waits: list[float] = []
    kept = get_on_retry_hooks()
    set_on_retry_hooks([*kept, lambda details: waits.append(details.wait_for)])
    channel = WebhookChannel(WebhookConfig(secret=SECRET, backoff_seconds=0.05))
    try:
        await channel.send(outgoing(receiver.url), handing_over=handed_over, committing=recorded)
    finally:
        set_on_retry_hooks(kept)
        await channel.close()

    assert len(receiver.requests) == 3
    assert len(waits) == 2, waits
    assert 0.05 <= waits[0] <= 0.075 < 0.1 <= waits[1] <= 0.125, waits
    headers, body = receiver.requests[-1]
    assert json.loads(body)["item_id"] == "i1"
    assert verify(
        SECRET, timestamp=headers[TIMESTAMP_HEADER], body=body, presented=headers[SIGNATURE_HEADER]
    )
    assert not verify(
        b"wrong",
        timestamp=headers[TIMESTAMP_HEADER],
        body=body,
        presented=headers[SIGNATURE_HEADER],
    )
    assert headers["X-Together-Delivery"] == "k1"


async def test_client_error_is_permanent_and_not_retried(receiver: Receiver) -> None:
    receiver.statuses = [410]
    channel = WebhookChannel(WebhookConfig(secret=SECRET, backoff_seconds=0.01))
    try:
        with pytest.raises(PermanentDeliveryError):
            await channel.send(
                outgoing(receiver.url), handing_over=handed_over, committing=recorded
            )
    finally:
        await channel.close()
    assert len(receiver.requests) == 1


async def test_a_receiver_that_stays_down_is_tried_as_often_as_configured(
    receiver: Receiver,
) -> None:
    """The last temporary failure is what the dispatcher sees: it tries the message again later."""
    receiver.statuses = [503] * 5
    channel = WebhookChannel(WebhookConfig(secret=SECRET, attempts=3, backoff_seconds=0.01))
    try:
        with pytest.raises(TemporaryDeliveryError, match="503"):
            await channel.send(
                outgoing(receiver.url), handing_over=handed_over, committing=recorded
            )
    finally:
        await channel.close()
    assert len(receiver.requests) == 3
