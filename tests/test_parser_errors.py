"""Bad input gives a ParseError with a position, the offending token and a
one-line message listing what was expected; nothing else escapes."""

from __future__ import annotations

import pytest

from console.errors import OrientError
from console.parser import MAX_EXPECTED_SHOWN, ParseError, parse, parse_expression, warm_up


def error(text: str) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse(text)
    err = info.value
    message = str(err)
    assert "\n" not in message and "Traceback" not in message
    assert message.startswith(f"syntax error at line {err.line}, column {err.column}: ")
    assert err.expected == sorted(err.expected)
    return err


def test_misspelled_keyword():
    err = error("select name FORM V")
    assert (err.line, err.column, err.token) == (1, 13, "FORM")
    assert str(err).startswith("syntax error at line 1, column 13: unexpected 'FORM'; expected one of: FROM, ")
    for item in ("FROM", "WHERE", "LET", "','", "AS", "end of input"):
        assert item in err.expected


def test_expected_list_is_readable_and_bounded():
    err = error("select name FORM V")
    listed = str(err).split("expected one of: ", 1)[1]
    assert listed.endswith(", ...")
    assert len(listed.split(", ")) == MAX_EXPECTED_SHOWN + 1
    assert not any(name.startswith("__ANON") or name in ("NAME", "LPAR", "$END") for name in err.expected)
    assert "identifier" in error("select from").expected


def test_single_expected_item():
    err = error("select count(*) from V group name")
    assert str(err).endswith("unexpected 'name'; expected BY")
    assert err.expected == ["BY"]


def test_end_of_input():
    err = error("select from V where")
    assert (err.line, err.column, err.token) == (1, 20, "")
    assert "unexpected end of input; expected one of: identifier, string, number" in str(err)
    err = error("select a\nfrom V\nwhere x =\n")
    assert (err.line, err.column) == (4, 1)
    err = error("create class")
    assert str(err) == "syntax error at line 1, column 13: unexpected end of input; expected identifier"


def test_empty_and_blank_input():
    for text in ("", "   ", "\n\n", ";", "-- just a comment"):
        err = error(text)
        assert "SELECT" in err.expected and "CONNECT" in err.expected


def test_position_on_later_lines():
    err = error("select a\nfrom V\nwhere x = \n\n  )")
    assert (err.line, err.column, err.token) == (5, 3, ")")


def test_unexpected_character():
    err = error("select from V where a = §")
    assert (err.line, err.column, err.token) == (1, 25, "§")
    assert "unexpected '§'" in str(err)
    assert "string" in err.expected and "number" in err.expected


def test_unterminated_strings():
    err = error("select from V where a = 'abc")
    assert (err.column, err.token) == (25, "'abc")
    assert str(err) == "syntax error at line 1, column 25: unterminated string \"'abc\""
    assert "unterminated string" in str(error('select "x\nfrom V'))
    assert "unterminated quoted name" in str(error("select `abc from V"))
    assert "unterminated string" in str(error('connect plocal:/x "admin'))


def test_only_one_statement():
    err = error("select from V; select from E")
    assert (err.column, err.token) == (16, "select")
    assert err.expected == ["end of input"]
    error("select from V select from E")


def test_errors_in_console_commands():
    err = error("sleep abc")
    assert (err.token, err.expected) == ("abc", ["number"])
    assert error("connect").expected == ["string", "word"]
    assert error("export database").expected == ["string", "word"]
    assert "record id" in error("truncate record #1:2, x").expected
    assert error("display raw record 3").expected == ["record id"]
    err = error("drop clust x")
    assert err.token == "clust"
    assert str(err).split("expected one of: ")[1].startswith("CLUSTER")


