"""The syntax tree built by :mod:`console.parser`: small immutable value classes.

Every node is immutable and built from tuples, so trees compare by value and
hash. Names (classes, properties, clusters, aliases) keep the case they were
typed in; keywords, function and method names, operators and attribute names
are normalised (see each node). Absent optional parts are ``None`` or ``()``.

Expressions (:class:`Expr`)
    Literal(value, otype)            1, 5L, 1.5, 1.5f, 2.50c, 'text', true, null
    RidLiteral(rid)                  #12:3
    ListLiteral(items)               [1, 2], also a parenthesised list (1, 2)
    MapLiteral(entries)              {"a": 1, b: [2]} (JSON for CONTENT/MERGE too)
    Param(name, index)               ? (index 0, 1, 2... in text order) or :name
    Field(path)                      name, address.city, `odd name`.x
    FieldAccess(target, path)        out('Knows').name, $a.size (fields of a non-field)
    Attribute(name)                  @rid, @class... (lower case, without '@')
    Variable(name)                   $a, $parent, $matches (without '$')
    Star()                           '*' as a projection
    FunctionCall(name, args, star)   count(*), sysdate(), out('Knows') (name lower case)
    MethodCall(target, name, args)   name.toUpperCase() (name lower case)
    IndexAccess(target, index)       tags[0], map['key']
    Slice(target, start, end, inclusive)   tags[1..3] (end excluded), tags[1...3]
    Filter(target, condition)        out('Knows')[age > 30]
    Arithmetic(op, left, right)      + - * / % and || (array concatenation)
    Negate(expr)                     -x (negative numeric literals are folded)
    Subquery(statement)              (select ...)
  conditions (expressions too, so they nest anywhere):
    Comparison(op, left, right)      op is one of = != < <= > >= LIKE ILIKE MATCHES
                                     IN, NOT IN, CONTAINS, CONTAINSALL, CONTAINSANY,
                                     CONTAINSKEY, CONTAINSVALUE, CONTAINSTEXT
    ContainsCondition(left, condition, op)   tags CONTAINS (name = 'x')
    Between(expr, low, high)   IsNull(expr, negated)   IsDefined(expr, negated)
    InstanceOf(expr, class_name)   And(items)   Or(items)   Not(expr)

Query targets (:class:`Target`)
    ClassTarget(name), ClusterTarget(clusters), RidTarget(rids),
    SubqueryTarget(statement), IndexTarget(name), MetadataTarget(name),
    VariableTarget(name), ParamTarget(param)

Statements (:class:`Statement`), each documented with its syntax below
    console   Connect Disconnect CreateDatabase DropDatabase ListDatabases Info
              InfoClass ListClasses ListClusters ListIndexes BrowseClass
              BrowseCluster DisplayRecord DisplayRawRecord LoadRecord
              ExportDatabase ImportDatabase BackupDatabase RestoreDatabase
              CheckDatabase RepairDatabase TruncateClass TruncateCluster
              TruncateRecord SetProperty GetProperty ShowProperties LoadScript
              Sleep Echo Help Exit
    schema    CreateClass AlterClass DropClass CreateProperty AlterProperty
              DropProperty CreateIndex DropIndex RebuildIndex CreateCluster
              DropCluster AlterCluster AlterDatabase CreateSequence AlterSequence
              DropSequence
    data      Select Insert Update Delete
    graph     CreateVertex CreateEdge DeleteVertex DeleteEdge Traverse Match
    other     Explain Profile Begin Commit Rollback

Parts of statements: Projection, OrderItem, LetItem, Assignment, PutItem,
IndexField, the UPDATE clauses (SetClause, IncrementClause, AddClause,
RemoveClause, PutClause, MergeClause, ContentClause) and the MATCH pattern
(MatchPattern of MatchFilter nodes joined by MatchStep hops).
"""

from __future__ import annotations

from typing import Any, dataclass_transform

from console.engine.rid import RID
from console.engine.types import OType

