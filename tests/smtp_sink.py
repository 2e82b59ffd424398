"""A real SMTP server on 127.0.0.1 for the worker's fault tests and benchmark (aiosmtpd in a thread).

It keeps every message it accepts, can refuse the first N attempts ("451 try again"), and can hold a message
without answering (so a test can kill the sender while it waits).
"""
import asyncio
import socket
import threading
from collections import Counter
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A TCP port nobody on this machine is listening on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SinkHandler:
    """Accepts messages (after refusing the first `refuse_first`), recording each one's subject and Message-ID."""

    def __init__(self, refuse_first: int = 0, hold_after: int | None = None):
        self.refuse_first = refuse_first
        self.hold_after = hold_after  # accept this many, then hold the next one unanswered until released
        self.refused = 0
        self.accepted: list[tuple[str, str]] = []  # (subject, Message-ID)
        self.contents: list[bytes] = []  # each accepted message as it arrived
        self.held: list[str] = []  # subjects that arrived but were never answered
        self.holding = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        """Refuse, hold or accept one message."""
        headers = BytesHeaderParser().parsebytes(envelope.original_content or envelope.content)
        subject, message_id = str(make_header(decode_header(headers["Subject"]))), str(headers["Message-ID"])
        with self._lock:
            if self.refused < self.refuse_first:
                self.refused += 1
                return "451 4.3.0 Try again later"
            hold = self.hold_after is not None and len(self.accepted) >= self.hold_after
            if hold:
                self.held.append(subject)
            else:
                self.accepted.append((subject, message_id))
                self.contents.append(envelope.original_content or envelope.content)
        if hold:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        return "250 Message accepted for delivery"

    def subjects(self) -> Counter:
        """How many times each subject was accepted."""
        with self._lock:
            return Counter(subject for subject, _ in self.accepted)


class SmtpSink:
    """Start and stop an SMTP server with a SinkHandler on a free local port: `with SmtpSink() as sink: ...`."""

    def __init__(self, port: int | None = None, **handler_options):
        self.handler = SinkHandler(**handler_options)
        self.port = port or free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpSink":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.handler.release.set()
        self.controller.stop()

    def mail_settings(self) -> dict:
        """App settings that send real SMTP to this server and nowhere else."""
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_SUPPRESS_SEND": False,
                "MAIL_PRINT_TO_CONSOLE": False, "MAIL_USE_TLS": False, "MAIL_USERNAME": None, "MAIL_PASSWORD": None}
