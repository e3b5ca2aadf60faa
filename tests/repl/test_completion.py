"""Context-aware completion: the pure analysis, the schema cache, the completer."""

from __future__ import annotations

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from console.repl.completion import (
    CONSOLE_PROPERTIES, OPTIONS, START_KEYWORDS, Attribute, ClassName, ClusterName,
    CompletionContext, ConsoleProperty, DatabaseUrl, FilePath, Function, IndexName, Keyword,
    Method, Option, PropertyName, Type, completion_context, suggest,
)
from console.repl.completer import OrientCompleter, SchemaCache


def kinds(text: str) -> list[type]:
    return [type(s) for s in suggest(text)]


def keywords(text: str) -> set[str]:
    found: set[str] = set()
    for s in suggest(text):
        if isinstance(s, Keyword):
            found.update(s.candidates)
    return found


def word(text: str) -> str:
    return completion_context(text).word_before_cursor


# --- the start of a statement ---------------------------------------------------------

@pytest.mark.parametrize("text", ["", "   ", "sel", "SELECT 1;", "select 1; ", "select 1\n", "x; EX"])
def test_start_of_statement_offers_commands(text):
    assert suggest(text) == [Keyword(START_KEYWORDS)]


def test_start_keywords_cover_sql_and_console_commands():
    for kw in ("SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "TRAVERSE",
               "MATCH", "CONNECT", "INFO", "CLASSES", "BROWSE", "EXPORT", "IMPORT", "BACKUP",
               "RESTORE", "LOAD", "SET", "GET", "TRUNCATE", "EXIT"):
        assert kw in START_KEYWORDS


def test_explain_and_profile_are_transparent():
    assert suggest("EXPLAIN SELECT FROM ") == suggest("SELECT FROM ")
    assert suggest("profile select from Person where ") == suggest("select from Person where ")
    assert suggest("EXPLAIN ") == [Keyword(START_KEYWORDS)]


