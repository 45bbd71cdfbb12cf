"""`together`: operator commands (dead letters, the services and their ports).

    together services
    together dlq list    --service notifications
    together dlq show    --service notifications --id EVENT_ID
    together dlq replay  --service notifications (--id EVENT_ID ... | --all)
    together dlq purge   --service notifications (--id EVENT_ID ... | --all) [--yes]
    together erasures reapply [--database NAME ...]

`dlq replay` reads the service's tombstones (its `erasures` collection, at `--mongodb-url`, else
`MONGODB_URL`) and drops, instead of replaying, a dead letter about a person it has erased.
`erasures reapply` re-publishes every erasure recorded in the services' databases: run it after
any restore from backup.

The broker is `--url`, else `RABBITMQ_URL`, else amqp://guest:guest@localhost:5672/. Every failure
(unknown service queue, unknown event id, unreachable broker) prints one line and exits with 1.
The logic lives in together_kit.messaging.deadletters; this module parses and prints.
"""

import asyncio
import json
import logging
import os
from collections.abc import Coroutine, Sequence
from typing import Annotated, Any, TypeVar

import typer
from aio_pika.exceptions import AMQPError
from pymongo.errors import PyMongoError

from together_kit.messaging.deadletters import (
    DEFAULT_URL,
    DeadLetter,
    DeadLetterError,
    list_dead,
    purge,
    replay_checked,
    show,
)
from together_kit.messaging.topology import dead_letter_queue_name
from together_kit.settings import DEVELOPMENT_ERASURE_KEY

T = TypeVar("T")

SERVICES: tuple[tuple[str, int, str], ...] = (
    ("signups", 8001, "join form, volunteers, confirmation links, erasure requests"),
    ("moderation", 8002, "listing and story review, moderators, audit"),
    ("matching", 8003, "events nearby, invitations, acceptances"),
    ("notifications", 8004, "email delivery and its log"),
)
ERROR_WIDTH = 60

app = typer.Typer(
    name="together",
    help="Operator commands for the together services.",
    no_args_is_help=True,
    add_completion=False,
)
dlq = typer.Typer(
    help="Dead letters: the events a service's consumer gave up on, in `<service>.dead`.",
    no_args_is_help=True,
)
app.add_typer(dlq, name="dlq")
erasures = typer.Typer(
    help="Erasures: what every service recorded of the people it has forgotten.",
    no_args_is_help=True,
)
app.add_typer(erasures, name="erasures")
DEFAULT_MONGODB_URL = "mongodb://127.0.0.1:27017/"

Service = Annotated[
    str,
    typer.Option("--service", "-s", help="Service name, e.g. notifications.", show_default=False),
]
Url = Annotated[
    str,
    typer.Option(
        "--url", envvar="RABBITMQ_URL", help="RabbitMQ URL.", show_default="RABBITMQ_URL or local"
    ),
]
Ids = Annotated[
    list[str] | None,
    typer.Option("--id", help="Event id; repeat for several.", show_default=False),
]
All = Annotated[bool, typer.Option("--all", help="Every dead letter of the service.")]
MongoUrl = Annotated[
    str,
    typer.Option(
        "--mongodb-url",
        envvar="MONGODB_URL",
        help="MongoDB URL (the services' tombstones).",
        show_default="MONGODB_URL or local",
    ),
]
ErasureKey = Annotated[
    str,
    typer.Option(
        "--erasure-key",
        envvar="ERASURE_KEY",
        help="The services' shared erasure key (to match addresses against tombstones).",
        show_default="ERASURE_KEY",
    ),
]


def _database_of(service: str) -> str:
    return os.environ.get(f"{service.upper()}_MONGODB_DATABASE") or service


