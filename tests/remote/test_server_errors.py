"""Errors, bad frames, concurrency, logging and shutdown of ``orient-console serve``."""

from __future__ import annotations

import os
import signal
import socket
import struct
import threading
import time
from pathlib import Path

import pyorient
import pytest

from console.remote import wire
from console.remote.wire import WireReader
from remote_server import ServerProcess, start_server, wait_for


# --- errors mapped to pyorient's exception classes ----------------------------------------------------

def test_sql_syntax_error(client) -> None:
    client.command("create class obj")
    client.command("create property obj._KEY string")
    client.command("alter property obj._KEY mandatory true")
    with pytest.raises(pyorient.PyOrientSQLParsingException) as info:
        client.command("create index KEY on obj _KEY unique")
    assert "Error " in str(info.value) and "parsing " in str(info.value)
    client.command("create index KEY on obj ( _KEY ) unique")
    with pytest.raises(pyorient.PyOrientSQLParsingException):
        client.query("selec from V")


def test_unique_violation_and_validation(client) -> None:
    client.command("create class Person")
    client.command("create property Person.email string (mandatory true)")
    client.command("create index Person.email unique")
    client.command("insert into Person set email = 'a@x'")
    with pytest.raises(pyorient.PyOrientORecordDuplicatedException):
        client.command("insert into Person set email = 'a@x'")
    with pytest.raises(pyorient.PyOrientORecordDuplicatedException):
        client.record_create(-1, {"@Person": {"email": "a@x"}})
    with pytest.raises(pyorient.PyOrientCommandException) as info:
        client.command("insert into Person set name = 'no email'")
    assert "OValidationException" in str(info.value)


def test_schema_errors(client) -> None:
    client.command("create class Dup")
    with pytest.raises(pyorient.PyOrientSchemaException):
        client.command("create class Dup")
    with pytest.raises(pyorient.PyOrientCommandException) as info:
        client.query("select from NoSuchClass")
    assert "OCommandExecutionException" in str(info.value) and "NoSuchClass" in str(info.value)


def test_permissions_of_database_users(server: ServerProcess, dbname: str) -> None:
    server.open(dbname).command("create vertex V set x = 0")
    reader = server.open(dbname, "reader", "reader")
    assert len(reader.query("select from V")) == 1
    with pytest.raises(pyorient.PyOrientSecurityAccessException):
        reader.command("create vertex V set x = 1")
    writer = server.open(dbname, "writer", "writer")
    writer.command("create vertex V set x = 1")
    with pytest.raises(pyorient.PyOrientSecurityAccessException):
        writer.command("create class NotAllowed")


def test_transactions_must_be_one_request(client) -> None:
    with pytest.raises(pyorient.PyOrientCommandException) as info:
        client.command("begin")
    assert "OTransactionException" in str(info.value)
    with pytest.raises(pyorient.PyOrientCommandException) as info:
        client.query("insert into V set x = 1")
    assert "non idempotent" in str(info.value)


def test_script_rolls_back_on_error(client) -> None:
    client.command("create class Item")
    client.command("create property Item.code string")
    client.command("create index Item.code unique")
    with pytest.raises(pyorient.PyOrientORecordDuplicatedException):
        client.batch("insert into Item set code = 'a'\ninsert into Item set code = 'b'\ninsert into Item set code = 'a'")
    assert client.query("select from Item") == []
    client.batch("begin\ninsert into Item set code = 'a'\ninsert into Item set code = 'b'\ncommit")
    assert sorted(r.code for r in client.query("select from Item")) == ["a", "b"]
    client.batch("insert into Item set code = 'c';rollback;insert into Item set code = 'd'")
    assert sorted(r.code for r in client.query("select from Item")) == ["a", "b", "d"]