Options = tuple[tuple[str, "str | None"], ...]


@dataclass_transform(frozen_default=True)
class _NodeMeta(type):
    """Builds each node class like ``@dataclass(frozen=True, slots=True)`` would: slots
    and an ``__init__`` taking the annotated fields (class attributes give defaults).

    One small generated ``__init__`` per class instead of the half dozen methods
    dataclasses compiles with ``exec`` (and the second class slots make it build):
    importing this module (~110 classes) costs a few milliseconds, not ~80.
    """

    def __new__(mcs, name: str, bases: tuple[type, ...], ns: dict[str, Any]) -> type:
        inherited: tuple[str, ...] = next((b.__node_fields__ for b in bases if hasattr(b, "__node_fields__")), ())
        defaults: dict[str, Any] = dict(next((b.__node_defaults__ for b in bases
                                              if hasattr(b, "__node_defaults__")), {}))
        own = tuple(n for n in ns.get("__annotations__", {}) if n not in inherited and not n.startswith("__"))
        for n in own:
            if n in ns:
                defaults[n] = ns.pop(n)
        fields = inherited + own
        ns["__slots__"] = own
        ns["__node_fields__"] = fields
        ns["__node_defaults__"] = defaults
        ns["__match_args__"] = fields
        params = ", ".join(f"{n}=_d_{n}" if n in defaults else n for n in fields)
        body = "".join(f"\n    _set(self, {n!r}, {n})" for n in fields) or "\n    pass"
        env: dict[str, Any] = {"_set": object.__setattr__, **{f"_d_{n}": v for n, v in defaults.items()}}
        exec(f"def __init__(self, {params}):{body}", env)  # noqa: S102 - names come from annotations
        env["__init__"].__qualname__ = f"{name}.__init__"
        ns["__init__"] = env["__init__"]
        return super().__new__(mcs, name, bases, ns)


class Node(metaclass=_NodeMeta):
    """Base of every syntax tree node: immutable, compared and hashed by value.

    ``__node_fields__`` names the fields in order (those of the bases first).
    """

    __node_fields__: tuple[str, ...]

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self.__node_fields__])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((self.__class__.__name__, self._values()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__node_fields__)
        return f"{self.__class__.__qualname__}({fields})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field '{name}': syntax tree nodes are immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field '{name}': syntax tree nodes are immutable")


class Statement(Node):
    """A whole command: a console command or an SQL statement."""


class Expr(Node):
    """An expression or a condition."""


class Target(Node):
    """What a query reads from (``FROM <target>``)."""


# --- expressions -------------------------------------------------------------

class Literal(Expr):
    """A constant; ``otype`` is its OrientDB type (None for null).

    Numbers: an integer is INTEGER when it fits 32 bits, else LONG; ``123L``
    is LONG; ``1.5``, ``1e10``, ``.5`` and the ``d`` suffix are DOUBLE
    (Python float); the ``f`` suffix is FLOAT; the ``c`` suffix is DECIMAL
    (``decimal.Decimal``, scale kept). A leading minus is folded in.
    """

    value: Any
    otype: OType | None


class RidLiteral(Expr):
    """A record id written in the text, ``#c:p``."""

    rid: RID


class ListLiteral(Expr):
    """``[a, b]`` (or ``(a, b)``)."""

    items: tuple[Expr, ...]


class MapLiteral(Expr):
    """``{"key": value, ...}``; entries keep their order."""

    entries: tuple[tuple[str, Expr], ...]


class Param(Expr):
    """A parameter: ``?`` has ``index`` (0-based, text order), ``:name`` has ``name``."""

    name: str | None
    index: int | None


class Field(Expr):
    """A field of the current record, ``path`` being ``('address', 'city')``."""

    path: tuple[str, ...]


class FieldAccess(Expr):
    """Fields of the value of another expression: ``out('E').name``."""

    target: Expr
    path: tuple[str, ...]


class Attribute(Expr):
    """A record attribute, ``@rid`` → ``Attribute('rid')``."""

    name: str