def _quiet_refusal(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("error when creating transport")


def _fail(message: str) -> typer.Exit:
    typer.echo(f"together: {message}", err=True)
    return typer.Exit(code=1)


def _run(work: Coroutine[Any, Any, T]) -> T:
    # aiormq logs a refused connection itself; the error below says it once, in one line.
    logging.getLogger("aiormq.connection").addFilter(_quiet_refusal)
    try:
        return asyncio.run(work)
    except DeadLetterError as error:
        raise _fail(str(error)) from None
    except (AMQPError, OSError) as error:  # the broker went away mid-command: nothing was lost
        raise _fail(f"broker error: {error!r}") from None
    except PyMongoError as error:  # checked before anything is changed
        raise _fail(f"cannot read the tombstones in MongoDB: {type(error).__name__}") from None


def _selection(ids: list[str] | None, every: bool) -> set[str] | None:
    if bool(ids) == every:
        raise _fail("give either --id EVENT_ID (one or more) or --all")
    return None if every else set(ids or ())


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Plain aligned columns: greppable, and nothing wraps an event id."""
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=False)]
    lines = [header, ["-" * width for width in widths], *rows]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def _truncated(text: str, width: int = ERROR_WIDTH) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 3] + "..."


def _rows(letters: Sequence[DeadLetter]) -> list[list[str]]:
    return [
        [
            str(position),
            d.event_id or "?",
            d.event_type or "?",
            d.original_queue or "?",
            "?" if d.attempts is None else str(d.attempts),
            _truncated(d.error),
            d.dead_lettered_at or "?",
        ]
        for position, d in enumerate(letters, start=1)
    ]


_COLUMNS = ("#", "event id", "type", "original queue", "attempts", "error", "dead-lettered at")


@app.command()
def services() -> None:
    """The four services, their HTTP ports (override with <SERVICE>_PORT) and dead-letter queues."""
    rows = [
        [name, os.environ.get(f"{name.upper()}_PORT", str(port)), dead_letter_queue_name(name), job]
        for name, port, job in SERVICES
    ]
    typer.echo(_table(("service", "port", "dead letters", "does"), rows))


@dlq.command("list")
def list_command(service: Service, url: Url = DEFAULT_URL) -> None:
    """List a service's dead letters without consuming them."""
    letters = _run(list_dead(url, service))
    if not letters:
        typer.echo(f"no dead letters in {dead_letter_queue_name(service)}")
        return
    typer.echo(_table(_COLUMNS, _rows(letters)))
    typer.echo(f"\n{len(letters)} dead letter(s) in {dead_letter_queue_name(service)}")


@dlq.command("show")
def show_command(
    service: Service,
    event_id: Annotated[str, typer.Option("--id", help="Event id.", show_default=False)],
    url: Url = DEFAULT_URL,
) -> None:
    """Show one dead letter: where it failed and why, its headers and its body."""
    d = _run(show(url, service, event_id))
    for label, value in (
        ("event id", d.event_id),
        ("type", d.event_type),
        ("original queue", d.original_queue or "?"),
        ("routing key", d.original_routing_key or "?"),
        ("attempts", "?" if d.attempts is None else str(d.attempts)),
        ("dead-lettered at", d.dead_lettered_at or "?"),
        ("error", d.error),
    ):
        typer.echo(f"{label + ':':<18}{value}")
    typer.echo("\nheaders:")
    typer.echo(json.dumps(d.headers, indent=2, sort_keys=True, default=str))
    typer.echo("\nbody:")
    try:
        typer.echo(json.dumps(json.loads(d.body), indent=2, ensure_ascii=False))
    except ValueError:
        typer.echo(d.body.decode(errors="replace"))


@dlq.command("replay")
def replay_command(
    service: Service,
    ids: Ids = None,
    every: All = False,
    url: Url = DEFAULT_URL,
    mongodb_url: MongoUrl = DEFAULT_MONGODB_URL,
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            help="The service's database.",
            show_default="<SERVICE>_MONGODB_DATABASE or the service name",
        ),
    ] = None,
    erasure_key: ErasureKey = DEVELOPMENT_ERASURE_KEY,
) -> None:
    """Republish dead letters to the queue that failed them, the one bound by the event's original
    routing key, so only the consumer that failed receives the event again (the others already
    processed it). Idempotent: the consumer's inbox skips an event id it has already processed, so
    replaying the same event twice has one effect. Nothing is replayed if an id is unknown.
    A dead letter about a person the service has erased since (its tombstones) is dropped."""
    chosen = _selection(ids, every)

    async def work() -> tuple[int, list[str]]:
        from pymongo import AsyncMongoClient

        from together_kit.erasure import Tombstones

        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            mongodb_url, serverSelectionTimeoutMS=5_000
        )
        try:
            tombstones = Tombstones(
                client[database or _database_of(service)], key=erasure_key.encode()
            )
            await client.admin.command("ping")
            return await replay_checked(url, service, chosen, about_erased=tombstones.covers)
        finally:
            await client.close()

    count, dropped = _run(work())
    typer.echo(f"replayed {count} dead letter(s) from {dead_letter_queue_name(service)}")
    if dropped:
        typer.echo(
            f"dropped {len(dropped)} dead letter(s) about erased people: {', '.join(dropped)}"
        )


@dlq.command("purge")
def purge_command(
    service: Service,
    ids: Ids = None,
    every: All = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    url: Url = DEFAULT_URL,
) -> None:
    """Drop dead letters for good (the rest stay). Asks first unless --yes."""
    chosen = _selection(ids, every)
    queue = dead_letter_queue_name(service)

    def confirm(letters: list[DeadLetter]) -> bool:
        typer.echo(_table(_COLUMNS, _rows(letters)))
        return typer.confirm(f"Drop these {len(letters)} dead letter(s) from {queue} for good?")

    count = _run(purge(url, service, chosen, None if yes else confirm))
    if count == 0 and not yes:
        typer.echo("nothing purged")
        return
    typer.echo(f"purged {count} dead letter(s) from {queue}")


@erasures.command("reapply")
def reapply_command(
    databases: Annotated[
        list[str] | None,
        typer.Option(
            "--database",
            help="A database whose tombstones to read; repeat for several.",
            show_default="each service's <SERVICE>_MONGODB_DATABASE or name",
        ),
    ] = None,
    url: Url = DEFAULT_URL,
    mongodb_url: MongoUrl = DEFAULT_MONGODB_URL,
) -> None:
    """Re-publish `person.erasure_requested` for every erasure recorded in any service's database,
    so each service erases again whatever a restore from backup brought back. Run it after every
    restore. Idempotent: erasing twice changes nothing, and no service answers twice."""
    from together_kit.erasure import reapply

    chosen = list(databases or [_database_of(name) for name, _, _ in SERVICES])
    count = _run(reapply(mongodb_url=mongodb_url, databases=chosen, rabbitmq_url=url))
    typer.echo(f"re-published {count} erasure(s) recorded in {', '.join(chosen)}")


def deadletters(argv: Sequence[str] | None = None) -> int:
    """`together-deadletters`: the `together dlq` commands under their old name."""
    try:
        typer.main.get_command(dlq).main(
            args=list(argv) if argv is not None else None, prog_name="together-deadletters"
        )
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    return 0


if __name__ == "__main__":
    app()
