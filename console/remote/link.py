"""The pyorient side of remote databases: connections, raw record contents, error translation.

pyorient 1.5.5 does the talking (handshake, framing, sessions, error
decoding). Two small subclasses of its message classes hand us each
record's raw CSV content and type instead of pyorient's decoded dict, so
that our own reader (:mod:`console.remote.csv`) keeps the types pyorient
loses. :class:`Link` turns whatever pyorient or the socket raises into
one-line console errors.
"""

from __future__ import annotations

import contextlib
import os
import struct
from typing import Any, Iterator, NamedTuple

from console.engine.registry import DatabaseURL
from console.engine.rid import RID
from console.errors import OrientError
from console.remote.exceptions import RemoteConnectionError, RemoteError, orient_error
from console.remote.wire import ProtocolError, WireReader

CLIENT_ID = "orient-console"
MIN_PROTOCOL = 28


class Raw(NamedTuple):
    """A record entry as it came off the wire."""

    type: str
    rid: RID
    version: int
    content: bytes | None


# --- pyorient messages that keep raw record contents ---------------------------------------------

def _messages() -> tuple[type, type]:
    from pyorient.constants import FIELD_BYTE, FIELD_BYTES, FIELD_CHAR, FIELD_INT, FIELD_LONG, FIELD_SHORT
    from pyorient.messages.commands import CommandMessage
    from pyorient.messages.records import RecordLoadMessage

    def read_record(msg: Any) -> Raw | None:
        marker = msg._decode_field(FIELD_SHORT)
        if marker == -2:
            out = None
        elif marker == -3:
            out = Raw("x", RID(msg._decode_field(FIELD_SHORT), msg._decode_field(FIELD_LONG)), 0, None)
        else:
            rtype = msg._decode_field(FIELD_CHAR).decode("ascii", "replace")
            rid = RID(msg._decode_field(FIELD_SHORT), msg._decode_field(FIELD_LONG))
            version = msg._decode_field(FIELD_INT)
            out = Raw(rtype, rid, version, msg._decode_field(FIELD_BYTES))
        msg._input_buffer = b""  # pyorient keeps everything read for debugging otherwise
        return out

    def skip_prefetched(msg: Any) -> None:
        while msg._decode_field(FIELD_BYTE) != 0:
            read_record(msg)

    def read_entry(r: WireReader) -> Raw | None:
        marker = r.read_short()
        if marker == -2:
            return None
        if marker == -3:
            return Raw("x", RID(r.read_short(), r.read_long()), 0, None)
        rtype = chr(r.read_byte())
        rid = RID(r.read_short(), r.read_long())
        return Raw(rtype, rid, r.read_int(), r.read_bytes() or b"")

    class RawCommand(CommandMessage):
        """COMMAND whose result is ``(kind, [raw records or values])``.

        pyorient has read the response header; the body is read here with a
        buffered reader straight from the socket (pyorient would make a
        ``select`` and a ``recv`` per field). Nothing can follow the
        response, since a request waits for its answer, so the buffer ends
        empty.
        """

        def _read_record(self) -> Raw | None:
            return read_record(self)

        def _read_sync(self) -> tuple[str, list[Any]]:
            r = WireReader(self._orientSocket._socket, 1 << 30)
            out = self._read_body(r)
            if r.buffered:
                raise RemoteError(f"the server sent {r.buffered} unexpected byte(s) after a result")
            return out

        @staticmethod
        def _read_body(r: WireReader) -> tuple[str, list[Any]]:
            kind = chr(r.read_byte())
            if kind == "n":
                r.read_byte()
                return "n", []
            if kind in ("r", "w"):
                rec = read_entry(r)
                r.read_byte()
                return kind, [rec]
            if kind == "a":
                data = r.read_bytes() or b""
                r.read_byte()
                return "a", [data]
            if kind == "l":
                n = r.read_int()
                recs = [read_entry(r) for _ in range(n)]
                while r.read_byte() != 0:  # prefetched records: not part of the result
                    read_entry(r)
                return "l", recs
            raise RemoteError(f"the server sent a result of unknown kind {kind!r}")

    class RawLoad(RecordLoadMessage):
        """RECORD_LOAD returning ``(type, version, content)`` or None."""

        def fetch_response(self) -> tuple[str, int, bytes] | None:
            self._append(FIELD_BYTE)
            status = super(RecordLoadMessage, self).fetch_response()[0]
            if status == 0:
                return None
            self._append(FIELD_CHAR)
            self._append(FIELD_INT)
            self._append(FIELD_BYTES)
            rtype, version, content = super(RecordLoadMessage, self).fetch_response(True)
            skip_prefetched(self)
            return rtype.decode("ascii", "replace"), version, content

    return RawCommand, RawLoad


_MESSAGE_CLASSES: tuple[type, type] | None = None


def message_classes() -> tuple[type, type]:
    global _MESSAGE_CLASSES
    if _MESSAGE_CLASSES is None:
        _MESSAGE_CLASSES = _messages()
    return _MESSAGE_CLASSES


# --- connections and errors --------------------------------------------------------------------

