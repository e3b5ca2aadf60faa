"""Splitting scripts into statements (console.script)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.script import Statement, is_complete, scan_state, split_statements


def texts(script: str) -> list[str]:
    return [s.text for s in split_statements(script)]


def spans(script: str) -> list[tuple[str, int, int]]:
    return [(s.text, s.line, s.end_line) for s in split_statements(script)]


# --- separators -------------------------------------------------------------------

def test_semicolons_and_newlines_separate():
    assert spans("select 1; select 2\nselect 3;") == [
        ("select 1", 1, 1), ("select 2", 1, 1), ("select 3", 2, 2)]


def test_statement_is_frozen_dataclass():
    st_ = split_statements("select 1")[0]
    assert st_ == Statement("select 1", 1, 1)
    with pytest.raises(AttributeError):
        st_.text = "x"  # type: ignore[misc]


@pytest.mark.parametrize("script", ["", "   ", "\n\n\n", ";;;", " ; ;\n ;\t\n", "\r\n\r\n"])
def test_blank_scripts_give_nothing(script):
    assert split_statements(script) == []


def test_whitespace_and_trailing_semicolon_dropped():
    assert spans("   \n\t select from V ;  \n\n") == [("select from V", 2, 2)]


def test_blank_lines_are_counted():
    assert spans("\n\nselect 1\n\n\nselect 2") == [("select 1", 3, 3), ("select 2", 6, 6)]


# --- quotes -----------------------------------------------------------------------

@pytest.mark.parametrize("literal", [
    "'a;b'", '"a;b"', "'it\\'s; fine'", '"say \\"hi\\"; now"', "'a\\\\'", "'# not -- a /* comment'",
    '"//x"', "`odd;name`", "'{['", "'multi\nline; string'",
])
def test_separators_inside_quotes_are_kept(literal):
    assert texts(f"select {literal} from V; select 2") == [f"select {literal} from V", "select 2"]


def test_escaped_backslash_ends_string():
    assert texts("select 'a\\\\'; select 2") == ["select 'a\\\\'", "select 2"]


def test_multiline_string_line_numbers():
    assert spans("select 'a\nb\nc' from V\nselect 2") == [
        ("select 'a\nb\nc' from V", 1, 3), ("select 2", 4, 4)]


# --- blocks -----------------------------------------------------------------------

def test_multiline_json_content_is_one_statement():
    script = (
        "INSERT INTO Person CONTENT {\n"
        '  "name": "Ann; Bob",\n'
        '  "tags": ["a",\n'
        '           "b"],\n'
        '  "address": {"city": "Rome"; "zip": "00100"}\n'
        "}\n"
        "SELECT FROM Person"
    )
    got = split_statements(script)
    assert [(s.line, s.end_line) for s in got] == [(1, 6), (7, 7)]
    assert got[0].text.startswith("INSERT INTO Person CONTENT {\n")
    assert got[0].text.endswith("}")
    assert '"address": {"city": "Rome"; "zip": "00100"}' in got[0].text


def test_brackets_and_parens_span_lines():
    assert spans("select from [\n#12:3,\n#12:4\n]\nselect (\n1 + 2\n)") == [
        ("select from [\n#12:3,\n#12:4\n]", 1, 4), ("select (\n1 + 2\n)", 5, 7)]


def test_nested_braces():
    script = "insert into X content {\"a\": {\"b\": {\"c\": [1, {\"d\": 2}]}}}\nselect 1"
    assert texts(script) == [script.split("\n")[0], "select 1"]


def test_braces_inside_strings_do_not_count():
    assert texts("select '{' from V\nselect '}' from V") == ["select '{' from V", "select '}' from V"]


def test_stray_closing_bracket_does_not_go_negative():
    assert texts("select ) from V\nselect 2\nselect (1\n)") == [
        "select ) from V", "select 2", "select (1\n)"]


# --- comments -----------------------------------------------------------------------

@pytest.mark.parametrize("comment", ["# hash", "-- dashes", "// slashes", "   # indented",
                                     "\t-- tab", "#", "--", "//", "# it's ok; really", "-- 'open"])
def test_comment_lines(comment):
    assert spans(f"{comment}\nselect 1\n{comment}") == [("select 1", 2, 2)]


def test_hash_inside_a_statement_is_a_rid():
    assert texts("select from #12:3\nload record #1:0") == ["select from #12:3", "load record #1:0"]


def test_rid_at_line_start_inside_brackets_is_not_a_comment():
    assert texts("select from [\n#12:3,\n  #12:4]") == ["select from [\n#12:3,\n  #12:4]"]


def test_hash_after_semicolon_starts_a_comment():
    assert texts("select 1; # the rest; is comment\nselect 2") == ["select 1", "select 2"]


def test_trailing_dash_comment_removed():
    assert spans("select from V -- all of them; really\nselect 2 --") == [
        ("select from V", 1, 1), ("select 2", 2, 2)]


@pytest.mark.parametrize("stmt", ["select 1--2", "select a -b", "check database --skip-graph -v",
                                  "export database /tmp/a--b.gz", "select '-- x'"])
def test_double_dash_that_is_not_a_comment(stmt):
    assert texts(stmt) == [stmt]


def test_slash_comment_line_inside_brackets():
    script = 'insert into X content {\n  // the name\n  "name": "x"\n}'
    got = split_statements(script)
    assert len(got) == 1 and "// the name" not in got[0].text and (got[0].line, got[0].end_line) == (1, 4)


def test_double_slash_inside_a_statement_is_kept():
    assert texts("load script /tmp//x.osql") == ["load script /tmp//x.osql"]


def test_block_comments_removed_and_lines_kept():
    script = "select /* a\nb */ from V; /* c */ select 2\n/* alone */\nselect 3"
    assert spans(script) == [("select \n from V", 1, 2), ("select 2", 2, 2), ("select 3", 4, 4)]


def test_block_comment_between_words_becomes_a_space():
    assert texts("select/**/from/* x */V") == ["select from V"]


def test_block_comment_markers_inside_quotes_are_text():
    assert texts("select '/* not */' from V") == ["select '/* not */' from V"]


def test_block_comment_hides_separators():
    assert texts("select 1 /* ; \n ; */ + 2") == ["select 1 \n + 2"]


def test_comment_only_script():
    assert split_statements("# a\n-- b\n// c\n/* d\n e */\n") == []


# --- line endings ---------------------------------------------------------------------

def test_crlf_line_endings():
    assert spans("select 1\r\nselect 2\r\n\r\ninsert into X content {\r\n\"a\": 1\r\n}\r\n") == [
        ("select 1", 1, 1), ("select 2", 2, 2), ('insert into X content {\n"a": 1\n}', 4, 6)]


def test_lone_cr_line_endings():
    assert spans("select 1\rselect 2") == [("select 1", 1, 1), ("select 2", 2, 2)]


# --- unterminated input -------------------------------------------------------------------

def test_unterminated_quote_takes_the_rest():
    assert spans("select 1\nselect 'abc; def\nselect 3\n") == [
        ("select 1", 1, 1), ("select 'abc; def\nselect 3", 2, 3)]


def test_unterminated_quote_with_trailing_backslash():
    assert texts("select 'abc\\") == ["select 'abc\\"]


def test_unterminated_brace_takes_the_rest():
    assert texts("insert into X content {\"a\": 1\nselect 2; select 3") == [
        "insert into X content {\"a\": 1\nselect 2; select 3"]


def test_unterminated_block_comment_is_kept_for_the_parser():
    assert spans("select 1\n/* oops\nselect 2") == [("select 1", 1, 1), ("/* oops\nselect 2", 2, 3)]


# --- big and hostile input -----------------------------------------------------------------

def test_megabyte_script():
    unit = ("INSERT INTO Person SET name = 'Ann', friends = [#12:3, #12:4]; -- note\n"
            "INSERT INTO Person CONTENT {\"name\": \"Bob\",\n \"x\": {\"y\": 1}};\n"
            "/* c */ SELECT FROM Person WHERE name LIKE 'A%'\n# comment\n")
    n = 1_000_000 // len(unit)
    got = split_statements(unit * n)
    assert len(got) == 3 * n
    last = 5 * n - 1  # 5 lines per unit
    assert got[-1] == Statement("SELECT FROM Person WHERE name LIKE 'A%'", last, last)


@pytest.mark.parametrize("script", [
    "(" * 200_000, ")" * 200_000, "'" * 200_001, "\\" * 200_000, "/*" * 100_000,
    "'\\" * 100_000, "#" * 200_000, "--" * 100_000, "\n" * 200_000, ";" * 200_000,
    "a\n" * 100_000, "{\n" * 100_000, "x" * 1_000_000,
])
def test_hostile_inputs_terminate(script):
    got = split_statements(script)
    assert all(s.text and s.line <= s.end_line for s in got)
    is_complete(script)
    scan_state(script)


# --- properties -------------------------------------------------------------------------------

_alphabet = st.sampled_from(list("ab ;\n\r\t'\"`\\{}[]()#-/*:1") + ["--", "//", "/*", "*/", "#1:2"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_alphabet, max_size=80).map("".join))
def test_never_raises_and_statements_are_sane(script):
    got = split_statements(script)
    last = 0
    for s in got:
        assert s.text == s.text.strip() and s.text
        assert s.end_line - s.line == s.text.count("\n")
        assert s.line >= last
        last = s.end_line
    assert last <= script.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1


_simple = st.from_regex(r"[a-z][a-z0-9 =<>,.]{0,20}[a-z0-9]", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(st.lists(_simple, min_size=1, max_size=10), st.sampled_from([";", "\n", ";\n", "\r\n", " ; "]))
def test_simple_statements_round_trip(stmts, sep):
    script = sep.join(stmts)
    got = split_statements(script)
    assert [s.text for s in got] == stmts
    lines = script.replace("\r\n", "\n").split("\n")
    for s in got:
        assert s.text in lines[s.line - 1]


# --- is_complete / scan_state --------------------------------------------------------------------

@pytest.mark.parametrize("text, complete", [
    ("", False), ("   \n", False),
    ("select 1", True), ("select from V where a = 'x'", True),
    ("select (", False), ("select (1", False), ("select (1)", True),
    ("insert into X content {", False), ("insert into X content {\"a\": [1,\n2]\n}", True),
    ("select [#1:2,", False), ("select 'abc", False), ('select "a\\"', False),
    ("select 'a;", False), ("select '(' ", True),
    ("select /* comment", False), ("select /* comment */ 1", True),
    ("select 1 -- trailing (", True), ("-- only a comment", True), ("# only a comment {", True),
    ("select (1;", True), ("insert into X content {\"a\": 1};", True),
    ("select ) ", True), ("select 1;", True),
    ("select 'x' ; ", True),
])
def test_is_complete(text, complete):
    assert is_complete(text) is complete


def test_is_complete_is_linear_on_big_input():
    assert is_complete("insert into X content {" + '"a": 1,' * 200_000 + "}")
    assert not is_complete("(" * 500_000)


def test_scan_state_reports_the_open_statement():
    s = scan_state("select 1; select name from V where name = 'Ann")
    assert s.statement == "select name from V where name = 'Ann"
    assert s.open_quote == "'" and s.quote_text == "'Ann"
    assert not s.in_comment and s.depth == 0


def test_scan_state_strips_comments_and_keeps_trailing_blanks():
    s = scan_state("select /* x */ from ")
    assert s.statement == "select   from "
    assert scan_state("select 1\nselect 2 -- note").in_comment
    assert scan_state("select 1\nselect 2 -- note").statement == "select 2 "
    assert scan_state("select (a, [b").depth == 2
    assert scan_state("select 1;").statement == ""
    assert scan_state("select 1;").ends_with_semicolon
    assert scan_state("select /* open").in_block_comment
