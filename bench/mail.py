"""The local SMTP sink of `make run` (together_kit.dev.mailsink) on a free port, for one scenario."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from together_kit.dev.mailsink import MailSink
from together_kit.dev.stack import free_port


@contextmanager
def mail_sink(folder: Path) -> Iterator[MailSink]:
    sink = MailSink(folder=folder, smtp_port=free_port())
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()
