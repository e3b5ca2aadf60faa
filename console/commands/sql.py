"""SQL statements: run on the open database and show their result.

Registered here too, with their help text, so that HELP covers the SQL people
type at the prompt.
"""

from __future__ import annotations

from typing import Any

from console import ast
from console.commands import command
from console.commands.info import show_rows
from console.session import Session

# Statements after which the schema (and so the completion cache) may differ.
_SCHEMA_CHANGES = (
    ast.CreateClass, ast.AlterClass, ast.DropClass, ast.CreateProperty, ast.AlterProperty, ast.DropProperty,
    ast.CreateIndex, ast.DropIndex, ast.CreateCluster, ast.DropCluster, ast.AlterCluster, ast.Rollback,
)


def run_sql(session: Session, stmt: ast.Statement, text: str) -> None:
    """Execute a SQL statement on the current database and render what it gives back."""
    db = session.require_db()
    started = session.timed()
    result = db.execute(stmt, None, text)
    r = session.renderer
    if isinstance(stmt, _SCHEMA_CHANGES):
        session.notify_schema_changed()
    kind = result.kind
    if kind == "rows":
        show_rows(session, result.rows or (), started)
        return
    elapsed = session.timed() - started
    if kind == "records":
        rows = list(result.rows or ())
        if r.fmt != "table":
            r.results(rows, started=started, limit=-1)
            return
        session.last_results = rows[:1000]
        verb = {"insert": "Inserted", "update": "Updated", "delete": "Deleted", "create vertex": "Created vertex",
                "create edge": "Created edge"}.get(result.statement, "Returned")
        if 0 < len(rows) <= 5:
            for rec in rows:
                r.message(f"{verb} record '{_brief(r, rec)}' in {elapsed:.3f} sec(s).", level=2)
            return
        if rows and result.statement not in ("insert", "create vertex", "create edge"):
            r.results(rows, started=started, limit=session.settings.limit)
        r.message(f"{verb} {result.count if result.count is not None else len(rows)} record(s) "
                  f"in {elapsed:.3f} sec(s).", level=2)
        return
    if kind == "count":
        if r.fmt == "json":
            r.json_line({"count": result.count})
        elif r.fmt == "csv":
            r.raw(f"count\n{result.count}")
        verb = {"update": "Updated", "delete": "Deleted", "delete vertex": "Deleted vertex",
                "delete edge": "Deleted edge"}.get(result.statement, "Affected")
        r.message(result.message or f"{verb} record(s) '{result.count}' in {elapsed:.3f} sec(s).", level=1)
        return
    if kind == "value":
        if r.fmt == "json":
            r.json_line({"value": result.value, "message": result.message})
        r.message(result.message or f"Result: {result.value}", level=2)
        return
    if result.message:
        r.message(result.message, level=2)


def _brief(r: Any, rec: Any) -> str:
    """``Person#12:0{name:Ann,age:31} v1``, as OrientDB's console writes a record."""
    from console.engine.document import Document

    if isinstance(rec, Document):
        head = f"{rec.class_name or ''}{rec.rid or ''}"
        body = r.cell(Document(None, rec.fields))
        return f"{head}{body} v{rec.version}" if rec.rid is not None else body
    return r.cell(rec)


def _sql(node: type[ast.Statement], name: str, syntax: str, purpose: str, example: str) -> None:
    command(node, name, syntax, purpose, example, group="sql")(run_sql)


_sql(ast.Select, "SELECT",
     "SELECT [<projections>] FROM <class | CLUSTER:<name> | #rid | [#rid, ...] | (subquery)> [LET ...] "
     "[WHERE <condition>] [GROUP BY ...] [ORDER BY ... [ASC|DESC]] [SKIP n] [LIMIT n]",
     "Query records; an indexed property in WHERE uses its index.",
     "SELECT name, out('Knows').size() AS friends FROM Person WHERE age > 30 ORDER BY name")
_sql(ast.Insert, "INSERT",
     "INSERT INTO <class | CLUSTER:<name>> SET f = v, ... | (f, ...) VALUES (v, ...), ... | CONTENT {json} "
     "| CONTENT [{json}, ...] [RETURN <expr>]",
     "Create documents.", "INSERT INTO Person SET name = 'Ann', age = 31")