# --- keywords after keywords ------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("CREATE ", {"CLASS", "PROPERTY", "INDEX", "VERTEX", "EDGE", "CLUSTER", "DATABASE"}),
    ("create cl", {"CLASS", "CLUSTER"}),
    ("ALTER ", {"CLASS", "PROPERTY", "CLUSTER", "DATABASE"}),
    ("DROP ", {"CLASS", "PROPERTY", "INDEX", "CLUSTER", "DATABASE"}),
    ("DELETE ", {"FROM", "VERTEX", "EDGE"}),
    ("INSERT ", {"INTO"}),
    ("INFO ", {"CLASS"}),
    ("BROWSE ", {"CLASS", "CLUSTER"}),
    ("TRUNCATE ", {"CLASS", "CLUSTER", "RECORD"}),
    ("LIST ", {"CLASSES", "CLUSTERS", "INDEXES", "DATABASES"}),
    ("LOAD ", {"SCRIPT", "RECORD"}),
    ("DISPLAY ", {"RECORD", "RAW RECORD"}),
    ("EXPORT ", {"DATABASE"}), ("IMPORT ", {"DATABASE"}), ("BACKUP ", {"DATABASE"}),
    ("RESTORE ", {"DATABASE"}), ("CHECK ", {"DATABASE"}), ("REBUILD ", {"INDEX"}),
    ("SELECT FROM Person ", {"WHERE", "ORDER BY", "GROUP BY", "LIMIT", "SKIP", "LET"}),
    ("select from Person wh", {"WHERE"}),
    ("SELECT FROM cluster:person ", {"WHERE", "LIMIT"}),
    ("SELECT FROM #12:3 ", {"WHERE", "LIMIT"}),
    ("SELECT FROM (SELECT FROM Person) ", {"WHERE", "ORDER BY"}),
    ("SELECT FROM Person WHERE age > 3 ", {"AND", "OR", "ORDER BY", "GROUP BY", "LIMIT", "SKIP"}),
    ("SELECT FROM Person WHERE name = 'x' ", {"AND", "OR", "ORDER BY"}),
    ("SELECT FROM Person WHERE name = :n ", {"AND", "OR"}),
    ("SELECT FROM Person WHERE name ", {"LIKE", "IN", "IS NULL", "CONTAINS", "BETWEEN", "INSTANCEOF"}),
    ("SELECT FROM Person WHERE name IS ", {"NULL", "NOT NULL", "DEFINED"}),
    ("SELECT FROM Person ORDER BY name ", {"ASC", "DESC", "LIMIT", "SKIP"}),
    ("SELECT FROM Person ORDER BY name DESC ", {"LIMIT", "SKIP"}),
    ("SELECT FROM Person GROUP BY name ", {"ORDER BY", "LIMIT"}),
    ("SELECT FROM Person LIMIT 10 ", {"SKIP"}),
    ("SELECT name ", {"FROM", "AS"}),
    ("UPDATE Person ", {"SET", "INCREMENT", "ADD", "REMOVE", "MERGE", "CONTENT", "UPSERT", "WHERE"}),
    ("UPDATE Person SET name = 'x' ", {"WHERE", "UPSERT", "RETURN", "LIMIT"}),
    ("UPDATE Person SET a = 1 RETURN ", {"BEFORE", "AFTER"}),
    ("UPDATE Person MERGE {\"a\": 1} ", {"WHERE", "UPSERT"}),
    ("INSERT INTO Person ", {"SET", "CONTENT", "VALUES", "FROM", "RETURN"}),
    ("INSERT INTO Person (name) ", {"VALUES"}),
    ("DELETE FROM Person ", {"WHERE", "LIMIT", "UNSAFE"}),
    ("DELETE VERTEX Person ", {"WHERE", "LIMIT"}),
    ("DELETE EDGE Knows ", {"FROM", "TO", "WHERE"}),
    ("CREATE VERTEX Person ", {"SET", "CONTENT"}),
    ("CREATE EDGE Knows ", {"FROM"}),
    ("CREATE EDGE Knows FROM #1:2 ", {"TO"}),
    ("CREATE EDGE Knows FROM #1:2 TO (SELECT FROM Person) ", {"SET", "CONTENT"}),
    ("TRAVERSE out() FROM #12:3 ", {"MAXDEPTH", "WHILE", "LIMIT", "STRATEGY"}),
    ("TRAVERSE out() FROM V STRATEGY ", {"DEPTH_FIRST", "BREADTH_FIRST"}),
    ("CREATE CLASS Person ", {"EXTENDS", "ABSTRACT", "CLUSTERS"}),
    ("CREATE INDEX Person.name ", {"UNIQUE", "NOTUNIQUE", "FULLTEXT", "DICTIONARY"}),
    ("CREATE INDEX idx ", {"ON", "UNIQUE"}),
    ("CREATE INDEX idx ON Person (a, b) ", {"UNIQUE", "NOTUNIQUE"}),
    ("CREATE PROPERTY Person.age INTEGER (", {"MANDATORY", "NOTNULL", "MIN", "MAX", "READONLY"}),
    ("CREATE PROPERTY Person.age INTEGER (MANDATORY ", {"TRUE", "FALSE"}),
    ("ALTER CLASS Person ", {"NAME", "SUPERCLASS", "STRICTMODE", "ABSTRACT"}),
    ("ALTER CLASS Person STRICTMODE ", {"TRUE", "FALSE"}),
    ("ALTER PROPERTY Person.name ", {"TYPE", "LINKEDCLASS", "MANDATORY", "NAME"}),
    ("DROP CLASS Person ", {"UNSAFE"}),
    ("MATCH {class: Person, as: p}", {"RETURN"}),
    ("MATCH {", {"class:", "as:", "where:"}),
    ("CREATE USER bob ", {"IDENTIFIED BY"}),
])
def test_keywords_that_follow(text, expected):
    assert expected <= keywords(text), (text, keywords(text))


def test_condition_keywords_do_not_repeat_earlier_clauses():
    assert "LET" not in keywords("SELECT FROM Person WHERE age > 3 ")
    assert "WHERE" not in keywords("SELECT FROM Person ORDER BY name ")


