"""Wire-level checks of the server with hand-built frames: older protocol versions and session edge cases."""

from __future__ import annotations

import socket
import struct
import time

from console.remote import wire
from console.remote.csv import decode_record
from console.remote.wire import WireReader, WireWriter
from remote_server import ServerProcess


class Raw:
    """A socket speaking the protocol by hand, announcing ``protocol``."""

    def __init__(self, server: ServerProcess, protocol: int) -> None:
        self.sock = socket.create_connection((server.host, server.port), timeout=10)
        self.reader = WireReader(self.sock)
        assert self.reader.read_short() == 36
        self.protocol = protocol
        self.session = -1

    def send(self, w: WireWriter) -> None:
        self.sock.sendall(w.getvalue())

    def handshake(self, op: int, *tail: str, token: bool = False) -> None:
        w = WireWriter().byte(op).int(self.session)
        w.string("raw test").string("0").short(self.protocol).string("").string("ORecordDocument2csv").bool(token)
        if self.protocol > 33:
            w.bool(True).bool(True)
        for text in tail:
            w.string(text)
        self.send(w)

    def ok(self) -> None:
        status = self.reader.read_byte()
        self.reader.read_int()
        if status != 0:
            self.reader.read_byte()
            raise AssertionError(f"{self.reader.read_text()}: {self.reader.read_text()}")

    def connect(self, password: str) -> None:
        self.handshake(wire.CONNECT, "root", password)
        self.ok()
        self.session = self.reader.read_int()
        self.reader.read_bytes()

    def command(self, text: str) -> tuple[str, object]:
        payload = WireWriter().string(wire.COMMAND_SQL).string(text).bool(False).bool(False).getvalue()
        self.send(WireWriter().byte(wire.COMMAND).int(self.session).byte("s").bytes(payload))
        self.ok()
        kind = chr(self.reader.read_byte())
        if kind == "a":
            value = self.reader.read_text()
        elif kind in ("r", "w"):
            self.reader.read_short()
            self.reader.read_byte()
            self.reader.read_short()
            self.reader.read_long()
            self.reader.read_int()
            value = decode_record(self.reader.read_bytes() or b"")
        else:
            raise AssertionError(f"unexpected kind {kind}")
        assert self.reader.read_byte() == 0
        return kind, value


def test_protocol_33_client(server: ServerProcess) -> None:
    """What orientjs 2.2 sends: no push/stats flags, no backup path in DB_CREATE; scalars come back as 'a'."""
    c = Raw(server, 33)
    c.connect(server.root_password)
    c.send(WireWriter().byte(wire.DB_CREATE).int(c.session).string("proto33").string("graph").string("memory"))
    c.ok()
    assert c.command("create class Thing") == ("a", "12")
    kind, doc = c.command("insert into Thing set n = 5L")
    assert kind == "r" and doc.fields == {"n": 5}
    d = Raw(server, 36)
    d.connect(server.root_password)
    d.send(WireWriter().byte(wire.DB_DROP).int(d.session).string("proto33").string("memory"))
    d.ok()


def test_protocol_36_scalar_is_w(server: ServerProcess, dbname: str) -> None:
    c = Raw(server, 36)
    c.handshake(wire.DB_OPEN, dbname, "admin", "admin")
    c.ok()
    c.session = c.reader.read_int()
    c.reader.read_bytes()
    for _ in range(c.reader.read_short()):
        c.reader.read_text()
        c.reader.read_short()
    c.reader.read_bytes()
    assert c.reader.read_text() == "2.2.37"
    kind, doc = c.command("create class Thing")
    assert kind == "w" and doc.fields == {"result": 12}


def test_unknown_session_with_an_empty_body_is_answered(server: ServerProcess) -> None:
    """No token follows and nothing else comes: the server must not wait for more bytes forever."""
    c = Raw(server, 36)
    started = time.monotonic()
    c.sock.sendall(bytes([wire.DB_SIZE]) + struct.pack("!i", 4242))
    status = c.reader.read_byte()
    c.reader.read_int()
    assert status == 1
    c.reader.read_byte()
    assert c.reader.read_text().endswith("ODatabaseException")
    assert "no database is open" in c.reader.read_text()
    assert time.monotonic() - started < 5


def test_script_languages(server: ServerProcess, dbname: str) -> None:
    c = Raw(server, 36)
    c.handshake(wire.DB_OPEN, dbname, "admin", "admin")
    c.ok()
    c.session = c.reader.read_int()
    c.reader.read_bytes()
    for _ in range(c.reader.read_short()):
        c.reader.read_text()
        c.reader.read_short()
    c.reader.read_bytes()
    c.reader.read_text()
    payload = WireWriter().string(wire.COMMAND_SCRIPT).string("javascript").string("1 + 1").int(0).getvalue()
    c.send(WireWriter().byte(wire.COMMAND).int(c.session).byte("s").bytes(payload))
    assert c.reader.read_byte() == 1
    c.reader.read_int()
    c.reader.read_byte()
    assert c.reader.read_text().endswith("OCommandExecutorNotFoundException")
    assert "only sql" in c.reader.read_text()


def test_wire_follows_the_announced_protocol() -> None:
    """OrientDB 2.2 reads the push/stats flags above protocol 33 and DB_CREATE's backup path above 35."""
    handshake = WireWriter().byte(wire.CONNECT).int(-1).string("d").string("1").short(33).string("") \
        .string("ORecordDocument2csv").bool(False).string("root").string("pw").getvalue()
    req = wire.read_request(WireReader(handshake))
    assert (req.protocol, req.user, req.password, req.support_push) == (33, "root", "pw", False)
    create = WireWriter().byte(wire.DB_CREATE).int(5).string("x").string("graph").string("memory").getvalue()
    req = wire.read_request(WireReader(create), protocol=33)
    assert (req.name, req.storage, req.backup_path) == ("x", "memory", None)
    with_path = create + struct.pack("!i", -1)
    assert wire.read_request(WireReader(with_path)).backup_path is None