class Variable(Expr):
    """A context variable, ``$parent`` → ``Variable('parent')``."""

    name: str


class Star(Expr):
    """``*`` in a projection list: all fields."""


class FunctionCall(Expr):
    """``name(args)``; ``star`` is True for ``count(*)``."""

    name: str
    args: tuple[Expr, ...] = ()
    star: bool = False


class MethodCall(Expr):
    """``target.name(args)``."""

    target: Expr
    name: str
    args: tuple[Expr, ...] = ()


class IndexAccess(Expr):
    """``target[index]``: a list position or a map key."""

    target: Expr
    index: Expr


class Slice(Expr):
    """``target[start..end]`` (end excluded) or ``target[start...end]`` (end included)."""

    target: Expr
    start: Expr
    end: Expr
    inclusive: bool = False


class Filter(Expr):
    """``target[condition]``: the items of a collection matching a condition."""

    target: Expr
    condition: Expr


class Arithmetic(Expr):
    """A binary operation; ``op`` is one of ``+ - * / % ||``."""

    op: str
    left: Expr
    right: Expr


class Negate(Expr):
    """Unary minus of a non-literal."""

    expr: Expr


class Subquery(Expr):
    """A parenthesised query used as a value."""

    statement: Statement


class Comparison(Expr):
    """``left op right`` with a normalised operator (see the module docstring)."""

    op: str
    left: Expr
    right: Expr


class ContainsCondition(Expr):
    """``left CONTAINS (condition)``: some item of ``left`` matches ``condition``."""

    left: Expr
    condition: Expr
    op: str = "CONTAINS"


class Between(Expr):
    """``expr BETWEEN low AND high`` (inclusive)."""

    expr: Expr
    low: Expr
    high: Expr


class IsNull(Expr):
    """``expr IS [NOT] NULL``."""

    expr: Expr
    negated: bool = False


class IsDefined(Expr):
    """``expr IS [NOT] DEFINED``."""

    expr: Expr
    negated: bool = False


class InstanceOf(Expr):
    """``expr INSTANCEOF Class``."""

    expr: Expr
    class_name: str


class And(Expr):
    """All ``items`` hold."""

    items: tuple[Expr, ...]


class Or(Expr):
    """Some item holds."""

    items: tuple[Expr, ...]


class Not(Expr):
    """``NOT expr``."""

    expr: Expr


CONDITION_TYPES = (Comparison, ContainsCondition, Between, IsNull, IsDefined, InstanceOf, And, Or, Not)


# --- targets -------------------------------------------------------------------

class ClassTarget(Target):
    """The records of a class (polymorphic)."""

    name: str


class ClusterTarget(Target):
    """``CLUSTER:name``, ``CLUSTER:12`` or ``CLUSTER:[a, 12]``: names (str) or ids (int)."""

    clusters: tuple[str | int, ...]


class RidTarget(Target):
    """``#1:2`` or ``[#1:2, #1:3]``."""

    rids: tuple[RID, ...]


class SubqueryTarget(Target):
    """``(select ...)``."""

    statement: Statement


class IndexTarget(Target):
    """``INDEX:name``: the entries of an index."""

    name: str


class MetadataTarget(Target):
    """``METADATA:SCHEMA`` and the like (name upper case)."""

    name: str


class VariableTarget(Target):
    """``$a``: the records held by a LET variable (name without '$')."""

    name: str


class ParamTarget(Target):
    """``?`` or ``:name`` standing for a RID, a list of RIDs or a class name."""

    param: Param


# --- clause parts --------------------------------------------------------------

class Projection(Node):
    """One item of a projection list, ``expr AS alias``."""

    expr: Expr
    alias: str | None = None


class OrderItem(Node):
    """``expr [ASC|DESC]``."""

    expr: Expr
    descending: bool = False


class LetItem(Node):
    """``LET $name = value`` (name without '$')."""

    name: str
    value: Expr