# --- class names -------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "SELECT FROM ", "select from Pe", "SELECT count(*) FROM ", "INSERT INTO ", "UPDATE ",
    "DELETE FROM ", "DELETE VERTEX ", "DELETE EDGE ", "CREATE VERTEX ", "CREATE EDGE ",
    "TRAVERSE out() FROM ", "CREATE CLASS Manager EXTENDS ", "CREATE CLASS M EXTENDS Person, ",
    "SELECT FROM V WHERE @this INSTANCEOF ", "INFO CLASS ", "BROWSE CLASS ", "TRUNCATE CLASS ",
    "DROP CLASS ", "ALTER CLASS ", "CREATE PROPERTY ", "ALTER PROPERTY ", "DROP PROPERTY ",
    "CREATE INDEX i ON ", "ALTER CLASS Manager SUPERCLASS ", "ALTER PROPERTY P.x LINKEDCLASS ",
    "CREATE PROPERTY Person.friends LINKSET ", "MATCH {class: ", "MATCH {as: p, class:",
    "SELECT FROM Person WHERE name IN (SELECT name FROM ", "EXPORT DATABASE x -includeClass=",
])
def test_class_names(text):
    assert ClassName in kinds(text), (text, suggest(text))


def test_class_target_also_offers_cluster_prefix():
    assert "CLUSTER:" in keywords("SELECT FROM ")
    assert "CLUSTER:" in keywords("INSERT INTO ")


def test_new_names_get_nothing():
    assert suggest("CREATE CLASS ") == []
    assert suggest("CREATE CLUSTER ") == []
    assert suggest("SELECT name AS ") == []


# --- property names -------------------------------------------------------------------------

@pytest.mark.parametrize("text, classes", [
    ("CREATE INDEX Person.", ("Person",)),
    ("CREATE PROPERTY Person.", ("Person",)),
    ("create property person.na", ("person",)),
    ("ALTER PROPERTY Person.", ("Person",)),
    ("DROP PROPERTY Person.", ("Person",)),
    ("SELECT FROM Person WHERE ", ("Person",)),
    ("SELECT FROM Person WHERE na", ("Person",)),
    ("SELECT FROM Person WHERE age > 3 AND ", ("Person",)),
    ("SELECT FROM Person WHERE (age > 3 OR ", ("Person",)),
    ("SELECT FROM Person WHERE NOT ", ("Person",)),
    ("SELECT FROM Person WHERE a = ", ("Person",)),
    ("SELECT FROM Person WHERE count(", ("Person",)),
    ("SELECT FROM Person LET $a = ", ("Person",)),
    ("SELECT FROM Person ORDER BY ", ("Person",)),
    ("SELECT FROM Person ORDER BY name, ", ("Person",)),
    ("SELECT FROM Person GROUP BY ", ("Person",)),
    ("UPDATE Person SET ", ("Person",)),
    ("UPDATE Person SET name = 'x', ", ("Person",)),
    ("UPDATE Person SET a = 1 WHERE ", ("Person",)),
    ("UPDATE Person INCREMENT ", ("Person",)),
    ("INSERT INTO Person SET ", ("Person",)),
    ("INSERT INTO Person (", ("Person",)),
    ("INSERT INTO Person (name, ", ("Person",)),
    ("DELETE FROM Person WHERE ", ("Person",)),
    ("CREATE VERTEX Person SET ", ("Person",)),
    ("CREATE EDGE Knows FROM #1:2 TO #1:3 SET ", ("Knows",)),
    ("TRAVERSE out() FROM Person WHILE ", ("Person",)),
    ("CREATE INDEX idx ON Person (", ("Person",)),
    ("CREATE INDEX idx ON Person (a, ", ("Person",)),
    ("SELECT FROM Person WHERE name IN (SELECT name FROM Employee WHERE ", ("Employee",)),
    ("SELECT FROM Person WHERE address.", ("address",)),
    ("MATCH {class: Person, as: p, where: (", ("Person",)),
    ("SELECT na", ()),
    ("SELECT ", ()),
    ("SELECT name, ", ()),
    ("SELECT FROM cluster:person WHERE ", ()),
    ("SELECT FROM #12:3 WHERE ", ()),
    ("SELECT FROM (SELECT FROM Person) WHERE ", ()),
])
def test_property_names(text, classes):
    props = [s for s in suggest(text) if isinstance(s, PropertyName)]
    assert props == [PropertyName(classes)], (text, suggest(text))


