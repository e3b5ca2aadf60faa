"""OrientDB's Java exception names for our errors, in both directions.

The server answers every failure with one ``(class, message)`` pair;
pyorient re-classes its exception by the last dotted part of the class name
(``OCommandSQLParsingException`` → ``PyOrientSQLParsingException`` and so
on), so the names below are the ones OrientDB 2.2 uses for the same
situations. :func:`java_exception` maps an exception raised while serving a
request; :func:`orient_error` maps a pyorient exception back to one of our
:class:`~console.errors.OrientError` classes for the console.
"""

from __future__ import annotations

from typing import Any

from console import errors as E
from console.remote.csv import CSVError

_CORE = "com.orientechnologies.orient.core"
PARSING = f"{_CORE}.sql.OCommandSQLParsingException"
EXECUTION = f"{_CORE}.command.OCommandExecutionException"
EXECUTOR_NOT_FOUND = f"{_CORE}.command.OCommandExecutorNotFoundException"
DATABASE = f"{_CORE}.exception.ODatabaseException"
STORAGE = f"{_CORE}.exception.OStorageException"
SECURITY = f"{_CORE}.exception.OSecurityAccessException"
DUPLICATED = f"{_CORE}.storage.ORecordDuplicatedException"
CONCURRENT = f"{_CORE}.exception.OConcurrentModificationException"
SCHEMA = f"{_CORE}.exception.OSchemaException"
INDEX = f"{_CORE}.index.OIndexException"
VALIDATION = f"{_CORE}.exception.OValidationException"
NOT_FOUND = f"{_CORE}.exception.ORecordNotFoundException"
TRANSACTION = f"{_CORE}.exception.OTransactionException"
SERIALIZATION = f"{_CORE}.exception.OSerializationException"
CONFIGURATION = f"{_CORE}.exception.OConfigurationException"
NETWORK = "com.orientechnologies.common.io.OIOException"
OUT_OF_BOUNDS = "java.lang.IndexOutOfBoundsException"
INTERNAL = "com.orientechnologies.common.exception.OException"

# Most specific first: the first isinstance match wins.
_BY_TYPE: tuple[tuple[type[BaseException], str], ...] = (
    (E.AuthenticationError, SECURITY),
    (E.PermissionDenied, SECURITY),
    (E.DatabaseExists, DATABASE),
    (E.DatabaseNotFound, STORAGE),
    (E.UniqueViolation, DUPLICATED),
    (E.StaleVersion, CONCURRENT),
    (E.UnknownClass, EXECUTION),  # OrientDB: "Class 'X' was not found"
    (E.UnknownProperty, EXECUTION),
    (E.UnknownCluster, EXECUTION),
    (E.UnknownIndex, INDEX),
    (E.SchemaError, SCHEMA),
    (E.ValidationError, VALIDATION),
    (E.RecordNotFound, NOT_FOUND),
    (E.TransactionError, TRANSACTION),
    (E.QueryError, EXECUTION),
    (E.InvalidURL, CONFIGURATION),
    (CSVError, SERIALIZATION),
    (E.DatabaseError, DATABASE),
)


class ServerError(E.OrientError):
    """An error the server reports with an explicit Java exception class."""

    def __init__(self, java_class: str, message: str) -> None:
        super().__init__(message)
        self.java_class = java_class


def java_exception(exc: BaseException) -> tuple[str, str]:
    """The ``(exception class, message)`` pair to send for ``exc``."""
    if isinstance(exc, ServerError):
        return exc.java_class, str(exc)
    from console.parser import ParseError

    if isinstance(exc, ParseError):
        # pyorient's tests look for "Error " and "parsing " in the text.
        return PARSING, f"Error on parsing command at line {exc.line}, column {exc.column}: {exc.reason}"
    for cls, name in _BY_TYPE:
        if isinstance(exc, cls):
            return name, str(exc)
    if isinstance(exc, E.OrientError):
        return EXECUTION, str(exc)
    return INTERNAL, f"internal server error: {type(exc).__name__}: {exc}"


# --- the client side -------------------------------------------------------------------

class RemoteError(E.DatabaseError):
    """The server reported an error that has no closer equivalent here."""


class RemoteConnectionError(E.DatabaseError):
    """The server cannot be reached or does not speak protocol 36."""


class RemoteSQLError(E.QueryError):
    """The server could not parse a statement."""


_BACK: dict[str, type[E.OrientError]] = {
    "OSecurityAccessException": E.AuthenticationError,
    "ODatabaseException": RemoteError,
    "OStorageException": E.DatabaseNotFound,
    "ORecordDuplicatedException": E.UniqueViolation,
    "OConcurrentModificationException": E.StaleVersion,
    "OSchemaException": E.SchemaError,
    "OIndexException": E.UnknownIndex,
    "OValidationException": E.ValidationError,
    "ORecordNotFoundException": E.RecordNotFound,
    "OTransactionException": E.TransactionError,
    "OCommandSQLParsingException": RemoteSQLError,
    "OCommandExecutionException": E.QueryError,
}


def orient_error(exc: Any, during: str = "") -> E.OrientError:
    """One of our errors for a pyorient exception (``errors[0]`` holds the server's message)."""
    java = str(exc.args[0]) if getattr(exc, "args", None) else ""
    details = getattr(exc, "errors", None) or []
    message = str(details[0]) if details else java
    short = java.rsplit(".", 1)[-1]
    cls = _BACK.get(short, RemoteError)
    if cls is E.AuthenticationError and "permission" in message.lower():
        cls = E.PermissionDenied
    if cls is RemoteError and "already exists" in message:
        cls = E.DatabaseExists
    prefix = f"{during}: " if during else ""
    return cls(prefix + (message or short or "the server reported an error"))