_sql(ast.Update, "UPDATE",
     "UPDATE [EDGE] <target> SET ... | INCREMENT ... | ADD ... | REMOVE ... | PUT ... | MERGE {json} "
     "| CONTENT {json} [UPSERT] [RETURN BEFORE|AFTER [<projections>]] [WHERE ...] [LIMIT n]",
     "Change records; SET items apply in order; paths such as a.b, tags[0], m['k'] can be written; "
     "changing an edge's in/out moves it between the vertices.",
     "UPDATE Person SET age = age + 1, tags[0] = 'new' WHERE name = 'Ann'")
_sql(ast.Delete, "DELETE", "DELETE FROM <target> [WHERE ...] [LIMIT n]", "Delete records.",
     "DELETE FROM Person WHERE age < 18")
_sql(ast.CreateClass, "CREATE CLASS",
     "CREATE CLASS <name> [IF NOT EXISTS] [EXTENDS <class>, ...] [CLUSTERS n] [ABSTRACT]",
     "Create a class (EXTENDS V for vertices, E for edges).", "CREATE CLASS Person EXTENDS V")
_sql(ast.AlterClass, "ALTER CLASS", "ALTER CLASS <name> <attribute> <value>",
     "Change a class: NAME, SUPERCLASS, STRICTMODE, CLUSTERSELECTION, ADDCLUSTER, ...",
     "ALTER CLASS Person STRICTMODE true")
_sql(ast.DropClass, "DROP CLASS", "DROP CLASS <name> [IF EXISTS] [UNSAFE]",
     "Drop a class with its records (UNSAFE for vertex and edge classes that hold records).", "DROP CLASS Temp")
_sql(ast.CreateProperty, "CREATE PROPERTY",
     "CREATE PROPERTY <class>.<name> <type> [<linked class or type>] [(MANDATORY true, NOTNULL true, "
     "READONLY true, MIN v, MAX v, REGEXP 're', DEFAULT v, COLLATE ci)]",
     "Declare a typed property with constraints.", "CREATE PROPERTY Person.name STRING (MANDATORY true, MIN 1)")
_sql(ast.AlterProperty, "ALTER PROPERTY", "ALTER PROPERTY <class>.<name> <attribute> <value>",
     "Change a property: MANDATORY, NOTNULL, MIN, MAX, REGEXP, DEFAULT, COLLATE, NAME, TYPE, ...",
     "ALTER PROPERTY Person.age MAX 150")
_sql(ast.DropProperty, "DROP PROPERTY", "DROP PROPERTY <class>.<name> [IF EXISTS] [FORCE]",
     "Remove a property declaration (FORCE also drops its indexes).", "DROP PROPERTY Person.nick")
_sql(ast.CreateIndex, "CREATE INDEX",
     "CREATE INDEX <class>.<property> <type> | CREATE INDEX <name> ON <class> (<property>, ...) <type>",
     "Create an index: UNIQUE, NOTUNIQUE, FULLTEXT, DICTIONARY (and *_HASH_INDEX).",
     "CREATE INDEX Person.email UNIQUE")
_sql(ast.DropIndex, "DROP INDEX", "DROP INDEX <name> [IF EXISTS]", "Drop an index.", "DROP INDEX Person.email")
_sql(ast.RebuildIndex, "REBUILD INDEX", "REBUILD INDEX <name> | *", "Rebuild one index, or all of them.",
     "REBUILD INDEX *")
_sql(ast.CreateCluster, "CREATE CLUSTER", "CREATE [BLOB] CLUSTER <name> [ID <n>]", "Create a cluster.",
     "CREATE CLUSTER archive")
_sql(ast.DropCluster, "DROP CLUSTER", "DROP CLUSTER <name | id>", "Drop a cluster and its records.",
     "DROP CLUSTER archive")
_sql(ast.AlterCluster, "ALTER CLUSTER", "ALTER CLUSTER <name> <attribute> <value>", "Change a cluster.",
     "ALTER CLUSTER archive NAME old")
_sql(ast.AlterDatabase, "ALTER DATABASE", "ALTER DATABASE MINIMUMCLUSTERS <n>",
     "Change database settings (how many clusters a new class gets).", "ALTER DATABASE MINIMUMCLUSTERS 4")
