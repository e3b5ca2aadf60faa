"""Logins, roles and permission checks."""

from __future__ import annotations

import hashlib

import pytest

from console import engine
from console.engine.security import check_password, hash_password
from console.errors import AuthenticationError, PermissionDenied


def test_wrong_password_and_unknown_user(db, db_url):
    with pytest.raises(AuthenticationError) as err:
        engine.open(db_url, "admin", "nope")
    assert "\n" not in str(err.value)
    with pytest.raises(AuthenticationError):
        engine.open(db_url, "ghost", "x")
    with pytest.raises(AuthenticationError):
        engine.open(db_url, "admin", None)
    assert engine.open(db_url, "ADMIN", "admin").user_name == "admin"


def test_reader_cannot_write(db, db_url):
    db.create_class("Doc")
    db.insert("Doc", {"n": 1})
    reader = engine.open(db_url, "reader", "reader")
    assert [d["n"] for d in reader.browse_class("Doc")] == [1]
    with pytest.raises(PermissionDenied) as err:
        reader.insert("Doc", {"n": 2})
    assert "reader" in str(err.value) and "create" in str(err.value)
    doc = reader.load(next(db.browse_class("Doc")).rid)
    doc["n"] = 5
    with pytest.raises(PermissionDenied):
        reader.update(doc)
    with pytest.raises(PermissionDenied):
        reader.delete(doc.rid)
    with pytest.raises(PermissionDenied):
        reader.truncate_class("Doc")
    with pytest.raises(PermissionDenied):
        list(reader.browse_class("OUser"))
    assert db.count_class("Doc") == 1


def test_writer_writes_data_but_not_schema(db, db_url):
    db.create_class("Doc")
    writer = engine.open(db_url, "writer", "writer")
    d = writer.insert("Doc", {"n": 1})
    d["n"] = 2
    writer.update(d)
    with pytest.raises(PermissionDenied) as err:
        writer.create_class("Other")
    assert "database.schema" in str(err.value)
    with pytest.raises(PermissionDenied):
        writer.create_property("Doc", "x", "STRING")
    with pytest.raises(PermissionDenied):
        writer.drop_class("Doc")
    with pytest.raises(PermissionDenied):
        writer.create_index("Doc.n", "Doc", ["n"], "UNIQUE")
    with pytest.raises(PermissionDenied):
        list(writer.browse_class("OUser"))
    assert not db.schema.has_class("Other")


def test_password_hash_format_matches_orientdb():
    stored = hash_password("secret", salt=b"\x01" * 24)
    assert stored.startswith("{PBKDF2WithHmacSHA256}") and stored.endswith(":65536")
    digest = hashlib.pbkdf2_hmac("sha256", b"secret", b"\x01" * 24, 65536, 24).hex().upper()
    assert stored.split("}")[1].split(":")[0] == digest
    assert check_password("secret", stored) and not check_password("Secret", stored)
    # a real OrientDB 3.0.34 admin/admin hash from the shared export
    real = ("{PBKDF2WithHmacSHA256}8C60AA27565CB59321A7927DCFE59FC241A5FCAD9735B4E4:"
            "B8AAF7F99AC205944B7C1003B7D598FCDBE06AB6F67EE6F0:65536")
    assert check_password("admin", real) and not check_password("admin2", real)


def test_new_password_via_update_is_hashed(db, db_url):
    user = next(d for d in db.browse_class("OUser") if d["name"] == "reader")
    user["password"] = "newpass"
    db.update(user)
    stored = db.load(user.rid)["password"]
    assert stored.startswith("{PBKDF2WithHmacSHA256}")
    assert engine.open(db_url, "reader", "newpass").user_name == "reader"