def test_database_operations_need_an_open_database(server: ServerProcess) -> None:
    c = server.root()
    msg = c.get_message("DbSizeMessage")
    msg._db_opened = True  # skip pyorient's own check to reach the server
    with pytest.raises(pyorient.PyOrientDatabaseException) as info:
        msg.prepare(()).send().fetch_response()
    assert "no database is open" in str(info.value)


def test_a_dropped_database_is_closed_for_other_connections(server: ServerProcess) -> None:
    name = server.new_database("plocal")
    user = server.open(name)
    user.command("create vertex V set a = 1")
    server.root().db_drop(name)
    with pytest.raises(pyorient.PyOrientDatabaseException) as info:
        user.query("select from V")
    assert "was dropped" in str(info.value)
    root = server.root()
    root.db_create(name, "graph", "plocal")  # the name is free again, and the new database is empty
    assert server.open(name).query("select from V") == []
    root.db_drop(name)


# --- bad frames ----------------------------------------------------------------------------------

def _raw(server: ServerProcess) -> socket.socket:
    s = socket.create_connection((server.host, server.port), timeout=10)
    assert s.recv(2) == struct.pack("!h", 36)
    return s


def _read_error(s: socket.socket) -> tuple[str, str]:
    r = WireReader(s)
    assert r.read_byte() == 1
    r.read_int()
    assert r.read_byte() == 1
    java, message = r.read_text(), r.read_text()
    assert r.read_byte() == 0
    r.read_bytes()
    return java, message


def _closed(s: socket.socket) -> bool:
    try:
        return s.recv(1) == b""
    except (ConnectionResetError, socket.timeout):
        return False


def test_unknown_operation_closes_only_that_connection(server: ServerProcess, client) -> None:
    client.command("create vertex V set n = 1")
    bad = _raw(server)
    bad.sendall(bytes([99]) + struct.pack("!i", -1) + b"garbage")
    java, message = _read_error(bad)
    assert "unknown operation code 99" in message
    assert _closed(bad)
    assert client.query("select from V")[0].n == 1  # the other client is unaffected
    assert server.proc.poll() is None


def test_oversized_frame_closes_only_that_connection(server: ServerProcess, client) -> None:
    bad = _raw(server)
    # CONNECT whose driver name claims 2 GiB: refused before anything is read
    bad.sendall(bytes([wire.CONNECT]) + struct.pack("!i", -1) + struct.pack("!i", 2 ** 31 - 1) + b"x" * 1000)
    java, message = _read_error(bad)
    assert "exceeds the limit" in message
    assert _closed(bad)
    client.command("create vertex V set n = 2")
    assert [r.n for r in client.query("select from V")] == [2]


def test_truncated_frame_and_abrupt_close(server: ServerProcess, client) -> None:
    bad = _raw(server)
    bad.sendall(bytes([wire.DB_OPEN]) + struct.pack("!i", -1) + struct.pack("!i", 40) + b"half")
    bad.close()
    assert wait_for(lambda: "connection lost in the middle of a request" in server.log())
    assert client.db_count_records() > 0


def test_bad_command_payload_keeps_the_connection(server: ServerProcess, dbname: str) -> None:
    from pyorient.messages.database import DbOpenMessage
    from pyorient.orient import OrientSocket

    sock = OrientSocket(server.host, server.port)
    sid = DbOpenMessage(sock).prepare((dbname, "admin", "admin", "graph", "")).send().fetch_response()[0]
    payload = struct.pack("!i", 9) + b"NotAClass" + struct.pack("!i", 0)
    sock.write(bytes([wire.COMMAND]) + struct.pack("!i", sock.session_id) + b"s" + struct.pack("!i", len(payload))
               + payload)
    java, message = _read_error(sock._socket)
    assert "unsupported command class" in message
    c = pyorient.OrientDB(sock)  # the same socket still works
    c._connection.db_opened = dbname
    assert len(c.query("select from OUser")) == 3
    assert sid


def test_garbage_greeting_reader_is_a_new_connection_each_time(server: ServerProcess) -> None:
    for _ in range(3):
        bad = _raw(server)
        bad.sendall(b"\xff" * 5)
        _read_error(bad)
        bad.close()
    assert server.root().db_exists("nothing_here") is False


