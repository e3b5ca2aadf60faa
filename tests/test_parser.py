"""Statements and expressions parse into the expected AST (console.parser)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from console import ast as A
from console.engine.rid import RID
from console.engine.types import OType
from console.parser import ParseError, parse, parse_expression


# ---------------------------------------------------------------- helpers

def F(*path: str) -> A.Field:
    return A.Field(path)


def S(value: str) -> A.Literal:
    return A.Literal(value, OType.STRING)


def I(value: int) -> A.Literal:
    return A.Literal(value, OType.INTEGER)


def L(value: int) -> A.Literal:
    return A.Literal(value, OType.LONG)


TRUE = A.Literal(True, OType.BOOLEAN)
FALSE = A.Literal(False, OType.BOOLEAN)
NULL = A.Literal(None, None)


def R(text: str) -> RID:
    return RID.parse(text)


def cmp(op: str, left, right) -> A.Comparison:
    return A.Comparison(op, left, right)


def where(text: str) -> A.Expr:
    stmt = parse("select from V where " + text)
    assert isinstance(stmt, A.Select)
    return stmt.where


def select(text: str) -> A.Select:
    stmt = parse(text)
    assert isinstance(stmt, A.Select)
    return stmt


# ---------------------------------------------------------------- lexical

def test_keywords_are_case_insensitive():
    assert parse("SeLeCt FrOm V WhErE a = 1") == parse("select from V where a = 1")
    assert parse("SELECT FROM V") == parse("select from v".replace("v", "V"))


def test_trailing_semicolon_is_allowed():
    assert parse("select from V;") == parse("select from V")
    assert parse("info ;") == A.Info()


@pytest.mark.parametrize("text, path", [
    ("name", ("name",)),
    ("_x", ("_x",)),
    ("a$b", ("a$b",)),
    ("a1_2", ("a1_2",)),
    ("`my field`", ("my field",)),
    ("`odd\\`name`", ("odd`name",)),
    ("address.city", ("address", "city")),
    ("`a b`.c", ("a b", "c")),
    ("a.b.c.d", ("a", "b", "c", "d")),
])
def test_identifiers(text, path):
    assert parse_expression(text) == A.Field(path)


@pytest.mark.parametrize("text, value", [
    ("'abc'", "abc"),
    ('"abc"', "abc"),
    ("''", ""),
    (r"'a\nb'", "a\nb"),
    (r"'a\tb'", "a\tb"),
    (r'"say \"hi\""', 'say "hi"'),
    (r"'it\'s'", "it's"),
    (r"'back\\slash'", "back\\slash"),
    (r"'\u00e9t\u00E9'", "été"),
    (r"'\ud83d\ude00'", "\U0001F600"),
    (r"'\d+'", "\\d+"),                       # unknown escapes are kept
    ("'a\"b'", 'a"b'),
    ('"a\'b"', "a'b"),
    ("'multi\nline'", "multi\nline"),
])
def test_strings(text, value):
    assert parse_expression(text) == S(value)


@pytest.mark.parametrize("text, value, otype", [
    ("0", 0, OType.INTEGER),
    ("42", 42, OType.INTEGER),
    ("2147483647", 2147483647, OType.INTEGER),
    ("2147483648", 2147483648, OType.LONG),
    ("-2147483648", -2147483648, OType.INTEGER),
    ("-2147483649", -2147483649, OType.LONG),
    ("123L", 123, OType.LONG),
    ("123l", 123, OType.LONG),
    ("-5L", -5, OType.LONG),
    ("9223372036854775807", 9223372036854775807, OType.LONG),
    ("-9223372036854775808", -9223372036854775808, OType.LONG),
    ("1.5", 1.5, OType.DOUBLE),
    ("1e10", 1e10, OType.DOUBLE),
    ("1E-3", 1e-3, OType.DOUBLE),
    ("2.5e+2", 250.0, OType.DOUBLE),
    (".5", 0.5, OType.DOUBLE),
    ("1.5f", 1.5, OType.FLOAT),
    ("1.5F", 1.5, OType.FLOAT),
    ("2f", 2.0, OType.FLOAT),
    ("1.5d", 1.5, OType.DOUBLE),
    ("3D", 3.0, OType.DOUBLE),
    ("-0.25", -0.25, OType.DOUBLE),
    ("1.50c", Decimal("1.50"), OType.DECIMAL),
    ("7C", Decimal("7"), OType.DECIMAL),
    ("-1.5c", Decimal("-1.5"), OType.DECIMAL),
])
def test_numbers(text, value, otype):
    literal = parse_expression(text)
    assert literal == A.Literal(value, otype)
    assert type(literal.value) is type(value)


def test_decimal_keeps_its_scale():
    assert str(parse_expression("1.50c").value) == "1.50"


@pytest.mark.parametrize("text, literal", [
    ("true", TRUE), ("TRUE", TRUE), ("False", FALSE), ("null", NULL), ("NULL", NULL),
])
def test_boolean_and_null(text, literal):
    assert parse_expression(text) == literal


@pytest.mark.parametrize("text, rid", [
    ("#1:2", RID(1, 2)), ("#12:0", RID(12, 0)), ("#-1:-1", RID(-1, -1)), ("#0:123456789", RID(0, 123456789)),
])
def test_rids(text, rid):
    assert parse_expression(text) == A.RidLiteral(rid)


def test_positional_parameters_are_numbered_in_text_order():
    stmt = parse("select from V where a = ? and b in (select from E where c = ?) and d = ? limit ?")
    params = []

    def walk(node):
        if isinstance(node, A.Param):
            params.append(node)
        elif isinstance(node, (A.Node,)):
            for name in node.__node_fields__:
                walk(getattr(node, name))
        elif isinstance(node, tuple):
            for item in node:
                walk(item)

    walk(stmt)
    assert [p.index for p in params] == [0, 1, 2, 3]
    assert all(p.name is None for p in params)
    # numbering restarts for every statement
    assert parse("select from V where a = ?").where.right == A.Param(None, 0)


def test_named_parameters():
    assert parse_expression(":name") == A.Param("name", None)
    assert where("a = :p1 and b = ?") == A.And((cmp("=", F("a"), A.Param("p1", None)),
                                                cmp("=", F("b"), A.Param(None, 0))))


@pytest.mark.parametrize("name", ["rid", "class", "version", "type", "size", "this", "fields"])
def test_record_attributes(name):
    assert parse_expression("@" + name) == A.Attribute(name)
    assert parse_expression("@" + name.upper()) == A.Attribute(name)


@pytest.mark.parametrize("text, name", [("$a", "a"), ("$parent", "parent"), ("$current", "current"),
                                        ("$depth", "depth"), ("$matches", "matches")])
def test_variables(text, name):
    assert parse_expression(text) == A.Variable(name)


def test_variable_paths():
    assert parse_expression("$parent.$current.name") == A.FieldAccess(A.Variable("parent"), ("$current", "name"))
    assert parse_expression("$a.size()") == A.MethodCall(A.Variable("a"), "size", ())


def test_collections_and_maps():
    assert parse_expression("[]") == A.ListLiteral(())
    assert parse_expression("[1, 'a', null]") == A.ListLiteral((I(1), S("a"), NULL))
    assert parse_expression("{}") == A.MapLiteral(())
    assert parse_expression('{"a": 1, b: [2, {"c": true}]}') == A.MapLiteral((
        ("a", I(1)), ("b", A.ListLiteral((I(2), A.MapLiteral((("c", TRUE),))))),
    ))
    assert parse_expression("(1, 2, 3)") == A.ListLiteral((I(1), I(2), I(3)))


@pytest.mark.parametrize("written, digits", [("2.50", "2.50"), ("-0.10", "-0.10"), ("1.250d", "1.250"),
                                             ("1e2", "1E+2"), ("3", None)])
def test_map_fieldtypes_decimal_keeps_the_digits_written(written, digits):
    """``{"v": 2.50, "@fieldTypes": "v=c"}`` is DECIMAL 2.50 (as OrientDB reads such JSON),
    while the same number elsewhere stays a DOUBLE."""
    got = parse_expression('{"v": %s, "w": %s, "@fieldTypes": "x=t,v=c"}' % (written, written))
    (_, v), (_, w), _ = got.entries
    if digits is None:  # integers are typed later, by the engine
        assert v == w == I(3)
        return
    assert v == A.Literal(Decimal(digits), OType.DECIMAL) and str(v.value) == digits
    assert w.otype is OType.DOUBLE and w.value == float(written.rstrip("d"))


def test_comments_inside_a_statement_are_ignored():
    assert parse("select from V -- all vertices") == parse("select from V")
    assert parse("select /* everything */ from V") == parse("select from V")
    assert parse("select from V /* multi\nline */ where a = 1") == parse("select from V where a = 1")


# ---------------------------------------------------------------- expressions

def test_arithmetic_precedence():
    assert parse_expression("1 + 2 * 3") == A.Arithmetic("+", I(1), A.Arithmetic("*", I(2), I(3)))
    assert parse_expression("(1 + 2) * 3") == A.Arithmetic("*", A.Arithmetic("+", I(1), I(2)), I(3))
    assert parse_expression("10 - 2 - 3") == A.Arithmetic("-", A.Arithmetic("-", I(10), I(2)), I(3))
    assert parse_expression("a / b % c") == A.Arithmetic("%", A.Arithmetic("/", F("a"), F("b")), F("c"))
    assert parse_expression("5-3") == A.Arithmetic("-", I(5), I(3))


def test_unary_minus():
    assert parse_expression("-a") == A.Negate(F("a"))
    assert parse_expression("-(1 + 2)") == A.Negate(A.Arithmetic("+", I(1), I(2)))
    assert parse_expression("- 5") == I(-5)
    assert parse_expression("2 * -3") == A.Arithmetic("*", I(2), I(-3))
    assert parse_expression("+a") == F("a")


def test_string_concatenation_binds_looser_than_plus():
    assert parse_expression("'a' || b + 1 || c") == A.Arithmetic(
        "||", A.Arithmetic("||", S("a"), A.Arithmetic("+", F("b"), I(1))), F("c"))


def test_function_calls():
    assert parse_expression("count(*)") == A.FunctionCall("count", (), True)
    assert parse_expression("COUNT(*)") == A.FunctionCall("count", (), True)
    assert parse_expression("sysdate()") == A.FunctionCall("sysdate", ())
    assert parse_expression("ifnull(a, 'x')") == A.FunctionCall("ifnull", (F("a"), S("x")))
    assert parse_expression("expand(out('Knows'))") == A.FunctionCall(
        "expand", (A.FunctionCall("out", (S("Knows"),)),))
    assert parse_expression("in('Knows')") == A.FunctionCall("in", (S("Knows"),))
    assert parse_expression("date('2020-01-01', 'yyyy-MM-dd')") == A.FunctionCall(
        "date", (S("2020-01-01"), S("yyyy-MM-dd")))


def test_method_chains():
    assert parse_expression("name.toUpperCase()") == A.MethodCall(F("name"), "touppercase", ())
    assert parse_expression("tags.size()") == A.MethodCall(F("tags"), "size", ())
    assert parse_expression("a.b.size()") == A.MethodCall(F("a", "b"), "size", ())
    assert parse_expression("out('Knows').size()") == A.MethodCall(
        A.FunctionCall("out", (S("Knows"),)), "size", ())
    assert parse_expression("name.substring(0, 2).toLowerCase()") == A.MethodCall(
        A.MethodCall(F("name"), "substring", (I(0), I(2))), "tolowercase", ())
    assert parse_expression("out('Knows').name") == A.FieldAccess(A.FunctionCall("out", (S("Knows"),)), ("name",))
    assert parse_expression("out().in().name.size()") == A.MethodCall(
        A.FieldAccess(A.MethodCall(A.FunctionCall("out", ()), "in", ()), ("name",)), "size", ())


def test_indexing_and_filters():
    assert parse_expression("tags[0]") == A.IndexAccess(F("tags"), I(0))
    assert parse_expression("map['key']") == A.IndexAccess(F("map"), S("key"))
    assert parse_expression("a.b[1][2]") == A.IndexAccess(A.IndexAccess(F("a", "b"), I(1)), I(2))
    assert parse_expression("out('Knows')[age > 30]") == A.Filter(
        A.FunctionCall("out", (S("Knows"),)), cmp(">", F("age"), I(30)))
    assert parse_expression("list[0].name") == A.FieldAccess(A.IndexAccess(F("list"), I(0)), ("name",))
    assert parse_expression("x[name = 'a' and b = 1]") == A.Filter(
        F("x"), A.And((cmp("=", F("name"), S("a")), cmp("=", F("b"), I(1)))))


def test_ranges():
    assert parse_expression("tags[0..2]") == A.Slice(F("tags"), I(0), I(2))
    assert parse_expression("tags[1...n]") == A.Slice(F("tags"), I(1), F("n"), True)
    assert parse_expression("tags[0.5]") == A.IndexAccess(F("tags"), A.Literal(0.5, OType.DOUBLE))
    assert parse_expression("a[0..2][1]") == A.IndexAccess(A.Slice(F("a"), I(0), I(2)), I(1))
    assert parse_expression("tags[1, 3]") == A.IndexAccess(F("tags"), A.ListLiteral((I(1), I(3))))


def test_assignment_paths_take_index_steps():
    assert parse("update X set tags[0] = 1, m['k'].x = 2").clauses == (A.SetClause((
        A.Assignment(("tags", I(0)), I(1)), A.Assignment(("m", S("k"), "x"), I(2)))),)
    assert parse("update X remove tags[n]").clauses == (A.RemoveClause((A.Assignment(("tags", F("n")), None),)),)
    assert parse("update X put m.a = 'k', 1").clauses == (A.PutClause((A.PutItem(("m", "a"), S("k"), I(1)),)),)


@pytest.mark.parametrize("op, normal", [
    ("=", "="), ("==", "="), ("!=", "!="), ("<>", "!="), ("<", "<"), ("<=", "<="), (">", ">"),
    (">=", ">="), ("LIKE", "LIKE"), ("like", "LIKE"), ("ILIKE", "ILIKE"), ("MATCHES", "MATCHES"),
    ("CONTAINSKEY", "CONTAINSKEY"), ("containsValue", "CONTAINSVALUE"), ("CONTAINSTEXT", "CONTAINSTEXT"),
    ("CONTAINS", "CONTAINS"), ("CONTAINSALL", "CONTAINSALL"), ("CONTAINSANY", "CONTAINSANY"),
])
def test_comparison_operators(op, normal):
    assert where(f"a {op} 'x'") == cmp(normal, F("a"), S("x"))


def test_in_and_not_in():
    assert where("a in [1, 2]") == cmp("IN", F("a"), A.ListLiteral((I(1), I(2))))
    assert where("a IN (1, 2)") == cmp("IN", F("a"), A.ListLiteral((I(1), I(2))))
    assert where("a in ?") == cmp("IN", F("a"), A.Param(None, 0))
    assert where("a not in :xs") == cmp("NOT IN", F("a"), A.Param("xs", None))
    sub = where("@rid in (select out from E)")
    assert sub.op == "IN" and isinstance(sub.right, A.Subquery)
    assert sub.right.statement.projections == (A.Projection(F("out")),)


def test_contains_with_a_condition():
    assert where("tags contains 'x'") == cmp("CONTAINS", F("tags"), S("x"))
    assert where("addresses contains (city = 'Rome')") == A.ContainsCondition(
        F("addresses"), cmp("=", F("city"), S("Rome")))
    assert where("a containsall (b > 1)") == A.ContainsCondition(F("a"), cmp(">", F("b"), I(1)), "CONTAINSALL")
    assert where("a contains (b)") == cmp("CONTAINS", F("a"), F("b"))


def test_between_is_instanceof():
    assert where("a between 1 and 5") == A.Between(F("a"), I(1), I(5))
    assert where("a between 1 and 5 and b = 2") == A.And((A.Between(F("a"), I(1), I(5)), cmp("=", F("b"), I(2))))
    assert where("a is null") == A.IsNull(F("a"), False)
    assert where("a IS NOT NULL") == A.IsNull(F("a"), True)
    assert where("a is defined") == A.IsDefined(F("a"), False)
    assert where("a is not defined") == A.IsDefined(F("a"), True)
    assert where("@this instanceof Person") == A.InstanceOf(A.Attribute("this"), "Person")
    assert where("@this instanceof 'Person'") == A.InstanceOf(A.Attribute("this"), "Person")


def test_boolean_precedence():
    a, b, c = (cmp("=", F(x), I(1)) for x in "abc")
    assert where("a = 1 or b = 1 and c = 1") == A.Or((a, A.And((b, c))))
    assert where("(a = 1 or b = 1) and c = 1") == A.And((A.Or((a, b)), c))
    assert where("not a = 1 and b = 1") == A.And((A.Not(a), b))
    assert where("not not a = 1") == A.Not(A.Not(a))
    assert where("a = 1 and b = 1 and c = 1") == A.And((a, b, c))
    assert where("a = 1 or b = 1 or c = 1") == A.Or((a, b, c))
    assert where("not (a = 1 or b = 1)") == A.Not(A.Or((a, b)))


def test_subquery_expression():
    expr = parse_expression("(select count(*) from V)")
    assert isinstance(expr, A.Subquery)
    assert expr.statement.projections == (A.Projection(A.FunctionCall("count", (), True)),)
    assert isinstance(parse_expression("(traverse out() from #1:1)").statement, A.Traverse)


# ---------------------------------------------------------------- keywords as identifiers

@pytest.mark.parametrize("text, expected", [
    ("select in, out from E", (F("in"), F("out"))),
    ("select name, type, value, date, key from X", (F("name"), F("type"), F("value"), F("date"), F("key"))),
    ("select group, order, limit, skip, set from X", (F("group"), F("order"), F("limit"), F("skip"), F("set"))),
    ("select index, cluster, class, vertex, edge from X", (F("index"), F("cluster"), F("class"), F("vertex"), F("edge"))),
    ("select where.x, from.y from X", (F("where", "x"), F("from", "y"))),
    ("select a.in, b.out from X", (F("a", "in"), F("b", "out"))),
    ("select in.name from E", (F("in", "name"),)),
])
def test_keywords_as_projection_fields(text, expected):
    assert tuple(p.expr for p in select(text).projections) == expected


def test_keywords_as_fields_in_conditions():
    assert where("in.size() > 0") == cmp(">", A.MethodCall(F("in"), "size", ()), I(0))
    assert where("out = #1:2 and in = #1:3") == A.And((cmp("=", F("out"), A.RidLiteral(R("#1:2"))),
                                                      cmp("=", F("in"), A.RidLiteral(R("#1:3")))))
    assert where("key = 'k' or value > 2") == A.Or((cmp("=", F("key"), S("k")), cmp(">", F("value"), I(2))))
    assert where("type = 'a'") == cmp("=", F("type"), S("a"))
    assert where("limit > 5") == cmp(">", F("limit"), I(5))
    assert where("not in contains #1:1") == A.Not(cmp("CONTAINS", F("in"), A.RidLiteral(R("#1:1"))))
    assert where("date between 1 and 2") == A.Between(F("date"), I(1), I(2))
    assert select("select from V where limit > 5 limit 5").limit == I(5)


def test_keywords_as_names_elsewhere():
    assert parse("select from V order by date desc").order_by == (A.OrderItem(F("date"), True),)
    assert parse("select a as value from V").projections == (A.Projection(F("a"), "value"),)
    assert parse("select a as order from V").projections == (A.Projection(F("a"), "order"),)
    assert parse("update Order set type = 'a', value = 2 where key = 'k'").clauses == (
        A.SetClause((A.Assignment(("type",), S("a")), A.Assignment(("value",), I(2)))),)
    assert parse("update X set set = 1").clauses == (A.SetClause((A.Assignment(("set",), I(1)),)),)
    assert parse("insert into E set in = #1:2, out = #2:3").assignments == (
        A.Assignment(("in",), A.RidLiteral(R("#1:2"))), A.Assignment(("out",), A.RidLiteral(R("#2:3"))))
    assert parse("create class Order") == A.CreateClass("Order")
    assert parse("create class Select extends V") == A.CreateClass("Select", superclasses=("V",))
    assert parse("create property Order.from STRING") == A.CreateProperty("Order", "from", "STRING")
    assert parse("create property E.in LINK V").linked == "V"
    assert parse("create index Order.date NOTUNIQUE").fields == (A.IndexField("date"),)
    assert parse("create index idx on X (key, value) unique").fields == (A.IndexField("key"), A.IndexField("value"))
    assert parse("alter class X abstract true") == A.AlterClass("X", "ABSTRACT", TRUE, "true")
    assert parse("alter property X.y collate ci").value == S("ci")
    assert parse("select from Metadata").target == A.ClassTarget("Metadata")
    assert parse("select from Index").target == A.ClassTarget("Index")
    assert parse("select from Cluster").target == A.ClassTarget("Cluster")
    assert parse("select set(name), list(x), map(a, b) from V").projections[0].expr == A.FunctionCall("set", (F("name"),))
    assert parse("select count(*) from V where distinct = 1").where == cmp("=", F("distinct"), I(1))
    assert parse("match {class: V, as: in} return in").returns == (A.Projection(F("in")),)
    assert parse("get limit") == A.GetProperty("limit")
    assert parse("set limit 100") == A.SetProperty("limit", "100")


# ---------------------------------------------------------------- console commands

@pytest.mark.parametrize("text, node", [
    ("connect plocal:/tmp/db admin admin", A.Connect("plocal:/tmp/db", "admin", "admin")),
    ("CONNECT remote:localhost:2424/demo root s3cr#t!", A.Connect("remote:localhost:2424/demo", "root", "s3cr#t!")),
    ("connect memory:test admin", A.Connect("memory:test", "admin", None)),
    ("connect 'plocal:/path with space/db' admin 'pass word'", A.Connect("plocal:/path with space/db", "admin", "pass word")),
    ("connect embedded:/data admin admin", A.Connect("embedded:/data", "admin", "admin")),
    ("connect plocal:C:\\temp\\db memory graph", A.Connect("plocal:C:\\temp\\db", "memory", "graph")),
    ("disconnect", A.Disconnect()),
    ("create database memory:demo", A.CreateDatabase("memory:demo")),
    ("create database plocal:/tmp/x admin admin", A.CreateDatabase("plocal:/tmp/x", "admin", "admin")),
    ("create database plocal:/tmp/x admin admin plocal graph",
     A.CreateDatabase("plocal:/tmp/x", "admin", "admin", "plocal", "graph")),
    ("CREATE DATABASE remote:localhost/db root root MEMORY Document",
     A.CreateDatabase("remote:localhost/db", "root", "root", "memory", "document")),
    ("create database memory:x graph", A.CreateDatabase("memory:x", db_type="graph")),
    ("create database \"plocal:/a b\"", A.CreateDatabase("plocal:/a b")),
    ("drop database", A.DropDatabase()),
    ("drop database plocal:/tmp/x", A.DropDatabase("plocal:/tmp/x")),
    ("drop database remote:localhost/db root root", A.DropDatabase("remote:localhost/db", "root", "root")),
    ("list databases", A.ListDatabases()),
    ("info", A.Info()),
    ("info class Person", A.InfoClass("Person")),
    ("classes", A.ListClasses()),
    ("list classes", A.ListClasses()),
    ("clusters", A.ListClusters()),
    ("LIST CLUSTERS", A.ListClusters()),
    ("indexes", A.ListIndexes()),
    ("list indexes", A.ListIndexes()),
    ("browse class Person", A.BrowseClass("Person")),
    ("browse cluster person_1", A.BrowseCluster("person_1")),
    ("display record 3", A.DisplayRecord(3)),
    ("display raw record #1:2", A.DisplayRawRecord(RID(1, 2))),
    ("load record #12:0", A.LoadRecord(RID(12, 0))),
    ("truncate class Person", A.TruncateClass("Person")),
    ("truncate class Person polymorphic unsafe", A.TruncateClass("Person", True, True)),
    ("truncate class Person unsafe", A.TruncateClass("Person", False, True)),
    ("truncate cluster person_1", A.TruncateCluster("person_1")),
    ("truncate record #1:2", A.TruncateRecord((RID(1, 2),))),
    ("truncate record #1:2, #1:3", A.TruncateRecord((RID(1, 2), RID(1, 3)))),
    ("truncate record [#1:2, #1:3]", A.TruncateRecord((RID(1, 2), RID(1, 3)))),
    ("begin", A.Begin()),
    ("commit", A.Commit()),
    ("commit retry 5", A.Commit(5)),
    ("rollback", A.Rollback()),
    ("set ignoreErrors true", A.SetProperty("ignoreErrors", "true")),
    ("set prompt my prompt > ", A.SetProperty("prompt", "my prompt >")),
    ("set limit 100;", A.SetProperty("limit", "100")),
    ("get limit", A.GetProperty("limit")),
    ("properties", A.ShowProperties()),
    ("load script /tmp/x.osql", A.LoadScript("/tmp/x.osql")),
    ("load script 'my script.osql'", A.LoadScript("my script.osql")),
    ("sleep 500", A.Sleep(500)),
    ("echo hello world", A.Echo("hello world")),
    ("echo 'hello; world'", A.Echo("hello; world")),
    ('echo "quoted"', A.Echo("quoted")),
    ("echo it's", A.Echo("it's")),
    ("echo", A.Echo("")),
    ("help", A.Help()),
    ("help create class", A.Help(("create", "class"))),
    ("?", A.Help()),
    ("? select", A.Help(("select",))),
    ("exit", A.Exit()),
    ("QUIT", A.Exit()),
    ("bye", A.Exit()),
])
def test_console_commands(text, node):
    assert parse(text) == node


@pytest.mark.parametrize("path", ["/tmp/x.json.gz", "./a/b.zip", "~/exp", "C:/x", "x.json", "../up/x.gz",
                                  "exp-2024_01.json.gz"])
def test_transfer_paths(path):
    assert parse(f"export database {path}") == A.ExportDatabase(path)
    assert parse(f"import database {path}") == A.ImportDatabase(path)
    assert parse(f"backup database {path}") == A.BackupDatabase(path)
    assert parse(f"restore database {path}") == A.RestoreDatabase(path)


def test_transfer_options():
    stmt = parse('export database /tmp/x.json.gz -excludeAll -includeClass="Person City" '
                 "-compressionLevel=9 -x='a b' -empty= -dotted.name=1")
    assert stmt == A.ExportDatabase("/tmp/x.json.gz", (
        ("excludeAll", None), ("includeClass", "Person City"), ("compressionLevel", "9"),
        ("x", "a b"), ("empty", ""), ("dotted.name", "1")))
    assert parse("import database 'my file.json' -merge=true -unknownOption").options == (
        ("merge", "true"), ("unknownOption", None))
    assert parse("check database") == A.CheckDatabase()
    assert parse("check database -fixLinks -v=2") == A.CheckDatabase((("fixLinks", None), ("v", "2")))
    assert parse("repair database -fix-links") == A.RepairDatabase((("fix-links", None),))
    assert parse("backup database /tmp/b.zip -compressionLevel=1 -bufferSize=16384").options == (
        ("compressionLevel", "1"), ("bufferSize", "16384"))


# ---------------------------------------------------------------- schema statements

def test_create_class():
    assert parse("create class Person") == A.CreateClass("Person")
    assert parse("create class Person extends V") == A.CreateClass("Person", superclasses=("V",))
    assert parse("CREATE CLASS Person IF NOT EXISTS EXTENDS V, Named CLUSTER 12, 13 CLUSTERS 4 ABSTRACT") == \
        A.CreateClass("Person", True, ("V", "Named"), (12, 13), 4, True)
    assert parse("create class `My Class` abstract") == A.CreateClass("My Class", abstract=True)
    assert parse("create class P clusters 2") == A.CreateClass("P", clusters=2)


@pytest.mark.parametrize("text, attribute, value, raw, key", [
    ("alter class P name Q", "NAME", S("Q"), "Q", None),
    ("alter class P shortname pp", "SHORTNAME", S("pp"), "pp", None),
    ("alter class P superclass V", "SUPERCLASS", S("V"), "V", None),
    ("alter class P superclass +V", "SUPERCLASS", S("+V"), "+V", None),
    ("alter class P superclass -V", "SUPERCLASS", S("-V"), "-V", None),
    ("alter class P superclasses A, B", "SUPERCLASSES", A.ListLiteral((S("A"), S("B"))), "A, B", None),
    ("alter class P strictmode true", "STRICTMODE", TRUE, "true", None),
    ("alter class P abstract false", "ABSTRACT", FALSE, "false", None),
    ("alter class P clusterselection round-robin", "CLUSTERSELECTION", S("round-robin"), "round-robin", None),
    ("alter class P addcluster p_2", "ADDCLUSTER", S("p_2"), "p_2", None),
    ("alter class P removecluster p_2", "REMOVECLUSTER", S("p_2"), "p_2", None),
    ("alter class P oversize 1.5", "OVERSIZE", A.Literal(1.5, OType.DOUBLE), "1.5", None),
    ("alter class P description 'a person'", "DESCRIPTION", S("a person"), "'a person'", None),
    ("alter class P custom owner=ann", "CUSTOM", S("ann"), "owner=ann", "owner"),
    ("alter class P custom owner = 'Ann B'", "CUSTOM", S("Ann B"), "owner = 'Ann B'", "owner"),
    ("alter class P superclass null", "SUPERCLASS", NULL, "null", None),
])
def test_alter_class(text, attribute, value, raw, key):
    assert parse(text) == A.AlterClass("P", attribute, value, raw, key)


def test_drop_class():
    assert parse("drop class Person") == A.DropClass("Person")
    assert parse("drop class Person if exists unsafe") == A.DropClass("Person", True, True)
    assert parse("DROP CLASS Person UNSAFE") == A.DropClass("Person", False, True)


def test_create_property():
    assert parse("create property Person.name STRING") == A.CreateProperty("Person", "name", "STRING")
    assert parse("create property Person.friends LINKSET Person") == \
        A.CreateProperty("Person", "friends", "LINKSET", "Person")
    assert parse("create property Person.tags embeddedlist string").linked == "string"
    assert parse("create property `My Class`.`my prop` if not exists integer") == \
        A.CreateProperty("My Class", "my prop", "integer", if_not_exists=True)
    stmt = parse("CREATE PROPERTY Person.name STRING (MANDATORY TRUE, NOTNULL true, READONLY, MIN 1, "
                 "MAX 10, REGEXP \"[A-Z][a-z]+\", DEFAULT 'x', COLLATE ci) UNSAFE")
    assert stmt.constraints == (
        ("MANDATORY", TRUE), ("NOTNULL", TRUE), ("READONLY", TRUE), ("MIN", I(1)), ("MAX", I(10)),
        ("REGEXP", S("[A-Z][a-z]+")), ("DEFAULT", S("x")), ("COLLATE", S("ci")))
    assert stmt.unsafe
    assert parse("create property P.d DATETIME (default sysdate())").constraints == (
        ("DEFAULT", A.FunctionCall("sysdate", ())),)
    assert parse("create property P.n INTEGER (min -5)").constraints == (("MIN", I(-5)),)
    assert parse("create property P.x LINK Person (mandatory)").constraints == (("MANDATORY", TRUE),)


@pytest.mark.parametrize("attribute, text_value, value", [
    ("MANDATORY", "true", TRUE), ("NOTNULL", "false", FALSE), ("READONLY", "true", TRUE),
    ("MIN", "3", I(3)), ("MAX", "'z'", S("z")), ("REGEXP", "'[a-z]+'", S("[a-z]+")),
    ("DEFAULT", "sysdate()", A.FunctionCall("sysdate", ())), ("COLLATE", "ci", S("ci")),
    ("NAME", "fullName", S("fullName")), ("TYPE", "LONG", S("LONG")), ("LINKEDCLASS", "Person", S("Person")),
    ("LINKEDTYPE", "STRING", S("STRING")), ("DEFAULT", "null", NULL),
])
def test_alter_property(attribute, text_value, value):
    stmt = parse(f"alter property Person.name {attribute} {text_value}")
    assert stmt == A.AlterProperty("Person", "name", attribute, value, text_value)


def test_alter_property_custom_and_drop_property():
    assert parse("alter property P.x custom k=v") == A.AlterProperty("P", "x", "CUSTOM", S("v"), "k=v", "k")
    assert parse("drop property Person.name") == A.DropProperty("Person", "name")
    assert parse("drop property Person.name if exists force") == A.DropProperty("Person", "name", True, True)
    assert parse("DROP PROPERTY Person.name FORCE") == A.DropProperty("Person", "name", False, True)


@pytest.mark.parametrize("index_type", ["UNIQUE", "NOTUNIQUE", "FULLTEXT", "DICTIONARY", "UNIQUE_HASH_INDEX",
                                        "NOTUNIQUE_HASH_INDEX", "FULLTEXT_HASH_INDEX", "DICTIONARY_HASH_INDEX",
                                        "SPATIAL", "unique"])
def test_create_index_types(index_type):
    assert parse(f"create index Person.name {index_type}") == A.CreateIndex(
        "Person.name", index_type, "Person", (A.IndexField("name"),))


def test_create_index_forms():
    assert parse("create index Person.name UNIQUE STRING") == A.CreateIndex(
        "Person.name", "UNIQUE", "Person", (A.IndexField("name"),), ("STRING",))
    assert parse("create index idx on Person (a, b) NOTUNIQUE") == A.CreateIndex(
        "idx", "NOTUNIQUE", "Person", (A.IndexField("a"), A.IndexField("b")))
    stmt = parse('CREATE INDEX idx ON Person (tags BY VALUE COLLATE ci, m by key) UNIQUE STRING, INTEGER '
                 'ENGINE LUCENE METADATA {"analyzer": "standard", "n": 2}')
    assert stmt == A.CreateIndex(
        "idx", "UNIQUE", "Person", (A.IndexField("tags", "VALUE", "ci"), A.IndexField("m", "KEY")),
        ("STRING", "INTEGER"), "LUCENE",
        A.MapLiteral((("analyzer", S("standard")), ("n", I(2)))))
    assert parse("create index manual UNIQUE DATE") == A.CreateIndex("manual", "UNIQUE", None, (), ("DATE",))
    assert parse("create index Person.name on Person (name) unique").name == "Person.name"
    assert parse("create index `my idx` on `A B` (`c d`) fulltext engine lucene").fields == (A.IndexField("c d"),)


def test_drop_and_rebuild_index():
    assert parse("drop index Person.name") == A.DropIndex("Person.name")
    assert parse("drop index idx if exists") == A.DropIndex("idx", True)
    assert parse("rebuild index idx") == A.RebuildIndex("idx")
    assert parse("rebuild index Person.name") == A.RebuildIndex("Person.name")
    assert parse("rebuild index *") == A.RebuildIndex("*")


def test_clusters_and_database_alteration():
    assert parse("create cluster extra") == A.CreateCluster("extra")
    assert parse("create cluster extra id 30") == A.CreateCluster("extra", 30)
    assert parse("create blob cluster photos") == A.CreateCluster("photos", blob=True)
    assert parse("drop cluster extra") == A.DropCluster("extra")
    assert parse("drop cluster 30") == A.DropCluster(30)
    assert parse("alter cluster extra name other") == A.AlterCluster("extra", "NAME", S("other"), "other")
    assert parse("alter cluster 30 status offline") == A.AlterCluster(30, "STATUS", S("offline"), "offline")
    assert parse("alter database timezone 'GMT'") == A.AlterDatabase("TIMEZONE", S("GMT"), "'GMT'")
    assert parse("alter database custom useLightweightEdges=true") == A.AlterDatabase(
        "CUSTOM", TRUE, "useLightweightEdges=true", "useLightweightEdges")
    assert parse("alter database datetimeformat 'yyyy-MM-dd HH:mm:ss'").value == S("yyyy-MM-dd HH:mm:ss")


# ---------------------------------------------------------------- SELECT

def test_select_minimal_and_star():
    assert parse("select from V") == A.Select(target=A.ClassTarget("V"))
    assert parse("select * from V") == A.Select((A.Projection(A.Star()),), A.ClassTarget("V"))
    assert parse("select *, @rid as id from V").projections == (
        A.Projection(A.Star()), A.Projection(A.Attribute("rid"), "id"))


def test_select_without_from():
    assert parse("select sysdate(), 1 + 1") == A.Select((
        A.Projection(A.FunctionCall("sysdate", ())), A.Projection(A.Arithmetic("+", I(1), I(1)))))
    assert parse("select 'x' as a").projections == (A.Projection(S("x"), "a"),)


def test_select_all_clauses():
    stmt = parse("SELECT DISTINCT name AS n, count(*) AS c FROM Person LET $a = (select from E), $b = 1 "
                 "WHERE age > 30 GROUP BY name, city ORDER BY c DESC, n ASC, x UNWIND tags, a.b "
                 "SKIP 5 LIMIT 10 TIMEOUT 1000")
    assert stmt.distinct
    assert stmt.projections == (A.Projection(F("name"), "n"),
                                A.Projection(A.FunctionCall("count", (), True), "c"))
    assert stmt.target == A.ClassTarget("Person")
    assert [item.name for item in stmt.let] == ["a", "b"]
    assert isinstance(stmt.let[0].value, A.Subquery)
    assert stmt.let[1].value == I(1)
    assert stmt.where == cmp(">", F("age"), I(30))
    assert stmt.group_by == (F("name"), F("city"))
    assert stmt.order_by == (A.OrderItem(F("c"), True), A.OrderItem(F("n"), False), A.OrderItem(F("x"), False))
    assert stmt.unwind == ("tags", "a.b")
    assert (stmt.skip, stmt.limit, stmt.timeout) == (I(5), I(10), I(1000))


def test_select_paging_variants():
    assert (select("select from V limit 5 skip 2").skip, select("select from V limit 5 skip 2").limit) == (I(2), I(5))
    assert select("select from V limit -1").limit == I(-1)
    assert select("select from V skip ? limit :n").skip == A.Param(None, 0)
    assert select("select from V skip ? limit :n").limit == A.Param("n", None)
    assert select("select from V let a = 1").let == (A.LetItem("a", I(1)),)


def test_select_distinct_function_and_keyword():
    assert parse("select distinct(name) from V") == A.Select(
        (A.Projection(F("name")),), A.ClassTarget("V"), distinct=True)
    assert parse("select count(*), distinct(name) from V").projections[1].expr == A.FunctionCall("distinct", (F("name"),))


@pytest.mark.parametrize("text, target", [
    ("select from Person", A.ClassTarget("Person")),
    ("select from `My Class`", A.ClassTarget("My Class")),
    ("select from cluster:person", A.ClusterTarget(("person",))),
    ("select from CLUSTER:12", A.ClusterTarget((12,))),
    ("select from cluster:[person, 13]", A.ClusterTarget(("person", 13))),
    ("select from #1:2", A.RidTarget((RID(1, 2),))),
    ("select from [#1:2, #1:3]", A.RidTarget((RID(1, 2), RID(1, 3)))),
    ("select from index:Person.name", A.IndexTarget("Person.name")),
    ("select from INDEX:idx", A.IndexTarget("idx")),
    ("select from metadata:schema", A.MetadataTarget("SCHEMA")),
    ("select from $a", A.VariableTarget("a")),
    ("select from ?", A.ParamTarget(A.Param(None, 0))),
    ("select from :target", A.ParamTarget(A.Param("target", None))),
])
def test_select_targets(text, target):
    assert select(text).target == target


def test_select_subquery_target():
    stmt = select("select name from (select from Person where age > 1) where name like 'A%'")
    assert isinstance(stmt.target, A.SubqueryTarget)
    assert stmt.target.statement.where == cmp(">", F("age"), I(1))
    assert stmt.where == cmp("LIKE", F("name"), S("A%"))
    assert isinstance(select("select from (traverse out() from #1:1)").target.statement, A.Traverse)


def test_select_graph_projections():
    stmt = select("select expand(out('Knows')) from Person where name = 'Ann'")
    assert stmt.projections == (A.Projection(A.FunctionCall("expand", (A.FunctionCall("out", (S("Knows"),)),))),)
    stmt = select("select out('Knows').size() as n, both().name from V")
    assert stmt.projections[0] == A.Projection(A.MethodCall(A.FunctionCall("out", (S("Knows"),)), "size", ()), "n")
    assert stmt.projections[1] == A.Projection(A.FieldAccess(A.FunctionCall("both", ()), ("name",)))


# ---------------------------------------------------------------- INSERT / UPDATE / DELETE

def test_insert_set():
    assert parse("insert into Person set name = 'Ann', age = 31") == A.Insert(
        A.ClassTarget("Person"), assignments=(A.Assignment(("name",), S("Ann")), A.Assignment(("age",), I(31))))
    assert parse("insert into Person set address.city = 'Rome'").assignments == (
        A.Assignment(("address", "city"), S("Rome")),)


def test_insert_values():
    stmt = parse("INSERT INTO Person (name, age) VALUES ('Ann', 31), ('Bob', 40)")
    assert stmt.columns == ("name", "age")
    assert stmt.rows == ((S("Ann"), I(31)), (S("Bob"), I(40)))


def test_insert_content():
    stmt = parse('insert into Person content {"name": "Ann", "tags": ["a", 1, 2.5, #1:2, null, true, '
                 '{"nested": {"deep": [?, :p]}}], "big": 5000000000, "price": 1.99c}')
    assert stmt.content == A.MapLiteral((
        ("name", S("Ann")),
        ("tags", A.ListLiteral((S("a"), I(1), A.Literal(2.5, OType.DOUBLE), A.RidLiteral(RID(1, 2)), NULL, TRUE,
                                A.MapLiteral((("nested", A.MapLiteral((
                                    ("deep", A.ListLiteral((A.Param(None, 0), A.Param("p", None)))),))),)),))),
        ("big", L(5000000000)),
        ("price", A.Literal(Decimal("1.99"), OType.DECIMAL)),
    ))
    assert parse("insert into V content [{}, {\"a\": 1}]").content == A.ListLiteral(
        (A.MapLiteral(()), A.MapLiteral((("a", I(1)),))))
    assert parse("insert into V content ?").content == A.Param(None, 0)


def test_insert_targets_cluster_return_and_query():
    assert parse("insert into cluster:person_1 set a = 1").target == A.ClusterTarget(("person_1",))
    assert parse("insert into class:Person set a = 1").target == A.ClassTarget("Person")
    stmt = parse("insert into Person cluster person_2 set a = 1 return @rid")
    assert (stmt.cluster, stmt.returning) == ("person_2", A.Attribute("rid"))
    assert parse("insert into Person content {} return @this").returning == A.Attribute("this")
    for text in ("insert into X from (select from Y)", "insert into X from select from Y",
                 "insert into X select from Y", "insert into X (select from Y)"):
        assert parse(text).query == A.Select(target=A.ClassTarget("Y")), text
    assert parse("insert into V") == A.Insert(A.ClassTarget("V"))


def test_update_operations():
    stmt = parse("UPDATE Person SET name = 'x', a.b = 2 INCREMENT c = 1, d = -2 ADD tags = 'x' "
                 "REMOVE e, tags = 'y' PUT m = 'k', 'v', n = 'k2', 2")
    assert stmt.target == A.ClassTarget("Person")
    assert stmt.clauses == (
        A.SetClause((A.Assignment(("name",), S("x")), A.Assignment(("a", "b"), I(2)))),
        A.IncrementClause((A.Assignment(("c",), I(1)), A.Assignment(("d",), I(-2)))),
        A.AddClause((A.Assignment(("tags",), S("x")),)),
        A.RemoveClause((A.Assignment(("e",), None), A.Assignment(("tags",), S("y")))),
        A.PutClause((A.PutItem(("m",), S("k"), S("v")), A.PutItem(("n",), S("k2"), I(2)))),
    )


def test_update_merge_content_and_tail():
    assert parse('update #1:2 merge {"a": 1}') == A.Update(
        A.RidTarget((RID(1, 2),)), (A.MergeClause(A.MapLiteral((("a", I(1)),))),))
    assert parse("update Person content {}").clauses == (A.ContentClause(A.MapLiteral(())),)
    stmt = parse("update Person set a = 1 upsert return after @rid where name = 'x' limit 5 timeout 100")
    assert stmt.upsert and stmt.return_mode == "AFTER" and stmt.returns == (A.Projection(A.Attribute("rid")),)
    assert stmt.where == cmp("=", F("name"), S("x"))
    assert (stmt.limit, stmt.timeout) == (I(5), I(100))
    stmt = parse("update Person set a = 1 return before")
    assert (stmt.return_mode, stmt.returns) == ("BEFORE", ())
    assert parse("update Person set a = 1 return count").return_mode == "COUNT"
    assert parse("update Person set a = 1 return after $current.name").returns == (
        A.Projection(A.FieldAccess(A.Variable("current"), ("name",))),)
    assert parse("update Person set a = 1 return after @rid, a as n").returns == (
        A.Projection(A.Attribute("rid")), A.Projection(F("a"), "n"))


@pytest.mark.parametrize("text, target", [
    ("update cluster:p set a = 1", A.ClusterTarget(("p",))),
    ("update [#1:2, #1:3] set a = 1", A.RidTarget((RID(1, 2), RID(1, 3)))),
    ("update ? set a = 1", A.ParamTarget(A.Param(None, 0))),
])
def test_update_targets(text, target):
    assert parse(text).target == target


def test_update_subquery_target():
    assert isinstance(parse("update (select from V where a = 1) set b = 2").target, A.SubqueryTarget)


def test_delete():
    assert parse("delete from Person") == A.Delete(A.ClassTarget("Person"))
    assert parse("DELETE FROM Person RETURN BEFORE WHERE a = 1 LIMIT 10 UNSAFE") == A.Delete(
        A.ClassTarget("Person"), True, cmp("=", F("a"), I(1)), I(10), True)
    assert parse("delete from #1:2").target == A.RidTarget((RID(1, 2),))
    assert parse("delete from cluster:c where @rid = ?").where == cmp("=", A.Attribute("rid"), A.Param(None, 0))


# ---------------------------------------------------------------- graph statements

def test_create_vertex():
    assert parse("create vertex") == A.CreateVertex()
    assert parse("create vertex Person") == A.CreateVertex("Person")
    assert parse("create vertex Person cluster person_2 set name = 'Ann'") == A.CreateVertex(
        "Person", "person_2", (A.Assignment(("name",), S("Ann")),))
    assert parse('create vertex V content {"a": 1}') == A.CreateVertex("V", content=A.MapLiteral((("a", I(1)),)))
    assert parse("create vertex set a = 1") == A.CreateVertex(assignments=(A.Assignment(("a",), I(1)),))


def test_create_edge():
    assert parse("create edge Knows from #1:1 to #1:2") == A.CreateEdge(
        A.RidTarget((RID(1, 1),)), A.RidTarget((RID(1, 2),)), "Knows")
    stmt = parse("CREATE EDGE Knows CLUSTER knows_2 FROM #1:1 TO [#1:2, #1:3] SET since = 2020 RETRY 3 WAIT 10 BATCH 100")
    assert stmt == A.CreateEdge(A.RidTarget((RID(1, 1),)), A.RidTarget((RID(1, 2), RID(1, 3))), "Knows",
                                "knows_2", (A.Assignment(("since",), I(2020)),), retry=3, retry_wait=10, batch=100)
    stmt = parse("create edge from (select from A where x = 1) to (select from B) content {\"w\": 1}")
    assert stmt.class_name is None
    assert isinstance(stmt.from_, A.SubqueryTarget) and isinstance(stmt.to, A.SubqueryTarget)
    assert stmt.content == A.MapLiteral((("w", I(1)),))
    assert parse("create edge E from ? to :b") == A.CreateEdge(
        A.ParamTarget(A.Param(None, 0)), A.ParamTarget(A.Param("b", None)), "E")
    assert parse("create edge E from $a to $b").to == A.VariableTarget("b")


def test_delete_vertex():
    assert parse("delete vertex") == A.DeleteVertex()
    assert parse("delete vertex Person where a = 1 limit 3") == A.DeleteVertex(
        A.ClassTarget("Person"), cmp("=", F("a"), I(1)), I(3))
    assert parse("delete vertex #1:2") == A.DeleteVertex(A.RidTarget((RID(1, 2),)))
    assert parse("delete vertex [#1:2, #1:3]") == A.DeleteVertex(A.RidTarget((RID(1, 2), RID(1, 3))))
    assert isinstance(parse("delete vertex from (select from V)").target, A.SubqueryTarget)
    assert parse("delete vertex where a = 1").where == cmp("=", F("a"), I(1))


def test_delete_edge():
    assert parse("delete edge #1:2") == A.DeleteEdge(rids=(RID(1, 2),))
    assert parse("delete edge [#1:2, #1:3]") == A.DeleteEdge(rids=(RID(1, 2), RID(1, 3)))
    assert parse("delete edge Knows") == A.DeleteEdge("Knows")
    assert parse("DELETE EDGE Knows FROM #1:1 TO #1:2 WHERE since > 2000 LIMIT 2") == A.DeleteEdge(
        "Knows", (), A.RidTarget((RID(1, 1),)), A.RidTarget((RID(1, 2),)), cmp(">", F("since"), I(2000)), I(2))
    assert parse("delete edge from #1:1").from_ == A.RidTarget((RID(1, 1),))
    assert parse("delete edge to (select from V)").to.statement == A.Select(target=A.ClassTarget("V"))
    assert parse("delete edge Knows #1:5").rids == (RID(1, 5),)
    assert parse("delete edge where in = #1:1").where == cmp("=", F("in"), A.RidLiteral(RID(1, 1)))


def test_traverse():
    stmt = parse("TRAVERSE out(), in('Knows'), *, friends FROM #1:1 MAXDEPTH 3 WHILE $depth < 3 "
                 "LIMIT 10 STRATEGY BREADTH_FIRST")
    assert stmt == A.Traverse(
        A.RidTarget((RID(1, 1),)),
        (A.FunctionCall("out", ()), A.FunctionCall("in", (S("Knows"),)), A.Star(), F("friends")),
        3, cmp("<", A.Variable("depth"), I(3)), I(10), "BREADTH_FIRST")
    assert parse("traverse * from Person").projections == (A.Star(),)
    assert parse("traverse from V strategy depth_first") == A.Traverse(A.ClassTarget("V"), strategy="DEPTH_FIRST")
    assert isinstance(parse("traverse out() from (select from V)").target, A.SubqueryTarget)


def test_match_arrows():
    stmt = parse("MATCH {class: Person, as: p, where: (name = 'Ann')}-Knows->{as: f}<-Knows-{as: g}"
                 "-Knows-{as: h}-->{as: i}<--{as: j}--{as: k} RETURN p, f")
    assert stmt.patterns[0].start == A.MatchFilter("Person", "p", cmp("=", F("name"), S("Ann")))
    steps = stmt.patterns[0].steps
    assert [(s.method, s.args, s.node.alias, s.arrow) for s in steps] == [
        ("out", (S("Knows"),), "f", True), ("in", (S("Knows"),), "g", True), ("both", (S("Knows"),), "h", True),
        ("out", (), "i", True), ("in", (), "j", True), ("both", (), "k", True)]
    assert stmt.returns == (A.Projection(F("p")), A.Projection(F("f")))


def test_match_not_patterns():
    stmt = parse("MATCH {class: P, as: a}-K->{as: b}, NOT {as: a}-K->{as: c}, {as: b}-K->{as: d} RETURN a")
    assert [p.start.alias for p in stmt.patterns] == ["a", "b"]
    assert [p.start.alias for p in stmt.not_patterns] == ["a"]
    assert stmt.not_patterns[0].steps[0].node.alias == "c"
    with pytest.raises(ParseError):
        parse("MATCH NOT {as: a}-K->{} RETURN a")


def test_match_methods_and_filters():
    stmt = parse("match {class: Person, as: p}.out('Knows'){as: f, where: (age > 18), maxDepth: 3, optional: true, "
                 "while: ($depth < 3), depthAlias: d, pathAlias: pa}.outE(){}.inV(){as: v}.both() , "
                 "{rid: #1:2, as: r} return distinct p.name as pname, f, $matches, $paths, $elements "
                 "group by p order by pname desc skip 1 limit 5")
    first, second = stmt.patterns
    out = first.steps[0]
    assert (out.method, out.args, out.arrow) == ("out", (S("Knows"),), False)
    assert out.node == A.MatchFilter(None, "f", cmp(">", F("age"), I(18)), cmp("<", A.Variable("depth"), I(3)),
                                     3, True, None, "d", "pa")
    assert [s.method for s in first.steps] == ["out", "oute", "inv", "both"]
    assert first.steps[3].node == A.MatchFilter()
    assert second == A.MatchPattern(A.MatchFilter(alias="r", rid=RID(1, 2)))
    assert stmt.distinct
    assert stmt.returns == (A.Projection(F("p", "name"), "pname"), A.Projection(F("f")),
                            A.Projection(A.Variable("matches")), A.Projection(A.Variable("paths")),
                            A.Projection(A.Variable("elements")))
    assert stmt.group_by == (F("p"),)
    assert stmt.order_by == (A.OrderItem(F("pname"), True),)
    assert (stmt.skip, stmt.limit) == (I(1), I(5))


def test_match_keys_are_case_insensitive():
    assert parse("match {CLASS: V, AS: v, MAXDEPTH: 1} return v").patterns[0].start == A.MatchFilter("V", "v", max_depth=1)


# ---------------------------------------------------------------- EXPLAIN / PROFILE / transactions

def test_explain_and_profile():
    assert parse("explain select from V") == A.Explain(A.Select(target=A.ClassTarget("V")))
    assert parse("PROFILE select from V where a = 1").statement.where == cmp("=", F("a"), I(1))
    assert parse("explain update V set a = 1") == A.Explain(A.Update(A.ClassTarget("V"), (
        A.SetClause((A.Assignment(("a",), I(1)),)),)))
    assert parse("explain match {as: a} return a").statement.returns == (A.Projection(F("a")),)


# ---------------------------------------------------------------- nodes

def test_nodes_are_frozen_and_hashable():
    stmt = parse("select a, b from V where c in [1, 2] and d = {\"x\": [1]}")
    assert hash(stmt) == hash(parse("select a, b from V where c in [1, 2] and d = {\"x\": [1]}"))
    with pytest.raises(AttributeError):
        stmt.where = None  # type: ignore[misc]
    assert not hasattr(stmt, "__dict__")
    assert {stmt: 1}[parse("select a, b from V where c in [1, 2] and d = {\"x\": [1]}")] == 1


def test_literal_types_differ_in_equality():
    assert parse_expression("1") != parse_expression("1L")
    assert parse_expression("1") != parse_expression("true")
    assert parse_expression("1.5") != parse_expression("1.5f")


def test_parse_expression_rejects_statements():
    with pytest.raises(ParseError):
        parse_expression("select from V")
    with pytest.raises(ParseError):
        parse_expression("a = 1;")


def test_sequence_statements():
    assert parse("CREATE SEQUENCE s IF NOT EXISTS TYPE ordered START -5 INCREMENT 2 CACHE 10") == A.CreateSequence(
        "s", True, "ORDERED", I(-5), I(2), I(10))
    assert parse("create sequence s") == A.CreateSequence("s")
    assert parse("alter sequence s start 1") == A.AlterSequence("s", start=I(1))
    assert parse("drop sequence s if exists") == A.DropSequence("s", True)
    assert parse("select from Sequence") == A.Select(target=A.ClassTarget("Sequence"))
    with pytest.raises(ParseError, match="ORDERED or CACHED"):
        parse("create sequence s type lazy")
    with pytest.raises(ParseError, match="cannot change the TYPE"):
        parse("alter sequence s type ordered")
