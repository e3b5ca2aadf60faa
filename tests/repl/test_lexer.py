"""The pygments lexer for console commands and OrientDB SQL."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pygments.lexer import RegexLexer
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import (
    Comment, Error, Keyword, Name, Number, Operator, Punctuation, String, Whitespace,
)

from console.repl.lexer import RID, OrientDBLexer

LEXER = OrientDBLexer()

SAMPLE = """\
# a comment
connect plocal:/tmp/db admin admin;
CREATE CLASS Person EXTENDS V;
CREATE PROPERTY Person.name STRING (MANDATORY TRUE);
INSERT INTO Person SET name = 'Ann\\'s', age = 31L, w = 1.5f, x = .5, friends = [#12:3, #-1:-1];
INSERT INTO Person CONTENT {"name": "Bob",
  "tags": ["a", "b"]} -- trailing
SELECT count(*), out('Knows').size(), @rid FROM cluster:person_1 WHERE name LIKE :pat AND age > ?;
/* multi
line */ select from [
#12:3
]
export database /tmp/x.json.gz -excludeAll -includeClass="A B" -compressionLevel=9
check database --skip-graph -v
MATCH {class: Person, as: p, where: (age > 3)}-Knows->{as: f} RETURN p, f
select `weird name` from Person where tags contains 'x' and $depth < 3; # trailing hash
"""


def tokens(text: str) -> list[tuple[object, str]]:
    return [(t, v) for _, t, v in LEXER.get_tokens_unprocessed(text) if t is not Whitespace]


def kind_of(text: str, value: str) -> object:
    """The token type of the first token whose text is ``value``."""
    for t, v in tokens(text):
        if v == value:
            return t
    raise AssertionError(f"{value!r} not a token of {text!r}: {tokens(text)}")


# --- registration --------------------------------------------------------------------

@pytest.mark.parametrize("alias", ["orientdb", "osql", "OrientDB"])
def test_found_by_pygments(alias):
    assert isinstance(get_lexer_by_name(alias), OrientDBLexer)


def test_found_by_filename():
    assert isinstance(get_lexer_for_filename("setup.osql"), OrientDBLexer)


def test_pygmentize_command_line(tmp_path):
    script = tmp_path / "demo.osql"
    script.write_text("select from #12:3 where name = 'x'\n")
    out = subprocess.run([sys.executable, "-m", "pygments", "-l", "orientdb", "-f", "raw", str(script)],
                         capture_output=True, text=True, check=True).stdout
    assert "Token.Name.Constant\t'#12:3'" in out
    assert "Token.Error" not in out


# --- token kinds -----------------------------------------------------------------------

@pytest.mark.parametrize("word", ["SELECT", "select", "SeLeCt", "from", "WHERE", "insert", "INTO",
                                  "connect", "disconnect", "export", "browse", "classes", "truncate",
                                  "traverse", "match", "order", "by", "limit", "skip", "extends"])
def test_keywords_any_case(word):
    assert kind_of(f"{word} x", word) is Keyword


@pytest.mark.parametrize("word", ["STRING", "integer", "LinkSet", "EMBEDDEDMAP", "DATETIME",
                                  "decimal", "LINKBAG", "BINARY"])
def test_types(word):
    assert kind_of(f"create property P.x {word}", word) is Keyword.Type


@pytest.mark.parametrize("word", ["and", "OR", "not", "LIKE", "in", "IS", "contains", "BETWEEN",
                                  "INSTANCEOF", "containsKey"])
def test_word_operators(word):
    assert kind_of(f"select from V where a {word} b", word) is Operator.Word


@pytest.mark.parametrize("word", ["true", "FALSE", "null"])
def test_constants(word):
    assert kind_of(f"select {word}", word) is Keyword.Constant


@pytest.mark.parametrize("call", ["count", "sum", "avg", "min", "max", "out", "in", "both", "outE",
                                  "inE", "bothE", "outV", "inV", "expand", "sysdate", "date",
                                  "ifnull", "coalesce", "format", "distinct", "first", "last",
                                  "list", "set", "map", "myOwnFunction"])
def test_function_calls(call):
    assert kind_of(f"select {call}(x) from V", call) is Name.Function


def test_function_names_without_call_are_not_functions():
    assert kind_of("update V set x = 1", "set") is Keyword
    assert kind_of("select from V where a in [1]", "in") is Operator.Word
    assert kind_of("select outcome from V", "outcome") is Name


def test_common_field_names_are_plain_names():
    for word in ("name", "type", "id", "key", "status"):
        assert kind_of(f"select from V where {word} = 1", word) is Name


def test_methods_after_dot():
    assert kind_of("select name.toUpperCase() from V", "toUpperCase") is Name.Function
    assert kind_of("select address.city from V", "city") is Name


@pytest.mark.parametrize("rid", ["#12:3", "#0:0", "#-1:-1", "#32767:1099511627775"])
def test_rids_are_distinct_tokens(rid):
    assert kind_of(f"load record {rid}", rid) is RID
    assert RID is Name.Constant


@pytest.mark.parametrize("number, kind", [
    ("42", Number.Integer), ("31L", Number.Integer), ("7l", Number.Integer), ("3c", Number.Integer),
    ("1.5", Number.Float), ("1.5f", Number.Float), (".5", Number.Float), ("2.0d", Number.Float),
    ("1e10", Number.Float), ("6.02E23", Number.Float), ("1.25c", Number.Float),
])
def test_numbers(number, kind):
    assert kind_of(f"select {number} from V", number) is kind


def test_strings_and_escapes():
    toks = tokens("select 'it\\'s', \"say \\\"hi\\\"\" from V")
    assert (String.Escape, "\\'") in toks
    assert (String.Escape, '\\"') in toks
    assert (String.Single, "'") in toks
    assert kind_of("select 'plain' from V", "'plain'") is String.Single
    assert kind_of('select "plain" from V', '"plain"') is String.Double


def test_strings_hide_comments_and_keywords():
    toks = tokens("select '# -- /* select */' from V")
    assert all(t is not Comment.Single and t is not Comment.Multiline for t, _ in toks)


def test_parameters_attributes_variables_backticks():
    assert kind_of("select from V where a = ?", "?") is Name.Variable
    assert kind_of("select from V where a = :name", "name") is Name.Variable
    assert kind_of("select @rid, @class from V", "@rid") is Name.Attribute
    assert kind_of("traverse out() from V while $depth < 3", "$depth") is Name.Variable.Magic
    assert kind_of("select `odd name` from V", "`odd name`") is Name


def test_match_keys_are_not_parameters():
    toks = tokens("MATCH {class: Person, as:p}")
    assert (Name.Variable, "p") not in toks


def test_urls_and_cluster_targets():
    assert kind_of("connect plocal:/tmp/db admin admin", "plocal:/tmp/db") is String.Other
    assert kind_of("connect remote:localhost/demo root x", "remote:localhost/demo") is String.Other
    assert kind_of("connect memory:test admin admin", "memory:test") is String.Other
    toks = tokens("select from cluster:person_1")
    assert toks[-3:] == [(Keyword, "cluster"), (Punctuation, ":"), (Name, "person_1")]


def test_transfer_options():
    toks = tokens('export database /tmp/x.gz -excludeAll -includeClass="A B" -compressionLevel=9\nselect 1')
    assert (Name.Label, "-excludeAll") in toks
    assert (Name.Label, "-includeClass") in toks
    assert (String.Double, '"A B"') in toks
    assert (Keyword, "select") in toks  # back to normal on the next line
    assert (Name.Label, "--skip-graph") in tokens("check database --skip-graph -v")
    assert (Name.Label, "-fix") in tokens("REPAIR DATABASE -fix")
    assert (Name.Label, "-name") in tokens("restore database /b.zip -name=x; select 1")


@pytest.mark.parametrize("text, comment", [
    ("# hello", "# hello"), ("-- hello", "-- hello"), ("// hello", "// hello"),
    ("   # indented", "   # indented"), ("select 1 -- trailing", "-- trailing"),
    ("select 1; # after semicolon", "# after semicolon"), ("x\n# second line", "# second line"),
])
def test_line_comments(text, comment):
    assert (Comment.Single, comment) in tokens(text)


def test_block_comments():
    toks = tokens("select /* a\nmulti-line */ 1")
    assert (Comment.Multiline, "/*") in toks and (Comment.Multiline, "*/") in toks
    assert (Keyword, "select") in toks and (Number.Integer, "1") in toks


def test_not_comments():
    assert all(t not in (Comment.Single,) for t, _ in tokens("select 1--2"))
    assert kind_of("select from [\n#12:3\n]", "#12:3") is RID  # a RID at line start inside brackets
    assert kind_of("select from V where a = 'x'  # not a comment mid-line", "#") is not Comment.Single


def test_sample_script_has_expected_tokens():
    toks = tokens(SAMPLE)
    for expected in [(Comment.Single, "# a comment"), (Keyword, "connect"), (Keyword.Type, "STRING"),
                     (RID, "#12:3"), (Name.Function, "count"), (Name.Function, "size"),
                     (Name.Attribute, "@rid"), (Name.Variable, "pat"), (Name.Variable, "?"),
                     (Comment.Single, "-- trailing"), (Comment.Single, "# trailing hash")]:
        assert expected in toks, expected


# --- robustness ----------------------------------------------------------------------------

def _assert_sane(text: str) -> None:
    toks = list(LEXER.get_tokens_unprocessed(text))
    assert not any(t is Error for _, t, _ in toks)
    assert "".join(v for _, _, v in toks) == text
    pos = 0
    for start, _, value in toks:
        assert start == pos
        pos += len(value)


@pytest.mark.parametrize("text", [
    "", "\n", SAMPLE, "'unterminated", '"unterminated\nstring', "/* unterminated", "{[(", ")]}",
    "`unterminated", "#", "#abc", "@", "$", "?", ":", "select\\", "£€漢字 é", "\x00\x01\x7f",
    "export database", "export database 'x", "select 1;#", "-- \n--", "\r\n\r\n",
])
def test_no_error_tokens_and_lossless(text):
    _assert_sane(text)


_chars = st.sampled_from(list("abSELCT #:;'\"\\`{}[]()-/*\n\t 0123456789.,=<>@$?é_\r") + [
    "export database ", "cluster:", "plocal:/x", "-- ", "/*", "*/", "#12:3", "select ", "from "])


@settings(max_examples=300, deadline=None)
@given(st.lists(_chars, max_size=60).map("".join))
def test_random_input_never_errors(text):
    _assert_sane(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(_chars, max_size=60).map("".join))
def test_fast_path_equals_regexlexer(text):
    """The combined-regex fast path yields exactly what RegexLexer would."""
    assert list(LEXER.get_tokens_unprocessed(text)) == list(RegexLexer.get_tokens_unprocessed(LEXER, text))


def test_fast_path_equals_regexlexer_on_sample():
    reference = list(RegexLexer.get_tokens_unprocessed(LEXER, SAMPLE))
    assert list(LEXER.get_tokens_unprocessed(SAMPLE)) == reference


def test_get_tokens_keeps_offsets():
    """stripnl is off, so leading newlines survive (prompt_toolkit relies on offsets)."""
    assert "".join(v for _, v in LEXER.get_tokens("\n\nselect 1")) == "\n\nselect 1\n"


def test_megabyte_script_lexes():
    big = SAMPLE * (1_000_000 // len(SAMPLE))
    toks = list(LEXER.get_tokens_unprocessed(big))
    assert sum(len(v) for _, _, v in toks) == len(big)
    assert not any(t is Error for _, t, _ in toks)


def test_deep_nesting_and_long_tokens():
    _assert_sane("(" * 100_000 + ")" * 100_000)
    _assert_sane("'" + "a" * 200_000)
    _assert_sane("x" * 200_000)


def test_completion_offers_exactly_the_functions_the_engine_has():
    from console.engine.sql.functions import AGGREGATES, FUNCTIONS as ENGINE, GRAPH_FUNCTIONS, METHODS as ENGINE_METHODS
    from console.repl.lexer import FUNCTIONS, METHODS

    assert {f.lower() for f in FUNCTIONS} == set(ENGINE) | set(AGGREGATES) | set(GRAPH_FUNCTIONS)
    assert {m.lower() for m in METHODS} <= set(ENGINE_METHODS) | set(GRAPH_FUNCTIONS)
