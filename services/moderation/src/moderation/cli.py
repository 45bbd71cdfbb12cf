"""Command line for moderation's operators: create the first lead moderator.

    python -m moderation.cli create-lead --email lead@example.org --name "Lena"

asks for the password twice (without echoing it); `--password-stdin` reads it from the first line
of standard input instead, for scripts. The lead sets up their second factor (an authenticator
app) when they first sign in. It reaches the store with the service's own settings
(`MONGODB_URL`, `MODERATION_MONGODB_DATABASE`, …).
"""

import argparse
import asyncio
import getpass
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from together_kit import mongo

from moderation.bootstrap import account_stores, accounts_of
from moderation.domain.decisions import Role
from moderation.domain.moderators import AccountError, AccountExistsError
from moderation.handlers.moderators import create_account
from moderation.settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    try:
        password = read_password(from_stdin=arguments.password_stdin)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    return asyncio.run(create_lead(arguments.email, arguments.name, password))


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m moderation.cli", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    lead = commands.add_parser("create-lead", help="create a lead moderator account")
    lead.add_argument("--email", required=True)
    lead.add_argument("--name", required=True, help="display name, shown in claims and the audit")
    lead.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    return root


def read_password(*, from_stdin: bool) -> str:
    """The password typed twice at the terminal, or the first line of standard input."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    try:
        password = getpass.getpass("Password: ")
        again = getpass.getpass("Password again: ")
    except EOFError:
        raise ValueError(
            "No password was typed (no terminal to ask at?): give it on the first line of "
            "standard input with --password-stdin."
        ) from None
    if again != password:
        raise ValueError("The passwords differ.")
    return password


async def create_lead(
    email: str, name: str, password: str, *, settings: Settings | None = None
) -> int:
    """Create the lead moderator in the store `settings` name (by default the environment's);
    0 once made, 1 (said on standard error) when refused."""
    settings = settings or Settings()
    client = mongo.connect(settings)
    try:
        db = mongo.database(client, settings)
        stores = account_stores(db, settings)
        await stores.moderators.ensure_indexes()
        await stores.security_log.ensure_indexes()
        accounts = accounts_of(stores, settings, clock=lambda: datetime.now(UTC))
        account = await create_account(
            email=email, name=name, role=Role.LEAD, password=password, accounts=accounts
        )
    except (AccountError, AccountExistsError) as error:
        message = str(error) if isinstance(error, AccountError) else "That email or name is taken."
        print(message, file=sys.stderr)
        return 1
    finally:
        await client.close()
    print(f"Created lead moderator {account.name} <{account.email}> ({account.id}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
