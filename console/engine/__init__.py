"""The embedded OrientDB-model engine on SQLite, usable without the console.

>>> from console import engine
>>> db = engine.create("memory:demo", "admin", "admin")
>>> db.create_class("Person", ["V"])
>>> doc = db.insert("Person", {"name": "Ann", "age": 31})
>>> db.load(doc.rid)["name"]
'Ann'
"""

from console.engine.database import EmbeddedDatabase
from console.engine.document import Blob, Document, Record
from console.engine.registry import (
    DatabaseURL,
    create,
    drop,
    exists,
    list_databases,
    open,
    open_system,
    parse_url,
)
from console.engine.rid import RID
from console.engine.schema import Cluster, IndexDef, Property, Schema, SchemaClass
from console.engine.types import OType

__all__ = [
    "Blob", "Cluster", "DatabaseURL", "Document", "EmbeddedDatabase", "IndexDef", "OType",
    "Property", "RID", "Record", "Schema", "SchemaClass",
    "create", "drop", "exists", "list_databases", "open", "open_system", "parse_url",
]