_sql(ast.CreateSequence, "CREATE SEQUENCE",
     "CREATE SEQUENCE <name> [IF NOT EXISTS] [TYPE ORDERED|CACHED] [START n] [INCREMENT n] [CACHE n]",
     "Create a sequence; sequence('name').next() gives its next value (.current(), .reset()); "
     "a value taken in a transaction that rolls back is given again.",
     "CREATE SEQUENCE orderId START 1000")
_sql(ast.AlterSequence, "ALTER SEQUENCE", "ALTER SEQUENCE <name> [START n] [INCREMENT n] [CACHE n]",
     "Change a sequence (a new START applies from the next reset()).", "ALTER SEQUENCE orderId INCREMENT 10")
_sql(ast.DropSequence, "DROP SEQUENCE", "DROP SEQUENCE <name> [IF EXISTS]", "Drop a sequence.",
     "DROP SEQUENCE orderId")
_sql(ast.CreateVertex, "CREATE VERTEX", "CREATE VERTEX [<class>] [CLUSTER <name>] [SET ... | CONTENT {json}]",
     "Create a vertex.", "CREATE VERTEX Person SET name = 'Ann'")
_sql(ast.CreateEdge, "CREATE EDGE",
     "CREATE EDGE [<class>] FROM <#rid | (select)> TO <#rid | (select)> [SET ... | CONTENT {json}]",
     "Create edges between vertices (every source to every target).",
     "CREATE EDGE Knows FROM #12:0 TO (SELECT FROM Person WHERE name = 'Bob')")
_sql(ast.DeleteVertex, "DELETE VERTEX", "DELETE VERTEX <class | #rid | (select)> [WHERE ...] [LIMIT n]",
     "Delete vertices and their edges.", "DELETE VERTEX Person WHERE name = 'Ann'")
_sql(ast.DeleteEdge, "DELETE EDGE", "DELETE EDGE [<class>] [<#rid>] [FROM <target>] [TO <target>] [WHERE ...]",
     "Delete edges (the vertices keep consistent link bags).", "DELETE EDGE Knows FROM #12:0 TO #12:1")
_sql(ast.Traverse, "TRAVERSE",
     "TRAVERSE <out() | in() | * | field, ...> FROM <target> [MAXDEPTH n] [WHILE ...] "
     "[STRATEGY DEPTH_FIRST|BREADTH_FIRST] [LIMIT n]",
     "Walk a graph from some records.", "TRAVERSE out('Knows') FROM #12:0 MAXDEPTH 3")
_sql(ast.Match, "MATCH",
     "MATCH {class: C, as: a, where: (...)}-Edge->{as: b}, ... [, NOT {as: a}-Edge->{...}] "
     "RETURN a, b.name | $matches | $paths | expand(a) [ORDER BY ...] [LIMIT n]",
     "Find graph patterns.",
     "MATCH {class: Person, as: p, where: (name = 'Ann')}-Knows->{as: f} RETURN p.name, f.name")
_sql(ast.Explain, "EXPLAIN", "EXPLAIN <statement>", "Show how a statement would run (which index it uses).",
     "EXPLAIN SELECT FROM Person WHERE email = 'a@x'")
_sql(ast.Profile, "PROFILE", "PROFILE <statement>", "Run a statement and report its time and row count.",
     "PROFILE SELECT FROM Person")
_sql(ast.TruncateClass, "TRUNCATE CLASS", "TRUNCATE CLASS <name> [POLYMORPHIC] [UNSAFE]",
     "Delete every record of a class.", "TRUNCATE CLASS Temp")
_sql(ast.TruncateCluster, "TRUNCATE CLUSTER", "TRUNCATE CLUSTER <name>", "Delete every record of a cluster.",
     "TRUNCATE CLUSTER temp")
_sql(ast.TruncateRecord, "TRUNCATE RECORD", "TRUNCATE RECORD <#rid> [, <#rid> ...]", "Delete single records.",
     "TRUNCATE RECORD #12:0")
_sql(ast.Begin, "BEGIN", "BEGIN",
     "Start a transaction (the prompt shows its size); on a plocal database other sessions' writes "
     "wait until it ends with COMMIT or ROLLBACK.", "BEGIN")
_sql(ast.Commit, "COMMIT", "COMMIT", "Make the transaction's changes permanent.", "COMMIT")
_sql(ast.Rollback, "ROLLBACK", "ROLLBACK", "Undo the transaction's changes.", "ROLLBACK")
