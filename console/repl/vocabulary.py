"""What completion offers: the suggestion kinds and the console's vocabulary.

The kinds are the values :func:`console.repl.completion.suggest` returns;
the tables below (statement starts, options, clause followers...) are the
words it draws on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from console.repl.lexer import FUNCTIONS
from console.settings import SPECS

# --- suggestion kinds --------------------------------------------------------

@dataclass(frozen=True)
class Keyword:
    """Keywords (or fixed words such as TRUE/FALSE) that fit here."""

    candidates: tuple[str, ...]


@dataclass(frozen=True)
class ClassName:
    """A class name."""


@dataclass(frozen=True)
class PropertyName:
    """A property of the named classes (inherited ones included); () = of any class."""

    class_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClusterName:
    """A cluster name."""


@dataclass(frozen=True)
class IndexName:
    """An index name."""


@dataclass(frozen=True)
class Type:
    """An OrientDB type name (STRING, LINKSET...)."""


@dataclass(frozen=True)
class Function:
    """An SQL or graph function (count, out, expand...)."""


@dataclass(frozen=True)
class Method:
    """A method applied after a dot (size, toUpperCase...)."""


@dataclass(frozen=True)
class Attribute:
    """A record attribute (@rid, @class...)."""


@dataclass(frozen=True)
class ConsoleProperty:
    """A console property name (limit, echo...)."""


@dataclass(frozen=True)
class Option:
    """An option of ``command``; ``used`` are the (lower-case) names already typed."""

    command: str
    used: tuple[str, ...] = ()


@dataclass(frozen=True)
class FilePath:
    """A file system path."""


@dataclass(frozen=True)
class DatabaseUrl:
    """A database URL (``plocal:``, ``memory:``, ``remote:``...)."""


Suggestion = Union[Keyword, ClassName, PropertyName, ClusterName, IndexName, Type, Function,
                   Method, Attribute, ConsoleProperty, Option, FilePath, DatabaseUrl]


@dataclass(frozen=True)
class CompletionContext:
    """What to complete: the text being replaced and the kinds that fit there."""

    word_before_cursor: str
    suggestions: tuple[Suggestion, ...] = ()


# --- vocabulary ---------------------------------------------------------------

START_KEYWORDS = (
    "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "TRAVERSE", "MATCH",
    "TRUNCATE", "REBUILD", "EXPLAIN", "PROFILE", "GRANT", "REVOKE", "MOVE", "CONNECT",
    "DISCONNECT", "INFO", "CLASSES", "CLUSTERS", "INDEXES", "LIST", "BROWSE", "DISPLAY",
    "LOAD", "EXPORT", "IMPORT", "BACKUP", "RESTORE", "CHECK", "REPAIR", "BEGIN", "COMMIT",
    "ROLLBACK", "SET", "GET", "PROPERTIES", "SLEEP", "ECHO", "HELP", "EXIT", "QUIT", "BYE",
)
"""Commands and SQL statements a statement can start with."""

CONSOLE_PROPERTIES = tuple(s.name for s in SPECS)
"""The console property names."""
BOOLEAN_CONSOLE_PROPERTIES = frozenset(s.name.lower() for s in SPECS if isinstance(s.default, bool))
PROPERTY_VALUES = {"format": ("table", "json", "csv")}

EXPORT_BOOLEANS = ("-includeInfo=", "-includeClusterDefinitions=", "-includeSchema=",
                    "-includeRecords=", "-includeIndexDefinitions=", "-includeManualIndexes=",
                    "-includeSecurity=", "-useLineFeedForRecords=")
OPTIONS: dict[str, tuple[str, ...]] = {
    "export": ("-excludeAll", "-includeClass=", "-excludeClass=", "-includeCluster=",
               "-excludeCluster=", *EXPORT_BOOLEANS, "-compressionLevel=",
               "-compressionBuffer="),
    "import": ("-preserveClusterIDs=", "-merge=", "-deleteRIDMapping=", "-migrateLinks=",
               "-rebuildIndexes=", "-includeCluster=", "-excludeCluster=", "-excludeClass="),
    "backup": ("-compressionLevel=", "-bufferSize="),
    "restore": ("-name=",),
    "check": ("-fix",),
    "repair": (),
}
"""Options per command, as inserted (a trailing ``=`` when a value follows)."""

BOOLEAN_OPTIONS = frozenset(o[1:-1].lower() for o in EXPORT_BOOLEANS) | {
    "preserveclusterids", "merge", "deleteridmapping", "migratelinks", "rebuildindexes"}
CLASS_OPTIONS = frozenset({"includeclass", "excludeclass"})
CLUSTER_OPTIONS = frozenset({"includecluster", "excludecluster"})

TRUE_FALSE = Keyword(("TRUE", "FALSE"))
CREATE_WHAT = ("CLASS", "PROPERTY", "INDEX", "VERTEX", "EDGE", "CLUSTER", "DATABASE",
                "FUNCTION", "SEQUENCE", "USER", "BLOB CLUSTER")
ALTER_WHAT = ("CLASS", "PROPERTY", "CLUSTER", "DATABASE", "SEQUENCE")
DROP_WHAT = ("CLASS", "PROPERTY", "INDEX", "CLUSTER", "DATABASE", "SEQUENCE", "USER")
INDEX_TYPES = ("UNIQUE", "NOTUNIQUE", "FULLTEXT", "DICTIONARY", "UNIQUE_HASH_INDEX",
                "NOTUNIQUE_HASH_INDEX", "FULLTEXT_HASH_INDEX", "DICTIONARY_HASH_INDEX",
                "SPATIAL")
CLASS_ATTRS = ("NAME", "SHORTNAME", "SUPERCLASS", "SUPERCLASSES", "OVERSIZE", "STRICTMODE",
                "ADDCLUSTER", "REMOVECLUSTER", "CUSTOM", "ABSTRACT", "CLUSTERSELECTION",
                "DESCRIPTION", "ENCRYPTION")
PROPERTY_ATTRS = ("LINKEDCLASS", "LINKEDTYPE", "MIN", "MAX", "MANDATORY", "NAME", "NOTNULL",
                   "REGEXP", "TYPE", "COLLATE", "READONLY", "CUSTOM", "DEFAULT", "DESCRIPTION")
CONSTRAINTS = ("MANDATORY", "NOTNULL", "READONLY", "MIN", "MAX", "REGEXP", "DEFAULT",
                "COLLATE")
BOOLEAN_ATTRS = frozenset({"MANDATORY", "NOTNULL", "READONLY", "STRICTMODE", "ABSTRACT"})
LINKED_TYPES = frozenset({"LINK", "LINKLIST", "LINKSET", "LINKMAP", "EMBEDDED",
                           "EMBEDDEDLIST", "EMBEDDEDSET", "EMBEDDEDMAP"})
CLUSTER_ATTRS = ("NAME", "STATUS", "COMPRESSION", "CONFLICTSTRATEGY", "ENCRYPTION")
DATABASE_ATTRS = ("CLUSTERSELECTION", "CONFLICTSTRATEGY", "CUSTOM", "DATEFORMAT",
                   "DATETIMEFORMAT", "LOCALECOUNTRY", "LOCALELANGUAGE", "MINIMUMCLUSTERS",
                   "TIMEZONE", "VALIDATION")
TARGET_PREFIXES = ("CLUSTER:", "INDEX:", "INDEXVALUES:", "METADATA:")
MATCH_KEYS = ("class:", "as:", "where:", "while:", "maxDepth:", "optional:", "rid:",
               "depthAlias:", "pathAlias:")
OPERATOR_WORDS = ("LIKE", "ILIKE", "IN", "NOT IN", "IS NULL", "IS NOT NULL", "IS DEFINED",
                   "IS NOT DEFINED", "BETWEEN", "CONTAINS", "CONTAINSKEY", "CONTAINSVALUE",
                   "CONTAINSTEXT", "CONTAINSALL", "CONTAINSANY", "MATCHES", "INSTANCEOF")
VALUE_OPERATOR_WORDS = frozenset({"LIKE", "ILIKE", "IN", "BETWEEN", "CONTAINS", "CONTAINSKEY",
                                   "CONTAINSVALUE", "CONTAINSTEXT", "CONTAINSALL",
                                   "CONTAINSANY", "MATCHES"})
LITERAL_WORDS = frozenset({"TRUE", "FALSE", "NULL", "DEFINED"})

# clause -> keywords that may follow once the clause is complete, per statement
SELECT_TAIL = ("LET", "WHERE", "GROUP BY", "ORDER BY", "UNWIND", "SKIP", "LIMIT",
                "FETCHPLAN", "TIMEOUT")
FOLLOW: dict[str, dict[str, tuple[str, ...]]] = {
    "SELECT": {
        "FROM": SELECT_TAIL + ("LOCK", "PARALLEL", "NOCACHE"),
        "LET": SELECT_TAIL[1:], "WHERE": SELECT_TAIL[2:], "GROUP BY": SELECT_TAIL[3:],
        "ORDER BY": SELECT_TAIL[4:], "UNWIND": SELECT_TAIL[5:],
        "SKIP": ("LIMIT", "FETCHPLAN", "TIMEOUT"), "LIMIT": ("SKIP", "FETCHPLAN", "TIMEOUT"),
        "FETCHPLAN": ("TIMEOUT",), "TIMEOUT": (),
    },
    "TRAVERSE": {
        "FROM": ("MAXDEPTH", "WHILE", "LIMIT", "STRATEGY"), "MAXDEPTH": ("LIMIT", "STRATEGY"),
        "WHILE": ("LIMIT", "STRATEGY"), "LIMIT": ("STRATEGY",), "STRATEGY": (),
    },
    "UPDATE": {
        "UPDATE": ("SET", "INCREMENT", "ADD", "REMOVE", "PUT", "MERGE", "CONTENT", "UPSERT",
                   "RETURN", "WHERE", "LIMIT", "TIMEOUT"),
        **{c: ("UPSERT", "RETURN", "WHERE", "LIMIT", "TIMEOUT")
           for c in ("SET", "INCREMENT", "ADD", "REMOVE", "PUT", "MERGE", "CONTENT")},
        "UPSERT": ("RETURN", "WHERE", "LIMIT", "TIMEOUT"), "RETURN": ("WHERE", "LIMIT", "TIMEOUT"),
        "WHERE": ("LIMIT", "TIMEOUT"), "LIMIT": ("TIMEOUT",), "TIMEOUT": (),
    },
    "INSERT": {
        "INTO": ("SET", "CONTENT", "VALUES", "FROM", "RETURN"), "SET": ("RETURN",),
        "CONTENT": ("RETURN",), "VALUES": ("RETURN",), "FROM": ("RETURN",), "RETURN": (),
    },
    "DELETE FROM": {
        "FROM": ("RETURN BEFORE", "WHERE", "LIMIT", "UNSAFE"), "RETURN": ("WHERE", "LIMIT", "UNSAFE"),
        "WHERE": ("LIMIT", "UNSAFE"), "LIMIT": ("UNSAFE",), "UNSAFE": (),
    },
    "DELETE VERTEX": {
        "VERTEX": ("WHERE", "LIMIT", "BATCH"), "WHERE": ("LIMIT", "BATCH"), "LIMIT": ("BATCH",),
        "BATCH": (),
    },
    "DELETE EDGE": {
        "EDGE": ("FROM", "TO", "WHERE", "LIMIT", "BATCH"), "FROM": ("TO", "WHERE", "LIMIT", "BATCH"),
        "TO": ("WHERE", "LIMIT", "BATCH"), "WHERE": ("LIMIT", "BATCH"), "LIMIT": ("BATCH",),
        "BATCH": (),
    },
    "CREATE VERTEX": {"VERTEX": ("SET", "CONTENT", "CLUSTER"), "SET": (), "CONTENT": ()},
    "CREATE EDGE": {
        "EDGE": ("FROM", "UPSERT"), "UPSERT": ("FROM",), "FROM": ("TO",),
        "TO": ("SET", "CONTENT", "RETRY", "WAIT", "BATCH"), "SET": ("RETRY", "WAIT", "BATCH"),
        "CONTENT": ("RETRY", "WAIT", "BATCH"), "RETRY": ("WAIT", "BATCH"), "WAIT": ("BATCH",),
        "BATCH": (),
    },
}
# which clause introduces the target class of each statement
TARGET_CLAUSE = {"SELECT": "FROM", "TRAVERSE": "FROM", "UPDATE": "UPDATE", "INSERT": "INTO",
                  "DELETE FROM": "FROM", "DELETE VERTEX": "VERTEX", "DELETE EDGE": "EDGE",
                  "CREATE VERTEX": "VERTEX", "CREATE EDGE": "EDGE"}
CONDITION = frozenset({"WHERE", "WHILE"})
ASSIGN = frozenset({"SET", "INCREMENT", "ADD", "REMOVE", "PUT"})
LISTS = frozenset({"ORDER BY", "GROUP BY", "UNWIND"})
EXPRESSION_START = (Attribute(), Function())
# clause words that are also functions: 'set(' is a call, not a SET clause
CALLABLE_CLAUSES = frozenset(f.upper() for f in FUNCTIONS) & frozenset(
    c for follow in FOLLOW.values() for c in follow)
