"""The embedded OrientDB-model engine on SQLite, usable without the console.

>>> from console import engine
>>> db = engine.create("memory:demo", "admin", "admin")
>>> db.create_class("Person", ["V"])
>>> doc = db.insert("Person", {"name": "Ann", "age": 31})
>>> db.load(doc.rid)["name"]
'Ann'

Names are imported on first use, so importing a submodule such as
``console.engine.rid`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "EmbeddedDatabase": "console.engine.database",
    "Blob": "console.engine.document",
    "Document": "console.engine.document",
    "Record": "console.engine.document",
    "DatabaseURL": "console.engine.registry",
    "create": "console.engine.registry",
    "drop": "console.engine.registry",
    "exists": "console.engine.registry",
    "list_databases": "console.engine.registry",
    "open": "console.engine.registry",
    "open_system": "console.engine.registry",
    "parse_url": "console.engine.registry",
    "RID": "console.engine.rid",
    "Cluster": "console.engine.schema",
    "IndexDef": "console.engine.schema",
    "Property": "console.engine.schema",
    "Schema": "console.engine.schema",
    "SchemaClass": "console.engine.schema",
    "OType": "console.engine.types",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'console.engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
