"""The SMTP channel against a real SMTP server: the final dot of DATA is the point of no return.

`handing_over` (the store's mark) runs while the transaction opens (connection, sender,
recipient, DATA) and is awaited before the dot; whatever stops the sender before the dot, a
SIGKILL included, delivers nothing. `committing` is called immediately before the dot: a sender
killed just after it has sent the dot.
"""

import asyncio
import signal
import sys
import textwrap

import pytest
from aiosmtpd.controller import Controller
from notifications.adapters.channels.smtp import SmtpChannel, SmtpConfig
from notifications.domain.channels import (
    Committing,
    HandingOver,
    Outgoing,
    PermanentDeliveryError,
    TemporaryDeliveryError,
)
from together_kit.dev.stack import free_port
from together_kit.testing.waiting import eventually

from .conftest import Sink, SinkHandler, unique_address


def nothing_to_record() -> None:
    return None


def outgoing(address: str, *, text: str = "Hello.\n.a line that starts with a dot\n") -> Outgoing:
    return Outgoing(
        key=f"key-{address.partition('@')[0]}",
        to=address,
        to_name="Siân Jones",
        subject="Croeso",
        text=text,
        html="<p>Hello.</p>",
    )


async def test_the_server_holds_the_message_until_the_hand_over_is_recorded(
    smtp_sink: Sink,
) -> None:
    channel = SmtpChannel(SmtpConfig(port=smtp_sink.port))
    address = unique_address("held")
    seen_while_handing_over: list[int] = []

    seen_while_committing: list[int] = []

    async def handing_over() -> None:
        await asyncio.sleep(0.2)
        seen_while_handing_over.append(len(smtp_sink.handler.to(address)))

    def committing() -> None:
        seen_while_committing.append(
            len(seen_while_handing_over) + len(smtp_sink.handler.to(address))
        )

    try:
        await channel.send(outgoing(address), handing_over=handing_over, committing=committing)
    finally:
        await channel.close()

    assert seen_while_handing_over == [0]
    assert seen_while_committing == [1]  # after the hand-over, before the server had the message
    [mail] = smtp_sink.handler.to(address)
    assert mail["Message-ID"] == f"<{outgoing(address).key}@notifications.together.example>"
    assert mail["To"].addresses[0].display_name == "Siân Jones"
    assert ".a line that starts with a dot" in mail.get_body(("plain",)).get_content()


async def test_the_mark_is_written_while_the_transaction_opens(smtp_sink: Sink) -> None:
    """The connection does not wait for the mark in turn: the mark begins before the server has
    accepted the recipient and lands only once it has, which a transaction waiting for the mark
    would never reach (the mark would time out)."""
    channel = SmtpChannel(SmtpConfig(port=smtp_sink.port))
    address = unique_address("overlap")
    accepted_when_marking: list[bool] = []

    async def accepted() -> bool:
        return address in smtp_sink.handler.recipients

    async def handing_over() -> None:
        accepted_when_marking.append(await accepted())
        await eventually(accepted, timeout=10, interval=0.01, what="the recipient accepted")

    try:
        await channel.send(
            outgoing(address), handing_over=handing_over, committing=nothing_to_record
        )
    finally:
        await channel.close()

    assert accepted_when_marking == [False]
    assert len(smtp_sink.handler.to(address)) == 1


async def test_a_refused_recipient_fails_before_the_point_of_no_return(smtp_sink: Sink) -> None:
    """Nothing is delivered, and the refusal is raised only once the mark has landed: the outcome
    the dispatcher writes next must come after it."""
    channel = SmtpChannel(SmtpConfig(port=smtp_sink.port))
    address = unique_address("refused")
    smtp_sink.handler.refuse[address] = "550 5.1.1 No such mailbox"
    handed_over: list[str] = []

    async def handing_over() -> None:
        await asyncio.sleep(0.3)
        handed_over.append(address)

    try:
        with pytest.raises(PermanentDeliveryError) as failure:
            await channel.send(
                outgoing(address), handing_over=handing_over, committing=nothing_to_record
            )
    finally:
        await channel.close()

    assert failure.value.code == 550
    assert handed_over == [address]
    assert smtp_sink.handler.to(address) == []


