"""Inspect and replay a service's dead letters (`<service>.dead`, docs/adr/0003-messaging.md).

    together-deadletters list   --service notifications
    together-deadletters show   --service notifications --id EVENT_ID
    together-deadletters replay --service notifications (--id EVENT_ID | --all)

Reading never consumes: every message is fetched unacknowledged, all of them before any is handed
back, then requeued. Replay publishes a message to the queue it failed on, through the default
exchange with its body and properties, minus the headers that record its failure; its dead letter
is acknowledged only once the broker has confirmed that publish.

A replayed event takes effect if it never did, with no change to the inbox: the consumer guard
records an event id only after its handler succeeded, so a dead-lettered event is not in it.
"""

import argparse
import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage
from aio_pika.exceptions import AMQPError, ChannelNotFoundEntity

from together_kit.topology import dead_letter_queue_name

DEFAULT_URL = "amqp://guest:guest@localhost:5672/"
_FAILURE_HEADERS = ("x-error", "x-attempt", "x-last-error", "x-dead-lettered-at")
_DEATH_HEADERS = ("x-death", "x-first-death-", "x-last-death-", "x-delivery-count")


class DeadLetterError(Exception):
    """A replay or lookup that cannot be done as asked."""


@dataclass(frozen=True)
class DeadLetter:
    event_id: str
    event_type: str
    original_queue: str | None
    error: str
    dead_lettered_at: str
    headers: dict[str, Any]
    body: bytes


@asynccontextmanager
async def _borrowed(
    url: str, service: str
) -> AsyncIterator[tuple[AbstractChannel, list[AbstractIncomingMessage]]]:
    """Every message now in the dead queue, unacknowledged; those not acked are requeued on exit."""
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        name = dead_letter_queue_name(service)
        try:
            queue = await channel.get_queue(name, ensure=True)
        except ChannelNotFoundEntity as error:
            raise DeadLetterError(f"no queue {name}") from error
        messages: list[AbstractIncomingMessage] = []
        try:
            while (message := await queue.get(no_ack=False, fail=False)) is not None:
                messages.append(message)
            yield channel, messages
        finally:
            for message in messages:
                if not message.processed:
                    await message.nack(requeue=True)
    finally:
        await connection.close()


def _latest_death(headers: dict[str, Any]) -> dict[str, Any]:
    deaths = headers.get("x-death")
    latest = deaths[0] if isinstance(deaths, list) and deaths else None
    return latest if isinstance(latest, dict) else {}


def _original_queue(headers: dict[str, Any]) -> str | None:
    """The guard names it; otherwise the latest death is the queue that gave up on the message
    (the first death may be an expiry in its `.retry` queue)."""
    candidates = (
        headers.get("x-original-queue"),
        _latest_death(headers).get("queue"),
        headers.get("x-first-death-queue"),
    )
    return next((str(c) for c in candidates if c), None)


def _event_id(message: AbstractIncomingMessage) -> str:
    return message.message_id or ""


def _describe(message: AbstractIncomingMessage) -> DeadLetter:
    headers = dict(message.headers or {})
    latest = _latest_death(headers)
    error = headers.get("x-error") or headers.get("x-last-error")
    at = headers.get("x-dead-lettered-at") or latest.get("time") or ""
    return DeadLetter(
        event_id=_event_id(message),
        event_type=str(message.type or headers.get("x-original-routing-key") or ""),
        original_queue=_original_queue(headers),
        error=str(error or f"dead-lettered by RabbitMQ ({latest.get('reason', 'unknown')})"),
        dead_lettered_at=at.isoformat() if isinstance(at, datetime) else str(at),
        headers=headers,
        body=message.body,
    )


async def list_dead(url: str, service: str) -> list[DeadLetter]:
    async with _borrowed(url, service) as (_, messages):
        return [_describe(message) for message in messages]


def _replayable(message: AbstractIncomingMessage) -> aio_pika.Message:
    headers = {
        name: value
        for name, value in (message.headers or {}).items()
        if not name.startswith(_FAILURE_HEADERS + _DEATH_HEADERS)
    }
    headers["x-replayed-at"] = datetime.now(UTC).isoformat()
    return aio_pika.Message(
        message.body,
        headers=headers,
        content_type=message.content_type,
        content_encoding=message.content_encoding,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        correlation_id=message.correlation_id,
        message_id=message.message_id,
        timestamp=message.timestamp,
        type=message.type,
        app_id=message.app_id,
    )


async def replay(url: str, service: str, event_ids: set[str] | None) -> int:
    """Replay the dead letters with these event ids (all of them for None); return how many."""
    async with _borrowed(url, service) as (channel, messages):
        chosen = [m for m in messages if event_ids is None or _event_id(m) in event_ids]
        missing = (event_ids or set()) - {_event_id(m) for m in chosen}
        if missing:
            raise DeadLetterError(f"not in {service}.dead: {', '.join(sorted(missing))}")
        targets = [(m, _original_queue(dict(m.headers or {})) or "") for m in chosen]
        if lost := [_event_id(m) or "?" for m, queue in targets if not queue]:
            raise DeadLetterError(f"original queue unknown for: {', '.join(lost)}")
        for message, queue in targets:
            await channel.default_exchange.publish(_replayable(message), routing_key=queue)
            await message.ack()
        return len(targets)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="together-deadletters", description="Inspect and replay dead letters."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (("list", "list dead letters"), ("show", "show one"), ("replay", "replay")):
        command = commands.add_parser(name, help=text)
        command.add_argument("--service", required=True)
        command.add_argument("--url", default=os.environ.get("RABBITMQ_URL", DEFAULT_URL))
        if name == "show":
            command.add_argument("--id", required=True, dest="event_id")
        if name == "replay":
            which = command.add_mutually_exclusive_group(required=True)
            which.add_argument("--id", dest="event_id")
            which.add_argument("--all", action="store_true")
    return parser


def _print_list(letters: list[DeadLetter], service: str) -> None:
    if not letters:
        print(f"no dead letters in {dead_letter_queue_name(service)}")
    for position, d in enumerate(letters, start=1):
        error = d.error if len(d.error) <= 60 else d.error[:57] + "..."
        print(
            f"{position:>3}  {d.event_id}  {d.event_type}  {d.original_queue or '?'}"
            f"  {error}  {d.dead_lettered_at}"
        )


def _print_one(letter: DeadLetter) -> None:
    print(json.dumps(letter.headers, indent=2, sort_keys=True, default=str))
    try:
        print(json.dumps(json.loads(letter.body), indent=2, ensure_ascii=False))
    except ValueError:
        print(letter.body.decode(errors="replace"))


async def _run(args: argparse.Namespace) -> None:
    if args.command == "replay":
        ids = None if args.all else {args.event_id}
        print(f"replayed {await replay(args.url, args.service, ids)}")
        return
    letters = await list_dead(args.url, args.service)
    if args.command == "list":
        _print_list(letters, args.service)
        return
    found = [d for d in letters if d.event_id == args.event_id]
    if not found:
        raise DeadLetterError(f"not in {args.service}.dead: {args.event_id}")
    _print_one(found[0])


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        asyncio.run(_run(args))
    except DeadLetterError as error:
        print(f"together-deadletters: {error}", file=sys.stderr)
        return 1
    except (AMQPError, OSError) as error:
        print(f"together-deadletters: broker error: {error!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