class Assignment(Node):
    """``path = value``; ``value`` is None for ``REMOVE path``. The path starts with a
    field name; later steps are names (``.b``) or index expressions (``[0]``, ``['k']``)."""

    path: tuple[Any, ...]
    value: Expr | None


class PutItem(Node):
    """``PUT path = key, value``."""

    path: tuple[Any, ...]
    key: Expr
    value: Expr


class UpdateClause(Node):
    """One operation of an UPDATE."""


class SetClause(UpdateClause):
    """``SET a = 1, b.c = 2``."""

    assignments: tuple[Assignment, ...]


class IncrementClause(UpdateClause):
    """``INCREMENT a = 1``."""

    assignments: tuple[Assignment, ...]


class AddClause(UpdateClause):
    """``ADD tags = 'x'``: append to a collection."""

    assignments: tuple[Assignment, ...]


class RemoveClause(UpdateClause):
    """``REMOVE a, tags = 'x'``: drop fields or collection items."""

    items: tuple[Assignment, ...]


class PutClause(UpdateClause):
    """``PUT map = 'key', value``."""

    items: tuple[PutItem, ...]


class MergeClause(UpdateClause):
    """``MERGE {json}``."""

    value: Expr


class ContentClause(UpdateClause):
    """``CONTENT {json}``: replace the whole content."""

    value: Expr


class IndexField(Node):
    """A property of ``CREATE INDEX ... ON Class (prop BY KEY COLLATE ci)``."""

    name: str
    by: str | None = None          # 'KEY' | 'VALUE'
    collate: str | None = None


class MatchFilter(Node):
    """A MATCH node ``{class: C, as: a, where: (...), ...}``; keys case-insensitive."""

    class_name: str | None = None
    alias: str | None = None
    where: Expr | None = None
    while_: Expr | None = None
    max_depth: int | None = None
    optional: bool = False
    rid: RID | None = None
    depth_alias: str | None = None
    path_alias: str | None = None


class MatchStep(Node):
    """One hop: ``method`` (lower case: out, in, both, oute, inv...) with ``args``.

    ``-Knows->`` is ``MatchStep('out', (Literal('Knows'),), node, arrow=True)``,
    ``.in('Knows'){...}`` the same with ``arrow=False``.
    """

    method: str
    args: tuple[Expr, ...]
    node: MatchFilter
    arrow: bool = False


class MatchPattern(Node):
    """A start node followed by steps."""

    start: MatchFilter
    steps: tuple[MatchStep, ...] = ()


# --- console commands -----------------------------------------------------------

class Connect(Statement):
    """``CONNECT <url> <user> [<password>]``."""

    url: str
    user: str
    password: str | None = None


class Disconnect(Statement):
    """``DISCONNECT``."""


class CreateDatabase(Statement):
    """``CREATE DATABASE <url> [<user> <password>] [plocal|memory] [document|graph]``."""

    url: str
    user: str | None = None
    password: str | None = None
    storage: str | None = None      # 'plocal' | 'memory'
    db_type: str | None = None      # 'document' | 'graph'


class DropDatabase(Statement):
    """``DROP DATABASE [<url> [<user> <password>]]``."""

    url: str | None = None
    user: str | None = None
    password: str | None = None


class ListDatabases(Statement):
    """``LIST DATABASES``."""


class Info(Statement):
    """``INFO``."""


class InfoClass(Statement):
    """``INFO CLASS <name>``."""

    name: str


class ListClasses(Statement):
    """``CLASSES`` / ``LIST CLASSES``."""


class ListClusters(Statement):
    """``CLUSTERS`` / ``LIST CLUSTERS``."""


class ListIndexes(Statement):
    """``INDEXES`` / ``LIST INDEXES``."""


class BrowseClass(Statement):
    """``BROWSE CLASS <name>``."""

    name: str


class BrowseCluster(Statement):
    """``BROWSE CLUSTER <name>``."""

    name: str


class DisplayRecord(Statement):
    """``DISPLAY RECORD <n>``: record n of the last result."""

    number: int


