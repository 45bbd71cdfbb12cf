"""Both SMS providers against the local SMS sink over real localhost HTTP: a text handed over
and found again by its reference, refusals mapped to permanent or temporary failures, and the
provider's calls to our routes (received texts, delivery receipts) accepted when signed or
carrying the token, refused when forged."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from notifications.adapters.sms.notify import NotifyConfig, NotifyProvider
from notifications.adapters.sms.twilio import TwilioConfig, TwilioProvider
from notifications.domain.channels import PermanentDeliveryError, TemporaryDeliveryError
from notifications.domain.texts import InboundText, InvalidCallback, Receipt, SmsProvider
from together_kit.dev.smssink import BackgroundServer, SmsSink, listening
from together_kit.dev.stack import free_port
from together_kit.testing.waiting import eventually
from together_kit.twilio import twilio_signature

pytestmark = pytest.mark.integration
NOTIFY_KEY = f"together_test-{uuid.uuid4()}-{uuid.uuid4()}"
TOKEN = "callback-token-of-thirty-two-characters-or-more"
TWILIO_SID = "AC" + uuid.uuid4().hex
OUR_NUMBER = "+447700900000"


def a_phone() -> str:
    return f"+447700{uuid.uuid4().int % 1_000_000:06d}"


class Receiver:
    """notifications' two SMS routes at their smallest: each call read by the provider, and
    what it made of it kept, or the refusal answered 403."""

    def __init__(self) -> None:
        self.provider: SmsProvider | None = None
        self.inbound: list[InboundText] = []
        self.receipts: list[Receipt] = []
        self.refused: list[str] = []
        self.app = FastAPI()
        self.app.post("/sms/inbound")(self._inbound)
        self.app.post("/sms/receipts")(self._receipt)

    async def _inbound(self, request: Request) -> Response:
        assert self.provider is not None
        try:
            found = self.provider.inbound(**await self._call(request))
        except InvalidCallback as refusal:
            self.refused.append(str(refusal))
            return Response(status_code=403)
        self.inbound.append(found)
        return Response(status_code=204)

    async def _receipt(self, request: Request) -> Response:
        assert self.provider is not None
        try:
            found = self.provider.receipt(**await self._call(request))
        except InvalidCallback as refusal:
            self.refused.append(str(refusal))
            return Response(status_code=403)
        self.receipts.append(found)
        return Response(status_code=204)

    @staticmethod
    async def _call(request: Request) -> dict[str, object]:
        return {"url": str(request.url), "headers": request.headers, "body": await request.body()}


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    receiver = Receiver()
    server = BackgroundServer(receiver.app)
    port = server.start(listening(0))
    yield receiver, f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture(params=["notify", "twilio"])
def shape(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def sink(tmp_path: Path, shape: str, receiver: tuple[Receiver, str]) -> Iterator[SmsSink]:
    sink = SmsSink(
        folder=tmp_path / "sms",
        shape="notify" if shape == "notify" else "twilio",
        notifications_url=receiver[1],
        number=OUR_NUMBER,
        notify_api_key=NOTIFY_KEY,
        notify_callback_token=TOKEN,
        twilio_account_sid=TWILIO_SID,
        twilio_auth_token=TOKEN,
    )
    sink.start()
    yield sink
    sink.stop()


def provider_for(shape: str, *, api: str, receiver_url: str, secret: str = TOKEN) -> SmsProvider:
    if shape == "notify":
        key = NOTIFY_KEY if secret == TOKEN else f"together_test-{uuid.uuid4()}-{uuid.uuid4()}"
        return NotifyProvider(
            NotifyConfig(
                api_key=key, template_id=str(uuid.uuid4()), callback_token=secret, base_url=api
            )
        )
    return TwilioProvider(
        TwilioConfig(
            account_sid=TWILIO_SID,
            auth_token=secret,
            sender=OUR_NUMBER,
            receipts_url=f"{receiver_url}/sms/receipts",
            base_url=api,
        )
    )


@pytest.fixture
async def provider(
    shape: str, sink: SmsSink, receiver: tuple[Receiver, str]
) -> AsyncIterator[SmsProvider]:
    built = provider_for(shape, api=sink.url, receiver_url=receiver[1])
    receiver[0].provider = built
    yield built
    await built.close()


async def test_a_text_is_handed_over_and_found_again_by_its_reference(
    provider: SmsProvider, sink: SmsSink
) -> None:
    to, key, before = a_phone(), f"message:{uuid.uuid4()}", datetime.now(UTC)

    provider_id = await provider.send(to=to, body="Croeso! Your place is kept.", reference=key)

    [text] = sink.texts_to(to)
    assert (text.id, text.body, text.segments) == (provider_id, "Croeso! Your place is kept.", 1)
    assert await provider.sent(key, to=to, since=before) is True
    assert await provider.sent("another key", to=a_phone(), since=before) is False


@pytest.mark.parametrize("shape", ["notify"])
async def test_notify_finds_a_text_by_its_reference_alone(sink: SmsSink, shape: str) -> None:
    provider = provider_for(shape, api=sink.url, receiver_url="http://127.0.0.1:9")
    to, before = a_phone(), datetime.now(UTC)
    await provider.send(to=to, body="One", reference="key-one")

    assert await provider.sent("key-one", to=to, since=before) is True
    assert await provider.sent("key-two", to=to, since=before) is False
    await provider.close()


@pytest.mark.parametrize("shape", ["twilio"])
async def test_twilio_given_the_body_tells_two_texts_to_one_number_apart(sink: SmsSink) -> None:
    """Twilio keeps no reference of ours: a text is known by its number, body and time."""
    provider = TwilioProvider(
        TwilioConfig(TWILIO_SID, TOKEN, OUR_NUMBER, "http://127.0.0.1:9/r", base_url=sink.url)
    )
    to, before = a_phone(), datetime.now(UTC)
    await provider.send(to=to, body="One", reference="key-one")

    assert await provider.sent("key-one", to=to, since=before, body="One") is True
    assert await provider.sent("key-two", to=to, since=before, body="Two") is False
    assert await provider.sent("key-one", to=to, since=before + timedelta(minutes=1)) is False
    await provider.close()


@pytest.mark.parametrize("shape", ["notify"])
async def test_notify_calls_run_a_bounded_number_at_once_beside_the_event_loop(
    sink: SmsSink,
) -> None:
    """The client is synchronous: its calls wait in the provider's own threads, two at a time
    here, while the event loop goes on."""
    sink.delay_seconds = 0.2
    provider = NotifyProvider(
        NotifyConfig(NOTIFY_KEY, str(uuid.uuid4()), TOKEN, base_url=sink.url, clients=2)
    )
    to = a_phone()
    ticks = 0

    async def ticking() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(ticking())
    await asyncio.gather(*(provider.send(to=to, body=f"{n}", reference=f"k{n}") for n in range(6)))
    ticker.cancel()

    assert len(sink.texts_to(to)) == 6
    assert sink.most_at_once == 2
    assert ticks > 10, "the event loop was not held up by the sends"
    await provider.close()


@pytest.mark.parametrize("number", ["refused", "landline"])
async def test_a_refused_number_is_a_permanent_failure(
    provider: SmsProvider, sink: SmsSink, number: str
) -> None:
    to = a_phone() if number == "refused" else "+441632960000"
    sink.fail(to, "refused")

    with pytest.raises(PermanentDeliveryError) as refused:
        await provider.send(to=to, body="Hello", reference=str(uuid.uuid4()))

    assert refused.value.code == 400
    assert sink.texts_to(to) == []


async def test_an_unavailable_provider_is_a_temporary_failure_and_the_next_try_goes(
    provider: SmsProvider, sink: SmsSink
) -> None:
    to = a_phone()
    sink.fail(to, "unavailable", times=1)

    with pytest.raises(TemporaryDeliveryError) as unavailable:
        await provider.send(to=to, body="Hello", reference="first")
    await provider.send(to=to, body="Hello", reference="second")

    assert unavailable.value.code == 503
    assert [text.reference for text in sink.texts_to(to)] in (["second"], [None])


async def test_no_provider_listening_is_a_temporary_failure(
    shape: str, receiver: tuple[Receiver, str]
) -> None:
    provider = provider_for(shape, api=f"http://127.0.0.1:{free_port()}", receiver_url=receiver[1])

    with pytest.raises(TemporaryDeliveryError):
        await provider.send(to=a_phone(), body="Hello", reference="k")
    with pytest.raises(TemporaryDeliveryError):
        await provider.sent("k", to=a_phone(), since=datetime.now(UTC))
    await provider.close()


async def test_credentials_the_provider_refuses_fail_the_text_for_now_not_the_number(
    shape: str, sink: SmsSink, receiver: tuple[Receiver, str]
) -> None:
    provider = provider_for(shape, api=sink.url, receiver_url=receiver[1], secret="wrong-" + TOKEN)

    with pytest.raises(TemporaryDeliveryError) as refused:
        await provider.send(to=a_phone(), body="Hello", reference="k")

    assert refused.value.code in (401, 403)
    assert sink.texts == []
    await provider.close()


@pytest.mark.parametrize(("how", "status"), [(None, "delivered"), ("undelivered", "failed")])
async def test_the_delivery_receipt_reaches_our_route_with_our_reference(
    provider: SmsProvider,
    sink: SmsSink,
    receiver: tuple[Receiver, str],
    how: str | None,
    status: str,
) -> None:
    to, key = a_phone(), f"message:{uuid.uuid4()}"
    if how:
        sink.fail(to, "undelivered")

    provider_id = await provider.send(to=to, body="Hello", reference=key)

    async def receipts() -> list[Receipt]:
        return [r for r in receiver[0].receipts if r.provider_id == provider_id]

    [receipt] = await eventually(receipts, what="the receipt")
    assert (receipt.reference, receipt.status) == (key, status)

    async def answered() -> str:
        return sink.texts_to(to)[0].receipt

    assert (await eventually(answered, what="our route's answer")).startswith("204")


async def test_a_text_from_a_phone_reaches_our_route(
    provider: SmsProvider, sink: SmsSink, receiver: tuple[Receiver, str]
) -> None:
    sender = a_phone()

    reply = await sink.reply(sender.replace("+44", "0"), "STORY Soup on my step every Friday")

    assert reply.status == 204
    [inbound] = [text for text in receiver[0].inbound if text.sender == sender]
    assert inbound.body == "STORY Soup on my step every Friday"
    assert inbound.provider_id
    assert sink.replies == [reply]


@pytest.mark.parametrize("route", ["inbound", "receipts"])
async def test_forged_calls_to_our_routes_are_refused(
    provider: SmsProvider, sink: SmsSink, receiver: tuple[Receiver, str], route: str
) -> None:
    """Unsigned, signed with another secret, or signed and then changed on the way."""
    url = f"{receiver[1]}/sms/{route}"
    fields = {"id": str(uuid.uuid4()), "source_number": "447700900123", "message": "STOP"}
    fields |= {"status": "delivered", "MessageSid": "SM1", "From": "+447700900123"}
    fields |= {"Body": "STOP", "MessageStatus": "delivered"}
    changed = fields | {"message": "START", "Body": "START"}
    if sink.shape == "notify":
        forged = [
            {"json": fields},
            {"json": fields, "headers": {"Authorization": f"Bearer not-{TOKEN}"}},
        ]
    else:
        signed = twilio_signature(TOKEN, url=url, params=list(fields.items()))
        forged = [
            {"data": fields},
            {
                "data": fields,
                "headers": {
                    "X-Twilio-Signature": twilio_signature(
                        "not-" + TOKEN, url=url, params=list(fields.items())
                    )
                },
            },
            {"data": changed, "headers": {"X-Twilio-Signature": signed}},
        ]
    async with httpx.AsyncClient() as client:
        answers = [(await client.post(url, **call)).status_code for call in forged]  # type: ignore[arg-type]

    assert answers == [403] * len(forged)
    assert len(receiver[0].refused) == len(forged)
    assert receiver[0].inbound == receiver[0].receipts == []
