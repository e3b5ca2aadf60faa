"""OrientDB's schema and index-manager records, #0:1 and #0:2, for clients that load them.

OrientDB keeps its schema as the document #0:1 and its index manager as #0:2
(an export's ``info`` names them). Some drivers read them with RECORD_LOAD
instead of querying ``metadata:schema`` (orientjs does, to list classes and
indexes). Our engine keeps the schema in tables of its own, so the server
answers RECORD_LOAD of these two RIDs, when nothing is stored there, with
documents built from the schema in OrientDB 2.2's shape (type ids as
integers).
"""

from __future__ import annotations

from typing import Any

from console.engine.database import EmbeddedDatabase
from console.engine.document import Document
from console.engine.rid import RID
from console.engine.types import OType

SCHEMA_RID = RID(0, 1)
INDEX_MANAGER_RID = RID(0, 2)
_INDEX_PACKAGE = "com.orientechnologies.orient.core.index."


def virtual_record(db: EmbeddedDatabase, rid: RID) -> Document | None:
    """The synthesized record for #0:1 or #0:2, or None for any other RID."""
    if rid == SCHEMA_RID:
        return schema_record(db)
    if rid == INDEX_MANAGER_RID:
        return index_manager_record(db)
    return None


def _type_id(name: Any) -> int | None:
    if not name:
        return None
    try:
        return OType[str(name)].value
    except KeyError:
        return None


def schema_record(db: EmbeddedDatabase) -> Document:
    info = next(iter(db.command("select from metadata:schema").rows or ()), None)
    classes = []
    for c in (info.get("classes") if isinstance(info, Document) else None) or ():
        doc = Document(None, dict(c.fields))
        doc.fields["properties"] = [
            Document(None, {**p.fields, "type": _type_id(p.get("type")), "linkedType": _type_id(p.get("linkedType"))})
            for p in c.get("properties") or ()]
        classes.append(doc)
    schema = db.schema
    return Document(None, {"schemaVersion": 4, "classes": classes,
                           "blobClusters": [c.id for c in schema.clusters if c.blob]},
                    rid=SCHEMA_RID, version=max(schema.version, 1))


def index_manager_record(db: EmbeddedDatabase) -> Document:
    schema = db.schema
    indexes = []
    for ix in schema.indexes:
        clusters = [schema.cluster(i).name for i in schema.polymorphic_cluster_ids(ix.class_name)] \
            if schema.has_class(ix.class_name) else []
        parts = [Document(None, {"className": ix.class_name, "field": f.name,
                                 "keyType": ix.key_types[i] if i < len(ix.key_types) else "STRING",
                                 "collate": f.collate, "nullValuesIgnored": ix.ignore_nulls})
                 for i, f in enumerate(ix.fields)]
        if len(parts) == 1:
            definition, def_class = parts[0], "OPropertyIndexDefinition"
        else:
            definition = Document(None, {"className": ix.class_name, "indexDefinitions": parts,
                                         "nullValuesIgnored": ix.ignore_nulls})
            def_class = "OCompositeIndexDefinition"
        indexes.append(Document(None, {
            "name": ix.name, "type": ix.type, "algorithm": ix.algorithm or "SBTREE",
            "valueContainerAlgorithm": "NONE", "clusters": clusters,
            "indexDefinitionClass": _INDEX_PACKAGE + def_class, "indexDefinition": definition,
            "metadata": dict(ix.metadata) or None}))
    return Document(None, {"indexes": indexes}, rid=INDEX_MANAGER_RID, version=max(schema.version, 1))