class DisplayRawRecord(Statement):
    """``DISPLAY RAW RECORD <rid>``."""

    rid: RID


class LoadRecord(Statement):
    """``LOAD RECORD <rid>``."""

    rid: RID


class ExportDatabase(Statement):
    """``EXPORT DATABASE <file> [-option[=value] ...]``."""

    path: str
    options: Options = ()


class ImportDatabase(Statement):
    """``IMPORT DATABASE <file> [options]``."""

    path: str
    options: Options = ()


class BackupDatabase(Statement):
    """``BACKUP DATABASE <file> [options]``."""

    path: str
    options: Options = ()


class RestoreDatabase(Statement):
    """``RESTORE DATABASE <file> [options]``."""

    path: str
    options: Options = ()


class CheckDatabase(Statement):
    """``CHECK DATABASE [options]``."""

    options: Options = ()


class RepairDatabase(Statement):
    """``REPAIR DATABASE [options]``."""

    options: Options = ()


class TruncateClass(Statement):
    """``TRUNCATE CLASS <name> [POLYMORPHIC] [UNSAFE]``."""

    name: str
    polymorphic: bool = False
    unsafe: bool = False


class TruncateCluster(Statement):
    """``TRUNCATE CLUSTER <name>``."""

    name: str


class TruncateRecord(Statement):
    """``TRUNCATE RECORD <rid>[, <rid>...]``."""

    rids: tuple[RID, ...]


class SetProperty(Statement):
    """``SET <name> <value>``: a console property; value is the raw rest of the line."""

    name: str
    value: str


class GetProperty(Statement):
    """``GET <name>``."""

    name: str


class ShowProperties(Statement):
    """``PROPERTIES``."""


class LoadScript(Statement):
    """``LOAD SCRIPT <file>``."""

    path: str


class Sleep(Statement):
    """``SLEEP <ms>``."""

    millis: int


class Echo(Statement):
    """``ECHO <text>``: the rest of the line, one pair of surrounding quotes removed."""

    text: str


class Help(Statement):
    """``HELP [words]`` or ``?``: ``topic`` holds the words as typed."""

    topic: tuple[str, ...] = ()


class Exit(Statement):
    """``EXIT`` / ``QUIT`` / ``BYE``."""


# --- schema statements -----------------------------------------------------------

class CreateClass(Statement):
    """``CREATE CLASS <name> [IF NOT EXISTS] [EXTENDS a, b] [CLUSTER ids] [CLUSTERS n] [ABSTRACT]``."""

    name: str
    if_not_exists: bool = False
    superclasses: tuple[str, ...] = ()
    cluster_ids: tuple[int, ...] = ()
    clusters: int | None = None
    abstract: bool = False


class AlterClass(Statement):
    """``ALTER CLASS <name> <ATTRIBUTE> <value>``.

    ``attribute`` is upper case; ``value`` the parsed value (a bare word becomes
    a string Literal, a list ``a, b`` a ListLiteral); ``raw`` the value exactly
    as typed (use it for ``SUPERCLASS +A`` / ``-A`` and ``round-robin``).
    For ``CUSTOM k=v`` ``key`` is 'k' and ``value`` is v.
    """

    name: str
    attribute: str
    value: Expr
    raw: str
    key: str | None = None


class DropClass(Statement):
    """``DROP CLASS <name> [IF EXISTS] [UNSAFE]``."""

    name: str
    if_exists: bool = False
    unsafe: bool = False


class CreateProperty(Statement):
    """``CREATE PROPERTY C.p [IF NOT EXISTS] <TYPE> [<linked>] [(constraints)] [UNSAFE]``.

    ``type`` is as typed (validated later); constraints are (NAME upper case,
    value) pairs, a bare word being a string Literal and a lone name ``true``.
    """

    class_name: str
    name: str
    type: str
    linked: str | None = None
    if_not_exists: bool = False
    constraints: tuple[tuple[str, Expr], ...] = ()
    unsafe: bool = False