def test_expression_starts_offer_functions_and_attributes():
    for text in ("SELECT ", "SELECT FROM Person WHERE ", "SELECT count(", "SELECT FROM V WHERE a = "):
        assert Function in kinds(text) and Attribute in kinds(text), text


def test_methods_after_a_dot():
    assert Method in kinds("SELECT name.")
    assert kinds("SELECT out('Knows').") == [Method]


def test_after_a_field_in_set_comes_the_equals_sign():
    assert suggest("UPDATE Person SET name ") == []


# --- clusters, indexes, types ------------------------------------------------------------------

@pytest.mark.parametrize("text", ["SELECT FROM cluster:", "select from CLUSTER:pe", "INSERT INTO CLUSTER:",
                                  "UPDATE cluster:", "BROWSE CLUSTER ", "TRUNCATE CLUSTER ",
                                  "DROP CLUSTER ", "ALTER CLUSTER ", "ALTER CLASS P ADDCLUSTER ",
                                  "EXPORT DATABASE x -excludeCluster="])
def test_cluster_names(text):
    assert ClusterName in kinds(text), (text, suggest(text))


@pytest.mark.parametrize("text, typed", [
    ("DROP INDEX ", ""), ("REBUILD INDEX ", ""), ("SELECT FROM index:", ""),
    ("drop index Person.na", "Person.na"), ("SELECT FROM indexvalues:OUser.", "OUser."),
])
def test_index_names(text, typed):
    assert completion_context(text) == CompletionContext(typed, (IndexName(),))


@pytest.mark.parametrize("text", ["CREATE PROPERTY Person.name ", "create property Person.name st",
                                  "ALTER PROPERTY Person.name TYPE ", "ALTER PROPERTY P.x LINKEDTYPE ",
                                  "CREATE PROPERTY Person.tags EMBEDDEDLIST "])
def test_types(text):
    assert Type in kinds(text)


# --- console commands ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["SET ", "set li", "GET ", "get ignore"])
def test_console_properties(text):
    assert suggest(text) == [ConsoleProperty()]


def test_boolean_console_property_values():
    assert keywords("SET echo ") == {"true", "false"}
    assert keywords("set ignoreErrors ") == {"true", "false"}
    assert suggest("SET limit ") == []
    assert keywords("SET format ") == {"table", "json", "csv"}


@pytest.mark.parametrize("text, command", [
    ("EXPORT DATABASE /tmp/x.gz ", "export"), ("export database x -", "export"),
    ("IMPORT DATABASE /tmp/x.gz -mer", "import"), ("BACKUP DATABASE /tmp/b.zip ", "backup"),
    ("RESTORE DATABASE /tmp/b.zip ", "restore"), ("CHECK DATABASE ", "check"),
    ("repair database -", "repair"),
])
def test_options(text, command):
    (option,) = suggest(text)
    assert isinstance(option, Option) and option.command == command


def test_options_already_typed_are_reported():
    ctx = completion_context('EXPORT DATABASE /tmp/x -excludeAll -includeClass="A B" -includeInfo=true -incl')
    assert ctx.word_before_cursor == "-incl"
    assert ctx.suggestions == (Option("export", ("-excludeall", "-includeclass", "-includeinfo")),)


def test_option_values():
    assert keywords("EXPORT DATABASE x -includeSchema=") == {"true", "false"}
    assert word("EXPORT DATABASE x -includeClass=Per") == "Per"
    assert suggest("EXPORT DATABASE x -compressionLevel=") == []