# --- concurrency ---------------------------------------------------------------------------------

def test_concurrent_clients(server: ServerProcess, dbname: str) -> None:
    setup = server.open(dbname)
    setup.command("create class Counter")
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            c = server.open(dbname)
            for i in range(20):
                c.command(f"insert into Counter set worker = {n}, i = {i}")
                c.query("select count(*) from Counter")
            c.db_close()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert setup.command("select count(*) as n from Counter")[0].n == 160


# --- logging, passwords, shutdown -------------------------------------------------------------------

def test_one_log_line_per_connection_and_no_passwords(own_server: ServerProcess) -> None:
    c = own_server.root()
    c.db_create("secretive", "graph", "memory")
    c.command("update OUser set password = 'S3cretUserPass' where name = 'admin'")
    d = own_server.client()
    d.db_open("secretive", "admin", "S3cretUserPass")
    with pytest.raises(pyorient.PyOrientSecurityAccessException):
        own_server.client().db_open("secretive", "admin", "WrongPassXYZ")
    d.db_close()
    c.close()
    assert own_server.stop() == 0
    log = own_server.log()
    assert own_server.root_password not in log
    for secret in ("S3cretUserPass", "WrongPassXYZ"):
        assert secret not in log
    opened = [line for line in own_server.lines if line.endswith(" opened")]
    closed = [line for line in own_server.lines if " closed after " in line]
    assert len(opened) == len(closed) == 3


def test_generated_root_password_is_printed_once(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ORIENTDB_ROOT_PASSWORD"}
    srv = start_server(tmp_path, env=env, password=None)
    try:
        lines = [line for line in srv.lines if "no root password given" in line]
        assert len(lines) == 1
        password = lines[0].split("'")[1]
        c = srv.client()
        c.connect("root", password)
        assert c.db_list().oRecordData["databases"] == {}
    finally:
        assert srv.stop() == 0
    env["ORIENTDB_ROOT_PASSWORD"] = "fromenv"
    srv = start_server(tmp_path, env=env, password=None)
    try:
        srv.client().connect("root", "fromenv")
        assert not any("no root password given" in line for line in srv.lines)
    finally:
        srv.stop()


def test_sigterm_shuts_down_cleanly(own_server: ServerProcess) -> None:
    c = own_server.root()
    c.db_create("kept", "graph", "plocal")
    c.command("create vertex V set name = 'persisted'")
    idle = own_server.client()
    idle.connect("root", own_server.root_password)
    raw = socket.create_connection((own_server.host, own_server.port), timeout=10)  # mid-handshake
    started = time.monotonic()
    assert own_server.stop(signal.SIGTERM) == 0
    assert time.monotonic() - started < 10
    assert own_server.lines[-1].endswith("stopped")
    assert sum("server shutdown" in line for line in own_server.lines) >= 2
    raw.close()
    again = start_server(own_server.directory)  # the plocal database survived
    try:
        db = again.open("kept")
        assert [r.name for r in db.query("select from V")] == ["persisted"]
    finally:
        assert again.stop(signal.SIGINT) == 0


def test_shutdown_operation(own_server: ServerProcess) -> None:
    c = own_server.client()
    with pytest.raises(pyorient.PyOrientSecurityAccessException):
        c.shutdown("root", "wrong")
    c = own_server.client()
    assert c.shutdown("root", own_server.root_password) == []
    assert own_server.proc.wait(20) == 0


def test_port_in_use_is_one_line(server: ServerProcess, tmp_path: Path) -> None:
    import subprocess

    from remote_server import CONSOLE

    r = subprocess.run([CONSOLE, "serve", "--port", str(server.port), "--dir", str(tmp_path), "--root-password", "x"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 1
    assert r.stderr.strip().count("\n") == 0 and "cannot listen" in r.stderr
