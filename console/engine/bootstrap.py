"""What a new database holds: OrientDB 3.1's system clusters, classes, roles and users."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

from console import __version__
from console.engine.rid import RID
from console.engine.security import DEFAULT_ROLES, hash_password
from console.engine.storage import FORMAT_VERSION
from console.engine.types import OType

if TYPE_CHECKING:
    from console.engine.database import EmbeddedDatabase

ENGINE_VERSION = f"orient-console {__version__}"

# OrientDB 3.1's system clusters, in id order, then V and E.
SYSTEM_CLUSTERS = (
    "internal", "index", "manindex", "default", "osecuritypolicy", "orole", "ouser",
    "ofunction", "osequence", "oschedule", "v", "e",
)

# (class, superclasses, cluster name or None for abstract, properties)
# property: (name, type, linked, {constraints})
SYSTEM_CLASSES: tuple[tuple[str, tuple[str, ...], str | None, tuple[tuple, ...]], ...] = (
    ("OIdentity", (), None, ()),
    ("ORestricted", (), None, (
        ("_allow", "LINKSET", "OIdentity", {}),
        ("_allowDelete", "LINKSET", "OIdentity", {}),
        ("_allowRead", "LINKSET", "OIdentity", {}),
        ("_allowUpdate", "LINKSET", "OIdentity", {}),
    )),
    ("OTriggered", (), None, ()),
    ("OSecurityPolicy", (), "osecuritypolicy", (
        ("active", "BOOLEAN", None, {}),
        ("afterUpdateRule", "STRING", None, {}),
        ("beforeUpdateRule", "STRING", None, {}),
        ("createRule", "STRING", None, {}),
        ("deleteRule", "STRING", None, {}),
        ("executeRule", "STRING", None, {}),
        ("name", "STRING", None, {"mandatory": True, "not_null": True, "collate": "ci"}),
        ("readRule", "STRING", None, {}),
    )),
    ("ORole", ("OIdentity",), "orole", (
        ("inheritedRole", "LINK", "ORole", {}),
        ("mode", "BYTE", None, {}),
        ("name", "STRING", None, {"mandatory": True, "not_null": True, "collate": "ci"}),
        ("policies", "LINKMAP", "OSecurityPolicy", {}),
        ("rules", "EMBEDDEDMAP", "BYTE", {}),
    )),
    ("OUser", ("OIdentity",), "ouser", (
        ("name", "STRING", None, {"mandatory": True, "not_null": True, "min": "1", "collate": "ci",
                                  "regexp": r"\S+(.*\S+)*"}),
        ("password", "STRING", None, {"mandatory": True, "not_null": True}),
        ("roles", "LINKSET", "ORole", {}),
        ("status", "STRING", None, {"mandatory": True, "not_null": True}),
    )),
    ("OFunction", (), "ofunction", (
        ("code", "STRING", None, {}),
        ("idempotent", "BOOLEAN", None, {}),
        ("language", "STRING", None, {}),
        ("name", "STRING", None, {}),
        ("parameters", "EMBEDDEDLIST", "STRING", {}),
    )),
    ("OSequence", (), "osequence", (
        ("incr", "INTEGER", None, {}),
        ("name", "STRING", None, {}),
        ("start", "LONG", None, {}),
        ("type", "STRING", None, {}),
        ("value", "LONG", None, {}),
    )),
    ("OSchedule", (), "oschedule", (
        ("arguments", "EMBEDDEDMAP", None, {}),
        ("function", "LINK", "OFunction", {"mandatory": True, "not_null": True}),
        ("name", "STRING", None, {"mandatory": True, "not_null": True}),
        ("rule", "STRING", None, {"mandatory": True, "not_null": True}),
        ("starttime", "DATETIME", None, {}),
        ("status", "STRING", None, {}),
    )),
    ("V", (), "v", ()),
    ("E", (), "e", ()),
)

SYSTEM_INDEXES = (
    ("OUser.name", "OUser", "name", "UNIQUE"),
    ("ORole.name", "ORole", "name", "UNIQUE"),
    ("OFunction.name", "OFunction", "name", "UNIQUE_HASH_INDEX"),
)


def initialize(db: "EmbeddedDatabase", admin_user: str, admin_password: str) -> None:
    """Fill an empty storage with the system schema, roles and users (one transaction)."""
    storage = db._storage
    with storage.write() as conn:
        now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
        for key, value in (("format", FORMAT_VERSION), ("name", db.name), ("created", now),
                           ("engine_version", ENGINE_VERSION), ("schema_version", 0),
                           ("minimum_clusters", 1), ("index_seq", 0)):
            storage.set_meta(key, value)
        for cid, name in enumerate(SYSTEM_CLUSTERS):
            conn.execute("INSERT INTO clusters(id, name, next_pos, blob) VALUES (?, ?, 0, 0)", (cid, name))
        db._bump(conn)
        for name, supers, cluster, props in SYSTEM_CLASSES:
            ids = [db._schema.cluster(cluster).id] if cluster else None
            db.create_class(name, supers, cluster_ids=ids, abstract=cluster is None)
            for pname, ptype, linked, constraints in props:
                otype = OType[ptype]
                if linked and otype.is_link:
                    db.create_property(name, pname, otype, linked_class=linked, **constraints)
                elif linked:
                    db.create_property(name, pname, otype, linked_type=linked, **constraints)
                else:
                    db.create_property(name, pname, otype, **constraints)
        for ix_name, cls, field, itype in SYSTEM_INDEXES:
            db.create_index(ix_name, cls, [field], itype)
        role_rids: dict[str, RID] = {}
        for role, spec in DEFAULT_ROLES.items():
            doc = db.insert("ORole", {"name": role, "mode": spec["mode"], "rules": dict(spec["rules"]),
                                      "inheritedRole": None})
            assert doc.rid is not None
            role_rids[role] = doc.rid
        users = [(admin_user, admin_password, "admin")]
        for builtin in ("reader", "writer"):
            if builtin.lower() != admin_user.lower():
                users.append((builtin, builtin, builtin))
        for user, password, role in users:
            db.insert("OUser", {"name": user, "password": hash_password(password), "status": "ACTIVE",
                                "roles": [role_rids[role]]})