class AlterProperty(Statement):
    """``ALTER PROPERTY C.p <ATTRIBUTE> <value>`` (fields as in :class:`AlterClass`)."""

    class_name: str
    name: str
    attribute: str
    value: Expr
    raw: str
    key: str | None = None


class DropProperty(Statement):
    """``DROP PROPERTY C.p [IF EXISTS] [FORCE]``."""

    class_name: str
    name: str
    if_exists: bool = False
    force: bool = False


class CreateIndex(Statement):
    """``CREATE INDEX C.p TYPE`` or ``CREATE INDEX name [ON C (fields)] TYPE ...``.

    For the ``C.p`` form ``class_name`` and ``fields`` are filled in from the
    name; a manual index has no class and no fields. ``type`` is as typed.
    """

    name: str
    type: str
    class_name: str | None = None
    fields: tuple[IndexField, ...] = ()
    key_types: tuple[str, ...] = ()
    engine: str | None = None
    metadata: MapLiteral | None = None


class DropIndex(Statement):
    """``DROP INDEX <name> [IF EXISTS]``."""

    name: str
    if_exists: bool = False


class RebuildIndex(Statement):
    """``REBUILD INDEX <name>`` (``'*'`` for all)."""

    name: str


class CreateCluster(Statement):
    """``CREATE [BLOB] CLUSTER <name> [ID <n>]``."""

    name: str
    id: int | None = None
    blob: bool = False


class CreateSequence(Statement):
    """``CREATE SEQUENCE <name> [IF NOT EXISTS] [TYPE ORDERED|CACHED] [START n] [INCREMENT n] [CACHE n]``."""

    name: str
    if_not_exists: bool = False
    type: str | None = None
    start: Expr | None = None
    increment: Expr | None = None
    cache: Expr | None = None


class AlterSequence(Statement):
    """``ALTER SEQUENCE <name> [START n] [INCREMENT n] [CACHE n]``."""

    name: str
    start: Expr | None = None
    increment: Expr | None = None
    cache: Expr | None = None


class DropSequence(Statement):
    """``DROP SEQUENCE <name> [IF EXISTS]``."""

    name: str
    if_exists: bool = False


class DropCluster(Statement):
    """``DROP CLUSTER <name | id>``."""

    name: str | int


class AlterCluster(Statement):
    """``ALTER CLUSTER <name | id> <ATTRIBUTE> <value>`` (fields as in :class:`AlterClass`)."""

    name: str | int
    attribute: str
    value: Expr
    raw: str
    key: str | None = None


class AlterDatabase(Statement):
    """``ALTER DATABASE <ATTRIBUTE> <value>`` (fields as in :class:`AlterClass`)."""

    attribute: str
    value: Expr
    raw: str
    key: str | None = None


# --- data statements ---------------------------------------------------------------

class Select(Statement):
    """``SELECT [DISTINCT] projections [FROM target] [LET] [WHERE] [GROUP BY] [ORDER BY]
    [UNWIND] [SKIP] [LIMIT] [TIMEOUT]``; no projections means all fields.
    ``skip``/``limit``/``timeout`` are integer Literals or Params."""

    projections: tuple[Projection, ...] = ()
    target: Target | None = None
    distinct: bool = False
    let: tuple[LetItem, ...] = ()
    where: Expr | None = None
    group_by: tuple[Expr, ...] = ()
    order_by: tuple[OrderItem, ...] = ()
    unwind: tuple[str, ...] = ()
    skip: Expr | None = None
    limit: Expr | None = None
    timeout: Expr | None = None


class Insert(Statement):
    """``INSERT INTO target [CLUSTER c]`` followed by at most one body:
    ``SET`` (assignments), ``(columns) VALUES rows``, ``CONTENT`` (content) or a
    query (``[FROM] select``); ``RETURN expr`` gives ``returning``."""

    target: Target
    cluster: str | None = None
    assignments: tuple[Assignment, ...] = ()
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Expr, ...], ...] = ()
    content: Expr | None = None
    query: Statement | None = None
    returning: Expr | None = None