async def test_a_non_ascii_address_goes_with_smtputf8_and_fails_early_without(
    smtp_sink: Sink,
) -> None:
    address = f"siân.{unique_address('utf8')}"
    handed_over: list[str] = []

    async def handing_over() -> None:
        handed_over.append(address)

    message = outgoing(address)
    channel = SmtpChannel(SmtpConfig(port=smtp_sink.port))
    try:
        await channel.send(message, handing_over=handing_over, committing=nothing_to_record)
    finally:
        await channel.close()
    [mail] = smtp_sink.handler.to(address)
    [to] = mail["To"].addresses  # a UTF-8 header (RFC 6532), parsed with surrogate escapes
    assert to.display_name.encode("utf-8", "surrogateescape").decode() == "Siân Jones"

    plain = SinkHandler()
    controller = Controller(plain, hostname="127.0.0.1", port=free_port(), enable_SMTPUTF8=False)
    controller.start()
    channel = SmtpChannel(SmtpConfig(port=controller.port))
    try:
        with pytest.raises(TemporaryDeliveryError, match="SMTPUTF8"):
            await channel.send(message, handing_over=handing_over, committing=nothing_to_record)
    finally:
        await channel.close()
        controller.stop()
    assert handed_over == [address, address]  # the second mark landed before the failure was raised
    assert plain.received == []


async def refused_mark() -> None:
    raise RuntimeError("the store refused the mark")


def refused_journal_row() -> None:
    raise RuntimeError("the journal refused the row")


async def mark_recorded() -> None:
    return None


@pytest.mark.parametrize(
    ("handing_over", "committing", "why"),
    [
        (refused_mark, nothing_to_record, "refused the mark"),
        (mark_recorded, refused_journal_row, "refused the row"),
    ],
    ids=["handing_over", "committing"],
)
async def test_a_failed_hand_over_abandons_the_transaction_and_the_next_message_goes(
    smtp_sink: Sink,
    handing_over: HandingOver,
    committing: Committing,
    why: str,
) -> None:
    channel = SmtpChannel(SmtpConfig(port=smtp_sink.port))
    abandoned, next_one = unique_address("abandoned"), unique_address("next")

    try:
        with pytest.raises(RuntimeError, match=why):
            await channel.send(
                outgoing(abandoned), handing_over=handing_over, committing=committing
            )
        await channel.send(
            outgoing(next_one), handing_over=mark_recorded, committing=nothing_to_record
        )
    finally:
        await channel.close()

    assert len(smtp_sink.handler.to(next_one)) == 1
    assert smtp_sink.handler.to(abandoned) == []


SENDER_KILLED = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from notifications.domain.channels import Outgoing
    from notifications.adapters.channels.smtp import SmtpChannel, SmtpConfig

    def die() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    async def main(port: int, address: str, moment: str) -> None:
        async def handing_over() -> None:
            print("handing over", flush=True)
            if moment == "handing_over":
                die()

        def committing() -> None:
            print("committing", flush=True)
            asyncio.get_running_loop().call_soon(die)  # at the next await: after the dot

        message = Outgoing(key="k", to=address, subject="s", text="t", html="<p>t</p>")
        channel = SmtpChannel(SmtpConfig(port=port))
        await channel.send(message, handing_over=handing_over, committing=committing)
        print("sent", flush=True)

    asyncio.run(main(int(sys.argv[1]), sys.argv[2], sys.argv[3]))
    """
)


@pytest.mark.parametrize(
    ("moment", "said", "delivered"),
    [("handing_over", b"handing over\n", 0), ("committing", b"handing over\ncommitting\n", 1)],
)
async def test_a_sender_killed_at_the_point_of_no_return_delivers_nothing_and_after_it_all(
    smtp_sink: Sink, moment: str, said: bytes, delivered: int
) -> None:
    """Killed while handing over: nothing goes. Killed just after `committing`: the dot went."""
    killed, after = unique_address(f"killed-{moment}"), unique_address("after")
    sender = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        SENDER_KILLED,
        str(smtp_sink.port),
        killed,
        moment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(sender.communicate(), timeout=60)
    assert sender.returncode == -signal.SIGKILL, stderr.decode()
    assert stdout == said

    channel = SmtpChannel(SmtpConfig(port=smtp_sink.port))
    try:
        await channel.send(
            outgoing(after), handing_over=mark_recorded, committing=nothing_to_record
        )
    finally:
        await channel.close()

    assert len(smtp_sink.handler.to(after)) == 1
    assert len(smtp_sink.handler.to(killed)) == delivered


async def test_messages_go_at_once_over_as_many_connections_as_configured(smtp_sink: Sink) -> None:
    channel = SmtpChannel(SmtpConfig(port=smtp_sink.port), connections=3)
    addresses = [unique_address(f"pool{n}") for n in range(9)]

    async def handing_over() -> None:
        await asyncio.sleep(0.05)

    try:
        await asyncio.gather(
            *(
                channel.send(outgoing(a), handing_over=handing_over, committing=nothing_to_record)
                for a in addresses
            )
        )
    finally:
        await channel.close()

    assert [len(smtp_sink.handler.to(a)) for a in addresses] == [1] * 9
    assert len(smtp_sink.handler.peers) == 3