@pytest.mark.parametrize("text, typed", [
    ("EXPORT DATABASE ", ""), ("export database /tmp/ex", "/tmp/ex"), ("IMPORT DATABASE ~/b", "~/b"),
    ("BACKUP DATABASE ./x", "./x"), ("RESTORE DATABASE /", "/"), ("LOAD SCRIPT ", ""),
    ("load script scripts/set", "scripts/set"), ("IMPORT DATABASE '/tmp/my fi", "/tmp/my fi"),
    ('EXPORT DATABASE "/tmp/', "/tmp/"),
])
def test_file_paths(text, typed):
    ctx = completion_context(text)
    assert ctx.suggestions == (FilePath(),) and ctx.word_before_cursor == typed


@pytest.mark.parametrize("text, typed", [
    ("CONNECT ", ""), ("connect plocal:/tmp/d", "plocal:/tmp/d"), ("CREATE DATABASE mem", "mem"),
    ("DROP DATABASE remote:", "remote:"), ("CONNECT 'plocal:/tmp/my db", "plocal:/tmp/my db"),
])
def test_database_urls(text, typed):
    ctx = completion_context(text)
    assert ctx.suggestions == (DatabaseUrl(),) and ctx.word_before_cursor == typed


def test_no_suggestion_for_user_and_password():
    assert suggest("CONNECT plocal:/db ") == []
    assert suggest("CONNECT plocal:/db admin ") == []
    assert keywords("CREATE DATABASE plocal:/db admin admin ") == {"PLOCAL", "MEMORY", "DOCUMENT", "GRAPH"}
    assert keywords("CREATE DATABASE plocal:/db admin admin plocal ") == {"DOCUMENT", "GRAPH"}
    assert suggest("DROP DATABASE plocal:/db admin ") == []


# --- words, strings, comments ----------------------------------------------------------------------

@pytest.mark.parametrize("text, typed", [
    ("sel", "sel"), ("SELECT FROM Person WHERE na", "na"), ("CREATE INDEX Person.na", "na"),
    ("SELECT FROM cluster:pe", "pe"), ("SELECT @cl", "@cl"), ("SELECT FROM Person ", ""),
    ("export database x -incl", "-incl"),
])
def test_word_before_cursor(text, typed):
    assert word(text) == typed


@pytest.mark.parametrize("text", [
    "SELECT FROM Person WHERE name = '", "SELECT FROM Person WHERE name = 'An",
    'INSERT INTO Person SET name = "Ann', "select 'a; select ", "SELECT `odd na",
    "SELECT FROM Person WHERE name = 'it\\'s ", "select 1 -- a comment about FROM ",
    "select /* FROM ", "# SELECT FROM ", "SELECT FROM Person WHERE name = 'x'",
    "SELECT FROM #12", "INSERT INTO Person CONTENT {\"na", "INSERT INTO Person CONTENT {\"name\": ",
    "SELECT FROM [#12:3, ", "UPDATE ZZZ SET x = 'CONNECT ",
])
def test_nothing_inside_strings_comments_and_literals(text):
    assert suggest(text) == [], (text, suggest(text))


def test_completion_context_is_a_value():
    ctx = completion_context("SELECT FROM ")
    assert isinstance(ctx, CompletionContext)
    assert ctx == completion_context("SELECT FROM ")


@pytest.mark.parametrize("text, expected", [
    ("SELECT FROM X WHERE a IN (SELECT count(", [PropertyName(()), Attribute(), Function()]),
    ("SELECT FROM X WHERE a IN (SELECT max(b) FROM Y WHERE (c = 1 AND ",
     [PropertyName(("Y",)), Attribute(), Function()]),
    ("MATCH {class: P, where: (a = 1 AND (", [PropertyName(("P",)), Attribute(), Function()]),
    ("INSERT INTO X CONTENT {\"a\": (", []),
    ("UPDATE X SET a = set(", [PropertyName(("X",)), Attribute(), Function()]),
    ("UPDATE X SET a = set(1) ", [Keyword(("UPSERT", "RETURN", "WHERE", "LIMIT", "TIMEOUT"))]),
])
def test_nested_brackets(text, expected):
    assert suggest(text) == expected


