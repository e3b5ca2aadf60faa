"""Schema and record types of remote databases, rebuilt from what the server sends.

The schema comes from ``metadata:schema`` and ``metadata:indexmanager``
queries (OrientDB's field names; our server sends every attribute the
export needs). Record types the CSV format cannot carry are restored from
the schema's property declarations and the graph convention: the
``out_*`` / ``in_*`` fields of vertices hold link bags.
"""

from __future__ import annotations

from typing import Any

from console.engine.codec import encode_body
from console.engine.document import Blob, Document, Record
from console.engine.rid import RID
from console.engine.schema import IndexDef, IndexField, Property, Schema, SchemaClass
from console.engine.types import OType, infer_type
from console.errors import OrientError

_LIST_TYPES = frozenset({OType.LINKLIST, OType.LINKSET, OType.LINKBAG, OType.EMBEDDEDLIST, OType.EMBEDDEDSET})
_INT_TYPES = frozenset({OType.INTEGER, OType.LONG, OType.SHORT, OType.BYTE})
_MAP_TYPES = frozenset({OType.LINKMAP, OType.EMBEDDEDMAP})


def fix_types(doc: Document, schema: Schema) -> None:
    """Give a record read over CSV the types its class declares (and link bags to vertex edges)."""
    cls = doc.class_name
    if not cls or not schema.has_class(cls):
        return
    props = schema.properties(cls)
    vertex = schema.is_vertex_class(cls)
    for name, value in doc.fields.items():
        if value is None:
            continue
        current = doc.types.get(name) or infer_type(value)
        p = props.get(name.lower())
        declared = p.type if p is not None else None
        if declared is None and vertex and (name.startswith("out_") or name.startswith("in_")) \
                and current in (OType.LINKLIST, OType.EMBEDDEDLIST) \
                and all(type(v) is RID for v in value):
            declared = OType.LINKBAG
        if declared is None or declared is current or not _compatible(current, declared):
            continue
        if declared is infer_type(value):
            doc.types.pop(name, None)
        else:
            doc.types[name] = declared


def _compatible(current: OType | None, declared: OType) -> bool:
    if current is None:
        return False
    for group in (_LIST_TYPES, _INT_TYPES, _MAP_TYPES, frozenset({OType.FLOAT, OType.DOUBLE})):
        if current in group and declared in group:
            return True
    return current in (OType.STRING,) and declared is OType.CUSTOM


def raw_row(rec: Record) -> tuple[int, int, str | None, int, bytes] | None:
    if rec.rid is None:
        return None
    if isinstance(rec, Blob):
        return rec.rid.key, rec.version, None, 1, rec.data
    return rec.rid.key, rec.version, rec.class_name, 0, encode_body(rec.fields, rec.types)


def _otype(value: Any) -> OType | None:
    if value is None or value == "":
        return None
    if isinstance(value, int):
        try:
            return OType(value)
        except ValueError:
            return None
    try:
        return OType.parse(str(value))
    except OrientError:
        return None


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _custom(value: Any) -> tuple[tuple[str, str], ...]:
    if isinstance(value, Document):
        value = value.fields
    if not isinstance(value, dict):
        return ()
    return tuple(sorted((str(k), str(v)) for k, v in value.items()))


def _field(doc: Any, name: str, default: Any = None) -> Any:
    if isinstance(doc, Document):
        return doc.get(name, default)
    if isinstance(doc, dict):
        return doc.get(name, default)
    return default


def _property_from(d: Any) -> Property | None:
    name, otype = _field(d, "name"), _otype(_field(d, "type"))
    if not name or otype is None:
        return None
    return Property(
        name=str(name), type=otype, linked_class=_opt_str(_field(d, "linkedClass")),
        linked_type=_otype(_field(d, "linkedType")), mandatory=bool(_field(d, "mandatory")),
        readonly=bool(_field(d, "readonly")), not_null=bool(_field(d, "notNull")),
        min=_opt_str(_field(d, "min")), max=_opt_str(_field(d, "max")), regexp=_opt_str(_field(d, "regexp")),
        default=_opt_str(_field(d, "defaultValue")), collate=str(_field(d, "collate") or "default"),
        description=_opt_str(_field(d, "description")), custom=_custom(_field(d, "customFields")))


def class_from(d: Document) -> SchemaClass:
    supers = d.get("superClasses")
    if not supers and d.get("superClass"):
        supers = [d.get("superClass")]
    ids = tuple(int(i) for i in d.get("clusterIds") or () if isinstance(i, int) and i >= 0)
    default = d.get("defaultClusterId")
    props = tuple(p for p in (_property_from(x) for x in d.get("properties") or ()) if p is not None)
    return SchemaClass(
        name=str(d.get("name")), superclasses=tuple(str(s) for s in supers or ()), cluster_ids=ids,
        default_cluster_id=int(default) if isinstance(default, int) and default in ids else (ids[0] if ids else -1),
        abstract=bool(d.get("abstract")), strict=bool(d.get("strictMode")),
        cluster_selection=str(d.get("clusterSelection") or "round-robin"), short_name=_opt_str(d.get("shortName")),
        oversize=float(d.get("overSize") or 0.0), description=_opt_str(d.get("description")),
        custom=_custom(d.get("customFields")), properties=props)


def index_from(d: Document) -> IndexDef:
    definition = d.get("indexDefinition")
    fields = d.get("fields")
    class_name = d.get("className") or _field(definition, "className") or ""
    if not fields and definition is not None:
        single = _field(definition, "field")
        fields = [single] if single else [_field(x, "field") for x in _field(definition, "indexDefinitions") or ()]
    names = [str(f) for f in fields or () if f]
    collates = list(d.get("collates") or ())
    by = list(d.get("mapIndexBy") or ())
    index_fields = tuple(IndexField(n, str(collates[i]) if i < len(collates) and collates[i] else "default",
                                    str(by[i]) if i < len(by) and by[i] else None) for i, n in enumerate(names))
    meta = d.get("metadata")
    meta_items = tuple((meta.fields if isinstance(meta, Document) else meta).items()) \
        if isinstance(meta, (Document, dict)) else ()
    ignore = d.get("nullValuesIgnored")
    return IndexDef(name=str(d.get("name")), type=str(d.get("type") or "NOTUNIQUE"), class_name=str(class_name),
                    fields=index_fields, table="", key_types=tuple(str(k) for k in d.get("keyTypes") or ()),
                    ignore_nulls=True if ignore is None else bool(ignore),
                    algorithm=_opt_str(d.get("algorithm")), metadata=meta_items)