class Update(Statement):
    """``UPDATE [EDGE] target clauses [UPSERT] [RETURN BEFORE|AFTER|COUNT [projections]] [WHERE] [LIMIT] [TIMEOUT]``."""

    target: Target
    clauses: tuple[UpdateClause, ...]
    upsert: bool = False
    return_mode: str | None = None     # 'BEFORE' | 'AFTER' | 'COUNT'
    returns: tuple[Projection, ...] = ()  # RETURN AFTER @rid, name: what each row shows
    where: Expr | None = None
    limit: Expr | None = None
    timeout: Expr | None = None
    edge: bool = False                 # UPDATE EDGE: every target must be an edge


class Delete(Statement):
    """``DELETE FROM target [RETURN BEFORE] [WHERE] [LIMIT] [UNSAFE]``."""

    target: Target
    return_before: bool = False
    where: Expr | None = None
    limit: Expr | None = None
    unsafe: bool = False


# --- graph statements ----------------------------------------------------------------

class CreateVertex(Statement):
    """``CREATE VERTEX [Class] [CLUSTER c] [SET ... | CONTENT {...}]``."""

    class_name: str | None = None
    cluster: str | None = None
    assignments: tuple[Assignment, ...] = ()
    content: Expr | None = None


class CreateEdge(Statement):
    """``CREATE EDGE [Class] [CLUSTER c] FROM a TO b [SET|CONTENT] [RETRY n [WAIT ms]] [BATCH n]``.

    ``from_``/``to`` are RidTarget, SubqueryTarget, ParamTarget or VariableTarget.
    """

    from_: Target
    to: Target
    class_name: str | None = None
    cluster: str | None = None
    assignments: tuple[Assignment, ...] = ()
    content: Expr | None = None
    retry: int | None = None
    retry_wait: int | None = None
    batch: int | None = None


class DeleteVertex(Statement):
    """``DELETE VERTEX [Class | rid | [rids] | FROM (select)] [WHERE] [LIMIT]``."""

    target: Target | None = None
    where: Expr | None = None
    limit: Expr | None = None


class DeleteEdge(Statement):
    """``DELETE EDGE [Class] [rid | [rids]] [FROM a] [TO b] [WHERE] [LIMIT]``."""

    class_name: str | None = None
    rids: tuple[RID, ...] = ()
    from_: Target | None = None
    to: Target | None = None
    where: Expr | None = None
    limit: Expr | None = None


class Traverse(Statement):
    """``TRAVERSE [fields] FROM target [MAXDEPTH n] [WHILE cond] [LIMIT n] [STRATEGY s]``.

    ``strategy`` is 'DEPTH_FIRST' or 'BREADTH_FIRST' when given.
    """

    target: Target
    projections: tuple[Expr, ...] = ()
    max_depth: int | None = None
    while_: Expr | None = None
    limit: Expr | None = None
    strategy: str | None = None


class Match(Statement):
    """``MATCH pattern, ... [, NOT pattern] RETURN [DISTINCT] items [GROUP BY] [ORDER BY] [SKIP] [LIMIT]``."""

    patterns: tuple[MatchPattern, ...]
    returns: tuple[Projection, ...]
    distinct: bool = False
    group_by: tuple[Expr, ...] = ()
    order_by: tuple[OrderItem, ...] = ()
    skip: Expr | None = None
    limit: Expr | None = None
    not_patterns: tuple[MatchPattern, ...] = ()  # NOT {as: a}-K->{...}: matches that must not exist


class Explain(Statement):
    """``EXPLAIN <statement>``."""

    statement: Statement


class Profile(Statement):
    """``PROFILE <statement>``."""

    statement: Statement


# --- transactions ------------------------------------------------------------------------

class Begin(Statement):
    """``BEGIN``."""


class Commit(Statement):
    """``COMMIT [RETRY n]``."""

    retry: int | None = None


class Rollback(Statement):
    """``ROLLBACK``."""