def test_multiline_statement():
    assert suggest("SELECT FROM Person\n") == [Keyword(START_KEYWORDS)]  # a newline ends it
    assert suggest("SELECT FROM Person\nWHERE ") == []
    assert PropertyName(("Person",)) in suggest("SELECT FROM Person WHERE (\n  na")


def test_garbage_never_raises():
    for text in ["(((", ")))", "}{", "SELECT ((((", "SELECT FROM ) WHERE ", ". . .", "CREATE INDEX ..",
                 "ALTER PROPERTY .", "DROP PROPERTY x.y.z ", ":", "SELECT :", "MATCH }", "\\", "'\\",
                 "EXPORT DATABASE x =", "SET", "CREATE PROPERTY P.x LINK ) ", "INSERT INTO (", "UPDATE (("]:
        completion_context(text)


# --- the schema cache ---------------------------------------------------------------------------------

def make_cache() -> SchemaCache:
    cache = SchemaCache()
    cache.update(
        classes={"Person": ["name", "age", "address"], "Employee": ["salary", "Name"],
                 "Knows": ["since"], "V": [], "E": [], "OUser": ["name", "password", "status"]},
        superclasses={"Person": ["V"], "Employee": ["Person"], "Knows": ["E"]},
        clusters=["person", "person_1", "employee", "knows", "v", "e", "ouser"],
        indexes=["Person.name", "OUser.name", "Knows.since"],
    )
    return cache


def test_schema_cache_inherits_properties():
    cache = make_cache()
    assert cache.properties("Employee") == ("salary", "Name", "name", "age", "address")
    assert cache.properties("employee") == cache.properties("EMPLOYEE")
    assert cache.properties("Nope") == ()
    assert cache.class_names == ("E", "Employee", "Knows", "OUser", "Person", "V")


def test_schema_cache_partial_updates_and_ddl():
    cache = make_cache()
    cache.update(clusters=["x"])
    assert cache.cluster_names == ("x",) and "Person" in cache.class_names
    cache.set_class("Manager", ["reports"], ["Employee"])
    assert "Manager" in cache.class_names
    assert cache.properties("Manager")[:2] == ("reports", "salary")
    cache.set_class("person", ["nick"])  # replaces Person whatever the case
    assert cache.properties("Employee") == ("salary", "Name", "nick")
    cache.drop_class("Manager")
    assert "Manager" not in cache.class_names
    cache.clear()
    assert cache.class_names == () and cache.cluster_names == () and cache.index_names == ()


def test_schema_cache_lists_referenced_superclasses_once():
    cache = SchemaCache()
    cache.update(classes={"Person": ["name"], "Employee": []},
                 superclasses={"Employee": ["person", "V"]})
    assert cache.class_names == ("Employee", "Person", "V")
    assert cache.properties("Employee") == ("name",)


def test_schema_cache_survives_inheritance_cycles():
    cache = SchemaCache()
    cache.update(classes={"A": ["a"], "B": ["b"]}, superclasses={"A": ["B"], "B": ["A"]})
    assert set(cache.properties("A")) == {"a", "b"} and set(cache.properties("B")) == {"a", "b"}


# --- the completer ---------------------------------------------------------------------------------------

EVENT = CompleteEvent(completion_requested=True)


def complete(cache: SchemaCache, text: str, **kw) -> list[str]:
    return [c.text for c in OrientCompleter(cache, **kw).get_completions(Document(text), EVENT)]


def test_completer_classes_and_properties():
    cache = make_cache()
    assert complete(cache, "SELECT FROM Pe") == ["Person"]
    assert complete(cache, "select from pe") == ["Person"]  # case-insensitive, canonical spelling
    assert complete(cache, "SELECT FROM Person WHERE na")[0] == "name"  # then 'unionall' (contains)
    assert complete(cache, "UPDATE Employee SET ")[:5] == ["address", "age", "Name", "name", "salary"]
    assert complete(cache, "CREATE INDEX Person.a") == ["address", "age"]
    assert complete(cache, "BROWSE CLUSTER person") == ["person", "person_1"]
    assert complete(cache, "DROP INDEX ou") == ["OUser.name"]


