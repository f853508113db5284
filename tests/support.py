"""Helpers for the tests that run real services: a free port, waiting for a condition, and a
small SMTP server (aiosmtpd) that can refuse some recipients for a while."""

import socket
import time
from collections import Counter
from email import message_from_bytes


def own_database_url() -> str:
    """The URL of this test process's database, for a server or worker started beside it."""
    from django.db import connection

    database = connection.settings_dict
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def free_port() -> int:
    """A port nobody listens on now (aiosmtpd's Controller cannot take port 0 itself)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, *, timeout: float = 30, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


class FlakySMTPHandler:
    """Accepts every message, except that it answers 451 (try again later) to each address
    in `refuse` as many times as given there."""

    def __init__(self, refuse: dict[str, int] | None = None):
        self.refuse = Counter(refuse or {})
        self.refused = Counter()
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse[address] > 0:
            self.refuse[address] -= 1
            self.refused[address] += 1
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def received_by(self) -> Counter:
        return Counter(message["To"] for message in self.messages)


class FrozenServer:
    """A TCP server on a free port that accepts connections and never answers: a frozen
    Redis or PostgreSQL, as far as a client can tell."""

    def __init__(self) -> None:
        import threading

        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.port = self.socket.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.socket.accept()
            except OSError:
                return
            self.accepted.append(client)

    def close(self) -> None:
        self.socket.close()
        for client in self.accepted:
            client.close()
