"""The local SMTP sink of `make run` (scripts/mailsink.py), noting when each message arrived."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from together_kit.devstack import free_port

from bench.stack import mailsink_module


@dataclass
class TimedSink:
    """`arrived[address]` = perf_counter seconds when a message to `address` was accepted."""

    port: int
    sink: Any
    arrived: dict[str, float] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.sink.messages)


@contextmanager
def mail_sink(folder: Path) -> Iterator[TimedSink]:
    sink = mailsink_module().MailSink(folder=folder, smtp_port=free_port())
    timed = TimedSink(sink.smtp_port, sink)
    accept = sink.handle_DATA

    async def handle_data(server: Any, session: Any, envelope: Any) -> str:
        answer: str = await accept(server, session, envelope)
        now = time.perf_counter()
        for address in envelope.rcpt_tos:
            timed.arrived.setdefault(str(address).lower(), now)
        return answer

    sink.handle_DATA = handle_data
    sink.start()
    try:
        yield timed
    finally:
        sink.stop()
