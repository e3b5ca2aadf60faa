"""CONNECT, DISCONNECT, CREATE / DROP / LIST DATABASE(S)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from console import ast
from console.commands import command
from console.engine import registry
from console.engine.security import DELETE
from console.errors import AuthenticationError, DatabaseNotFound, OrientError
from console.session import Session


def resolve_url(session: Session, url: str) -> registry.DatabaseURL:
    """A URL, or a bare name meaning a database in the console's data directory."""
    text = url.strip().strip("'\"")
    scheme = text.split(":", 1)[0].lower() if ":" in text else ""
    if scheme in registry.URL_KINDS:
        return registry.parse_url(text)
    if text and all(c.isalnum() or c in "_-$" for c in text):
        return registry.parse_url(f"plocal:{session.databases_dir / text}")
    raise OrientError(f"invalid database URL '{url}': use plocal:<path>, memory:<name>, "
                      "remote:<host>[:port]/<db>, or a plain name for a database in the console's data directory")


def open_database(url: registry.DatabaseURL, user: str, password: str | None) -> Any:
    """Open an embedded or remote database."""
    if url.kind == "remote":
        from console.remote.client import open_remote

        return open_remote(url, user, password)
    if url.kind == "embedded":
        raise OrientError(f"'{url}' is a directory of databases: connect to plocal:{url.path}/<name>")
    if password is None:
        raise AuthenticationError(f"wrong user name or password for database '{url.name}'")
    return registry.open(url, user, password)


def _password(session: Session, given: str | None, what: str) -> str | None:
    if given is not None:
        return given
    if session.password_prompt is None:
        raise OrientError(f"a password is needed to {what} (give it after the user name)")
    return session.password_prompt("Enter password: ")


@command(ast.Connect, "CONNECT", "CONNECT <url> <user> [<password>]",
         "Open a database (asks for the password when it is left out).",
         "CONNECT plocal:/data/demo admin admin")
def connect(session: Session, stmt: ast.Connect, text: str) -> None:
    url = resolve_url(session, stmt.url)
    password = _password(session, stmt.password, "connect")
    if url.kind == "remote" and not url.name:
        from console.remote.client import connect_server

        server = connect_server(url, stmt.user, password)
        session.close_database()
        session.server = server
        session.renderer.success(f"Connected to server {url} as {stmt.user}.")
        return
    db = open_database(url, stmt.user, password)
    session.server = None
    session.set_database(db)
    session.renderer.success(f"Connected to {url} as {db.user_name}.")


@command(ast.Disconnect, "DISCONNECT", "DISCONNECT", "Close the current database.", "DISCONNECT")
def disconnect(session: Session, stmt: ast.Disconnect, text: str) -> None:
    if session.db is None and session.server is None:
        session.renderer.message("Not connected.")
        return
    name = session.db.name if session.db is not None else session.server.url
    session.close_database()
    if session.server is not None:
        session.server.close()
        session.server = None
    session.renderer.success(f"Disconnected from {name}.")


@command(ast.CreateDatabase, "CREATE DATABASE",
         "CREATE DATABASE <url> [<user> <password>] [plocal|memory] [document|graph]",
         "Create a database (admin user and password default to admin/admin) and connect to it.",
         "CREATE DATABASE plocal:/data/demo admin secret")
def create_database(session: Session, stmt: ast.CreateDatabase, text: str) -> None:
    url = resolve_url(session, stmt.url)
    user = stmt.user or "admin"
    password = stmt.password if stmt.password is not None else ("admin" if stmt.user is None else None)
    if password is None:
        password = _password(session, None, "create the database")
    if url.kind == "remote":
        from console.remote.client import create_remote

        db = create_remote(url, user, password, storage=stmt.storage or "plocal", db_type=stmt.db_type or "graph")
    else:
        if stmt.storage and stmt.storage.lower() == "memory" and url.kind == "plocal":
            url = registry.parse_url(f"memory:{url.name}")
        if url.kind == "plocal":
            assert url.path is not None
            url.path.parent.mkdir(parents=True, exist_ok=True)
        db = registry.create(url, user, password)
    session.server = None
    session.set_database(db)
    session.renderer.success(f"Database created successfully: {url}. Connected as {db.user_name}.")


@command(ast.DropDatabase, "DROP DATABASE", "DROP DATABASE [<url> [<user> <password>]]",
         "Delete the current database, or the one named.", "DROP DATABASE plocal:/data/old admin admin")
def drop_database(session: Session, stmt: ast.DropDatabase, text: str) -> None:
    if stmt.url is None:
        db = session.require_db()
        db.check_permission("database", None, DELETE)
        url = db.url
        name = db.name
        session.close_database()
        _drop(url)
        session.renderer.success(f"Database '{name}' deleted.")
        return
    url = resolve_url(session, stmt.url)
    if url.kind == "remote":
        from console.remote.client import drop_remote

        drop_remote(url, stmt.user or "root", stmt.password or "")
        session.renderer.success(f"Database '{url.name}' deleted.")
        return
    if not registry.exists(url):
        raise DatabaseNotFound(f"database '{url}' does not exist")
    if stmt.user is not None:
        probe = registry.open(url, stmt.user, stmt.password or "")
        try:
            probe.check_permission("database", None, DELETE)
        finally:
            probe.close()
    current = session.db
    if current is not None and getattr(current, "kind", "") == "embedded" and current.url == str(url):
        session.close_database()
    registry.drop(url)
    session.renderer.success(f"Database '{url.name}' deleted.")


def _drop(url: str) -> None:
    u = registry.parse_url(url)
    if u.kind == "remote":
        raise OrientError("drop a remote database by URL with its server credentials")
    registry.drop(u)


@command(ast.ListDatabases, "LIST DATABASES", "LIST DATABASES",
         "List the databases of the server, or of the current database's directory.", "LIST DATABASES")
def list_databases(session: Session, stmt: ast.ListDatabases, text: str) -> None:
    rows: list[tuple[str, str]] = []
    db = session.db
    if session.server is not None or (db is not None and db.kind == "remote"):
        conn = session.server if session.server is not None else db
        for name, url in conn.list_databases():
            rows.append((name, url))
    else:
        directory: Path
        if db is not None and getattr(db, "path", None) is not None and str(db.url).startswith("plocal:"):
            directory = Path(db.path).parent
        else:
            directory = session.databases_dir
        if directory.is_dir():
            for name in registry.list_databases(directory):
                rows.append((name, f"plocal:{directory / name}"))
        for name in registry.list_memory_databases():
            rows.append((name, f"memory:{name}"))
    session.renderer.table(["name", "url"], rows, title=f"Found {len(rows)} database(s)")
