"""The exception hierarchy shared by every layer.

Every error the console reports to a user derives from :class:`OrientError`
and carries a one-line message; anything else reaching the top level is a bug.
"""

from __future__ import annotations


class OrientError(Exception):
    """Base of all expected errors; ``str(err)`` is a one-line message."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()) if "\n" in str(message) else str(message))

    @property
    def message(self) -> str:
        return str(self)


# --- databases -------------------------------------------------------------

class DatabaseError(OrientError):
    """A database operation failed."""


class InvalidURL(DatabaseError):
    """A database URL cannot be understood."""


class DatabaseNotFound(DatabaseError):
    """The named database does not exist."""


class DatabaseExists(DatabaseError):
    """A database with that name already exists."""


class AuthenticationError(DatabaseError):
    """Wrong user name or password."""


class PermissionDenied(DatabaseError):
    """The user's roles do not allow the operation."""


class SchemaError(DatabaseError):
    """A schema operation is invalid (unknown or duplicate class, property...)."""


class UnknownClass(SchemaError):
    """The class does not exist."""


class UnknownProperty(SchemaError):
    """The property does not exist."""


class UnknownCluster(SchemaError):
    """The cluster does not exist."""


class UnknownIndex(SchemaError):
    """The index does not exist."""


class ValidationError(DatabaseError):
    """A record breaks a rule of its class."""


class TypeMismatch(ValidationError):
    """A value cannot be converted to the declared type."""


class ConstraintViolation(ValidationError):
    """A value breaks a property constraint (mandatory, min, max, regexp...)."""


class UniqueViolation(DatabaseError):
    """A unique index already holds the key."""


class StaleVersion(DatabaseError):
    """An update carried a version older than the stored one."""


class RecordNotFound(DatabaseError):
    """No record at that RID."""


class TransactionError(DatabaseError):
    """Misuse of BEGIN / COMMIT / ROLLBACK."""


class QueryError(DatabaseError):
    """A statement is well-formed but cannot be executed."""


class Cancelled(OrientError):
    """The user interrupted a running command."""

    def __init__(self, message: str = "cancelled") -> None:
        super().__init__(message)