def default_timeout() -> float:
    """Seconds to wait for the server: $ORIENT_CONSOLE_TIMEOUT, else 30 (pyorient's own value)."""
    try:
        value = float(os.environ.get("ORIENT_CONSOLE_TIMEOUT", "") or 30.0)
    except ValueError:
        value = 30.0
    return value if value > 0 else 30.0


def _timed_socket_class() -> type:
    from pyorient import exceptions as P
    from pyorient.constants import SUPPORTED_PROTOCOL
    from pyorient.orient import OrientSocket

    class TimedSocket(OrientSocket):
        """pyorient's socket with one timeout for connecting and every read.

        pyorient connects with a fixed 30 s timeout and then waits for data
        in a loop that never gives up; here a silent server raises
        ``TimeoutError`` after ``timeout`` seconds instead.
        """

        def __init__(self, host: str, port: int, timeout: float) -> None:
            super().__init__(host, port)
            self.timeout = timeout

        def connect(self) -> None:
            try:
                self._socket.settimeout(self.timeout)
                self._socket.connect((self.host, self.port))
                greeting = self.read(2)
            except OSError as exc:
                self.connected = False
                raise P.PyOrientConnectionException(f"Socket Error: {exc}", []) from None
            self.protocol = struct.unpack("!h", greeting)[0]
            if self.protocol > SUPPORTED_PROTOCOL:
                raise P.PyOrientWrongProtocolVersionException(
                    f"Protocol version {self.protocol} is not supported yet by this client.", [])
            self.connected = True

        def read(self, n: int) -> bytes:
            buf = bytearray(n)
            view = memoryview(buf)
            while n:
                got = self._socket.recv_into(view, n)
                if not got:
                    self._socket.close()
                    self.connected = False
                    raise P.PyOrientConnectionException("Server seems to have went down", [])
                view = view[got:]
                n -= got
            return bytes(buf)

    return TimedSocket


class Link:
    """A pyorient client plus error translation for one server address."""

    def __init__(self, url: DatabaseURL, timeout: float | None = None) -> None:
        import pyorient

        self.url = url
        self.where = f"remote:{url.host}:{url.port}"
        sock = _timed_socket_class()(url.host, url.port, timeout or default_timeout())
        self.client = pyorient.OrientDB(sock)

    @contextlib.contextmanager
    def errors(self, what: str) -> Iterator[None]:
        """Turn whatever pyorient or the socket raises into one-line console errors."""
        from pyorient import exceptions as P

        try:
            yield
        except ProtocolError as exc:  # our own reader: the stream broke or made no sense
            raise RemoteConnectionError(f"connection to {self.where} failed while trying to {what}: {exc}") from None
        except OrientError:
            raise
        except P.PyOrientWrongProtocolVersionException as exc:
            raise RemoteConnectionError(f"{self.where} does not speak OrientDB binary protocol 36 "
                                        f"({_text(exc)})") from None
        except (P.PyOrientConnectionException, P.PyOrientConnectionPoolException) as exc:
            raise RemoteConnectionError(f"cannot {what} on {self.where}: {_socket_text(exc)}") from None
        except P.PyOrientBadMethodCallException as exc:
            raise RemoteError(f"cannot {what}: {_text(exc)}") from None
        except P.PyOrientException as exc:
            raise orient_error(exc) from None
        except (OSError, EOFError) as exc:
            raise RemoteConnectionError(f"cannot {what} on {self.where}: {exc.strerror or exc}"
                                        if isinstance(exc, OSError) else f"connection to {self.where} lost") from None
        except Exception as exc:  # garbage from a server that is not what it claims
            raise RemoteConnectionError(f"unexpected answer from {self.where} while trying to {what} "
                                        f"({type(exc).__name__}: {exc})") from None

    def handshake(self, what: str) -> None:
        """Open the socket and check the protocol the server announces, before sending anything."""
        with self.errors(what):
            self.client._connection.get_connection()
        proto = self.client._connection.protocol
        if proto < MIN_PROTOCOL:
            self.close()
            raise RemoteConnectionError(f"{self.where} speaks protocol {proto}; this client needs "
                                        f"{MIN_PROTOCOL} to 36")

    def connect(self, user: str, password: str) -> None:
        self.handshake("log in")
        with self.errors("log in"):
            self.client.connect(user, password, CLIENT_ID)

    def session_token(self) -> bytes:
        """The token to send with a request: the connection's, else the client's (pyorient keeps both)."""
        conn = self.client._connection
        return conn.auth_token if conn.auth_token != b"" else self.client._auth_token

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:
            pass


def _text(exc: BaseException) -> str:
    return str(exc.args[0]) if exc.args else type(exc).__name__


def _socket_text(exc: BaseException) -> str:
    text = _text(exc)
    if text.startswith("Socket Error: "):
        text = text[len("Socket Error: "):]
    if text.startswith("[Errno") and "] " in text:
        text = text.split("] ", 1)[1]
    if "went down" in text:
        text = "the server closed the connection"
    return text[:1].lower() + text[1:] if text else "connection failed"