@pytest.mark.parametrize("text, column, fragment", [
    ("select from V where a = @foo", 25, "unknown record attribute '@foo'"),
    ("match {klass: V} return a", 8, "unknown MATCH filter key 'klass'"),
    ("match {as: 1} return a", 8, "MATCH key 'as' needs a name"),
    ("match {maxDepth: 'x'} return a", 8, "maxDepth"),
    ("match {optional: 1} return a", 8, "optional"),
    ("match {rid: 1} return a", 8, "rid"),
    ("match {as: a, AS: b} return a", 15, "given twice"),
    ("select 1.5L", 8, "LONG literal must be an integer"),
    ("select 99999999999999999999", 8, "out of range"),
    ("select 1e999", 8, "out of range"),
    ("select 1e39f", 8, "out of range"),
    ("select " + "9" * 5000, 8, "too long"),
    ("sleep 1.5", 7, "must be a whole number"),
    ("display record 2L", 16, "must be a whole number"),
    ("select from V limit 1.5", 21, "must be a whole number"),
    ("match {as: a}.out(*) return a", 15, "'*' is not an argument"),
    ("select a.b(*) from V", 10, "'*' is not an argument"),
])
def test_meaningless_but_well_formed(text, column, fragment):
    err = error(text)
    assert err.column == column
    assert fragment in str(err)
    assert err.expected == []


def test_values_row_length():
    err = error("insert into X (a, b) values (1, 2), (1)")
    assert "a VALUES row has 1 value(s) for 2 column(s)" in str(err)


def test_token_is_shortened_and_escaped_in_the_message():
    err = error("select from V where a = 1 'a very long string that goes on\nand on and on and on'")
    assert err.token.startswith("'a very long")
    assert "\n" not in str(err)
    assert "..." in str(err)


def test_parse_error_is_an_orient_error():
    err = error("selec from V")
    assert isinstance(err, OrientError)
    assert err.message == str(err)
    assert err.token == "selec"
    assert "SELECT" in str(err).split("expected one of: ")[1].split(",")[0]


def test_deep_nesting_is_a_parse_error():
    for depth in (200, 5000):
        text = "select from V where " + "(" * depth + "a = 1" + ")" * depth
        try:
            parse(text)
        except ParseError as err:
            assert "nested too deeply" in str(err)
    with pytest.raises(ParseError):
        parse("select from V where " + "(" * 5000)
    with pytest.raises(ParseError):
        parse("select " + "[" * 5000 + "]" * 5000)


def test_too_deep_trees_are_refused():
    assert parse("select " + " + ".join(["1"] * 150))
    for text in ("select " + " + ".join(["1"] * 250), "select " + "[" * 250 + "]" * 250,
                 "select " + "-" * 300 + "a", "select from V where " + "not " * 300 + "a = 1"):
        err = error(text)
        assert "nested too deeply" in str(err)


def test_non_text_input():
    for value in (None, 42, b"select from V"):
        with pytest.raises(ParseError):
            parse(value)  # type: ignore[arg-type]


def test_parse_expression_errors():
    with pytest.raises(ParseError) as info:
        parse_expression("a = ")
    assert info.value.column == 5
    with pytest.raises(ParseError):
        parse_expression("")
    with pytest.raises(ParseError):
        parse_expression("a = 1 b")


@pytest.mark.parametrize("text", [
    "select from", "select * from V where", "insert into", "insert into X set", "insert into X set a",
    "insert into X (a) values", "update X", "update X set a =", "delete from", "delete vertex from",
    "create edge E from #1:1", "create edge E to #1:1", "traverse out() from", "match {as: a}",
    "match {as: a} return", "match {as: a}-E- return a", "match {as: a}-E->", "create property X.y",
    "create property X STRING", "create index", "create index X.y", "alter class X name",
    "alter property X.y", "drop property X", "create database", "connect plocal:/x",
    "export database /x -", "echo;x", "select from V where a between 1", "select from V where a is",
    "select from V where a instanceof", "select from V order", "select from V limit", "select from V skip x",
    "select (select from V", "select [1, 2", "select {\"a\": }", "select from V where a.(x)",
    "select from cluster:", "select from index:", "select from [#1:1,]", "select from #1",
    "select from V where a = #1", "set x", "get", "truncate class", "display record", "load record x",
    "select from V let a", "select from V let $a =", "commit retry", "create class X extends",
    "select from V where a not b", "select a as from V", "select a b from V",
])
def test_incomplete_statements(text):
    err = error(text)
    assert err.expected or "unterminated" in str(err)


def test_warm_up_is_harmless():
    warm_up()
    assert parse("info") is not None