def test_completer_start_position_replaces_the_word():
    cache = make_cache()
    c = next(iter(OrientCompleter(cache).get_completions(Document("SELECT FROM Person WHERE na"), EVENT)))
    assert c.start_position == -2 and c.display_meta_text == "property"


def test_completer_prefix_then_substring_then_fuzzy():
    cache = SchemaCache()
    cache.update(classes={"Order": [], "OrderLine": [], "PurchaseOrder": [], "Orbit": [], "Other": [],
                          "OldRoad": []})
    # prefix matches, then names containing the word, then subsequence matches
    assert complete(cache, "SELECT FROM ord") == ["Order", "OrderLine", "PurchaseOrder", "OldRoad"]
    assert complete(cache, "SELECT FROM ORD") == ["Order", "OrderLine", "PurchaseOrder", "OldRoad"]
    assert complete(cache, "SELECT FROM or") == ["Orbit", "Order", "OrderLine", "PurchaseOrder"]  # no fuzzy
    assert complete(cache, "SELECT FROM xyz") == []


def test_completer_keyword_case_follows_typing():
    cache = make_cache()
    assert complete(cache, "sel") == ["select"]
    assert complete(cache, "SEL") == ["SELECT"]
    assert complete(cache, "Sel") == ["SELECT"]
    assert "WHERE" in complete(cache, "SELECT FROM Person ")  # nothing typed: upper case
    assert complete(cache, "select from Person ord") == ["order by"]
    assert complete(cache, "select from Person ORD") == ["ORDER BY"]
    assert complete(cache, "select from Person where name is n") == ["not defined", "not null", "null"]


def test_completer_functions_attributes_types():
    cache = make_cache()
    got = OrientCompleter(cache).get_completions(Document("SELECT FROM Person WHERE cou"), EVENT)
    (count,) = [c for c in got if c.text == "count"]
    assert count.display_text == "count()" and count.display_meta_text == "function"
    assert complete(cache, "SELECT @r") == ["@raw", "@rid"]
    assert complete(cache, "SELECT FROM Person WHERE @cl") == ["@class"]
    assert complete(cache, "CREATE PROPERTY Person.x LINKS")[0] == "LINKSET"
    assert complete(cache, "create property Person.x links")[0] == "linkset"
    assert complete(cache, "CREATE PROPERTY Person.x EMBEDDEDL") == ["EMBEDDEDLIST"]


def test_completer_options_not_repeated():
    cache = make_cache()
    got = complete(cache, "EXPORT DATABASE /tmp/x -includeClass=Person -")
    assert "-includeClass=" not in got
    assert set(got) == set(OPTIONS["export"]) - {"-includeClass="}
    assert complete(cache, "EXPORT DATABASE /tmp/x -includeC")[:3] == [
        "-includeClass=", "-includeCluster=", "-includeClusterDefinitions="]
    assert complete(cache, "export database /tmp/x -excl") == ["-excludeAll", "-excludeClass=",
                                                                "-excludeCluster="]
    assert complete(cache, "IMPORT DATABASE /tmp/x -merge=t") == ["true"]
    assert complete(cache, "EXPORT DATABASE /tmp/x -excludeClass=OU") == ["OUser"]
    assert complete(cache, "BACKUP DATABASE /tmp/b.zip -") == ["-bufferSize=", "-compressionLevel="]
    assert complete(cache, "RESTORE DATABASE /tmp/b.zip -") == ["-name="]
    assert complete(cache, "CHECK DATABASE -") == ["-fix"]
    assert complete(cache, "REPAIR DATABASE -") == []
    assert complete(cache, "BACKUP DATABASE x -", options={"backup": ["-only="]}) == ["-only="]


def test_completer_console_properties():
    cache = make_cache()
    assert complete(cache, "SET ign") == ["ignoreErrors"]
    assert set(complete(cache, "GET ")) == set(CONSOLE_PROPERTIES)
    assert complete(cache, "SET x", console_properties=["xray", "limit"]) == ["xray"]


