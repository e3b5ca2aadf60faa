"""Users, roles and permission checks, in OrientDB's model.

Passwords are stored as ``{PBKDF2WithHmacSHA256}<hash>:<salt>:<iterations>``
(hex, 24-byte hash and salt), the form OrientDB 3 writes, so users imported
from OrientDB keep their passwords. Roles carry rules: a resource
(``database.class.person``, ``database.schema``...) mapped to a bit mask.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field
from typing import Any

from console.errors import PermissionDenied

CREATE, READ, UPDATE, DELETE, EXECUTE = 1, 2, 4, 8, 16
ALL = 31
_OP_NAMES = {CREATE: "create", READ: "read", UPDATE: "update", DELETE: "delete", EXECUTE: "execute"}

DENY_ALL_BUT = 0
ALLOW_ALL_BUT = 1

PBKDF2_ITERATIONS = 65536
_KEY_LEN = 24


def hash_password(password: str, *, iterations: int = PBKDF2_ITERATIONS, salt: bytes | None = None) -> str:
    """The stored form of a password (salted PBKDF2-HMAC-SHA256)."""
    salt = os.urandom(_KEY_LEN) if salt is None else salt
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations, _KEY_LEN)
    return f"{{PBKDF2WithHmacSHA256}}{digest.hex().upper()}:{salt.hex().upper()}:{iterations}"


def check_password(password: str, stored: str | None) -> bool:
    """True when ``password`` matches the stored hash (PBKDF2 or legacy SHA-256)."""
    if not stored:
        return False
    for algo, name in (("sha256", "{PBKDF2WithHmacSHA256}"), ("sha1", "{PBKDF2WithHmacSHA1}")):
        if stored.startswith(name):
            try:
                digest_hex, salt_hex, iters = stored[len(name):].split(":")
                salt = bytes.fromhex(salt_hex)
                expected = bytes.fromhex(digest_hex)
                got = hashlib.pbkdf2_hmac(algo, password.encode("utf-8"), salt, int(iters), len(expected))
            except ValueError:
                return False
            return hmac.compare_digest(got, expected)
    if stored.startswith("{SHA-256}"):
        got = hashlib.sha256(password.encode("utf-8")).hexdigest().upper()
        return hmac.compare_digest(got, stored[len("{SHA-256}"):].upper())
    return False


def is_hashed(value: str) -> bool:
    return value.startswith(("{PBKDF2WithHmacSHA256}", "{PBKDF2WithHmacSHA1}", "{SHA-256}"))


@dataclass(frozen=True)
class Role:
    """A role: a mode (allow or deny by default), rules and an optional parent."""

    name: str
    mode: int = DENY_ALL_BUT
    rules: dict[str, int] = field(default_factory=dict)
    parent: "Role | None" = None

    def allows(self, specific: str, generic: str, op: int) -> bool | None:
        """True/False from the most specific rule, None when no rule applies."""
        role: Role | None = self
        while role is not None:
            for key in (specific, generic):
                if key in role.rules:
                    return bool(role.rules[key] & op)
            role = role.parent
        return None


@dataclass(frozen=True)
class User:
    """An authenticated user and their roles."""

    name: str
    roles: tuple[Role, ...]

    def allowed(self, specific: str, generic: str, op: int) -> bool:
        for role in self.roles:
            verdict = role.allows(specific.lower(), generic, op)
            if verdict is None:
                verdict = role.mode == ALLOW_ALL_BUT
            if verdict:
                return True
        return False

    def check(self, resource: str, name: str | None, op: int) -> None:
        """Raise PermissionDenied unless the user may do ``op`` on the resource.

        ``resource`` is generic (``database.class``); ``name`` narrows it
        (``person`` gives ``database.class.person``).
        """
        specific = f"{resource}.{name.lower()}" if name else resource
        if not self.allowed(specific, resource, op):
            what = _OP_NAMES.get(op, str(op))
            target = f"{resource}.{name}" if name else resource
            roles = ", ".join(r.name for r in self.roles) or "no role"
            raise PermissionDenied(
                f"user '{self.name}' ({roles}) is not allowed to {what} '{target}'")

    @property
    def is_admin(self) -> bool:
        return self.allowed("database.bypassrestricted", "database.bypassRestricted", ALL) and any(
            r.mode == ALLOW_ALL_BUT for r in self.roles)


def role_from_fields(fields: dict[str, Any], parent: Role | None) -> Role:
    rules = {str(k).lower(): int(v) for k, v in (fields.get("rules") or {}).items()}
    return Role(str(fields.get("name")), int(fields.get("mode") or 0), rules, parent)


# Rules of the roles a new database gets. reader and writer mirror OrientDB 3's,
# except that writer may not change the schema (database.schema read-only).
DEFAULT_ROLES: dict[str, dict[str, Any]] = {
    "admin": {"mode": ALLOW_ALL_BUT, "rules": {"database.bypassRestricted": ALL}},
    "reader": {
        "mode": DENY_ALL_BUT,
        "rules": {
            "database": READ,
            "database.schema": READ,
            "database.cluster.internal": READ,
            "database.cluster.orole": 0,
            "database.cluster.ouser": 0,
            "database.class": READ,
            "database.class.ouser": 0,
            "database.cluster": READ,
            "database.systemclusters": 0,
            "database.command": READ,
            "database.function": READ,
            "database.hook.record": READ,
        },
    },
    "writer": {
        "mode": DENY_ALL_BUT,
        "rules": {
            "database": READ,
            "database.schema": READ,
            "database.cluster.internal": READ,
            "database.cluster.orole": 0,
            "database.cluster.ouser": 0,
            "database.class": ALL,
            "database.class.ouser": 0,
            "database.class.orole": 0,
            "database.cluster": ALL,
            "database.systemclusters": 0,
            "database.command": ALL,
            "database.function": READ,
            "database.hook.record": ALL,
        },
    },
}