def test_completer_file_paths(tmp_path):
    (tmp_path / "export.json.gz").write_text("")
    (tmp_path / "exports").mkdir()
    (tmp_path / "script.osql").write_text("")
    cache = make_cache()
    base = str(tmp_path)
    got = list(OrientCompleter(cache).get_completions(Document(f"EXPORT DATABASE {base}/exp"), EVENT))
    assert sorted(c.text for c in got) == ["ort.json.gz", "orts"]  # PathCompleter completes the rest
    assert all(c.start_position == 0 for c in got)
    assert [c.text for c in OrientCompleter(cache).get_completions(
        Document(f"LOAD SCRIPT '{base}/scr"), EVENT)] == ["ipt.osql"]
    assert [c.text for c in OrientCompleter(cache).get_completions(
        Document(f"CONNECT plocal:{base}/scr"), EVENT)] == ["ipt.osql"]


def test_completer_database_url_schemes():
    assert complete(make_cache(), "CONNECT pl") == ["plocal:"]
    assert set(complete(make_cache(), "CONNECT ")) >= {"plocal:", "memory:", "remote:localhost/"}


def test_completer_nothing_in_strings():
    assert complete(make_cache(), "SELECT FROM Person WHERE name = 'Per") == []


def test_completer_limits_and_dedupes():
    cache = SchemaCache()
    cache.update(classes={f"C{i}": ["name", "size"] for i in range(50)})
    assert len(complete(cache, "SELECT FROM ", max_completions=7)) == 7
    got = complete(cache, "SELECT na")  # 'name' from 50 classes, offered once
    assert got.count("name") == 1


# --- a large schema ------------------------------------------------------------------

@pytest.fixture(scope="module")
def big_cache() -> SchemaCache:
    cache = SchemaCache()
    cache.update(
        classes={f"Class{i:04d}": [f"prop{i:04d}_{j:02d}" for j in range(20)] for i in range(2000)},
        superclasses={f"Class{i:04d}": ["V"] for i in range(2000)} | {"V": []},
        clusters=[f"class{i:04d}" for i in range(2000)],
        indexes=[f"Class{i:04d}.prop{i:04d}_00" for i in range(2000)],
    )
    return cache


def test_big_schema_results(big_cache):
    assert len(big_cache.class_names) == 2001
    assert complete(big_cache, "SELECT FROM Class123")[:11] == ["Class1230", "Class1231", "Class1232",
                                                                "Class1233", "Class1234", "Class1235",
                                                                "Class1236", "Class1237", "Class1238",
                                                                "Class1239", "Class0123"]
    props = complete(big_cache, "SELECT FROM Class1234 WHERE prop")
    assert props == [f"prop1234_{j:02d}" for j in range(20)]
    got = complete(big_cache, "UPDATE class0042 SET prop0042_1")
    assert got[:10] == [f"prop0042_{j}" for j in range(10, 20)]
    assert set(got[10:]) <= {f"prop0042_0{j}" for j in range(10)}  # fuzzy matches come last
    assert complete(big_cache, "CREATE INDEX Class0007.") == [f"prop0007_{j:02d}" for j in range(20)]
    assert complete(big_cache, "SELECT prop1999_19") == ["prop1999_19"]
    assert complete(big_cache, "BROWSE CLUSTER class000")[:10] == [f"class000{j}" for j in range(10)]
    assert complete(big_cache, "DROP INDEX Class0500.") == ["Class0500.prop0500_00"]
    assert complete(big_cache, "select from index:class0500.p") == ["Class0500.prop0500_00"]
    assert len(complete(big_cache, "SELECT FROM ")) == 1000  # the default cap


def test_big_schema_substring_and_fuzzy(big_cache):
    got = complete(big_cache, "SELECT FROM 1999")
    assert got == ["Class1999"]
    got = complete(big_cache, "SELECT 1999_0")
    assert got[:10] == [f"prop1999_0{j}" for j in range(10)]
