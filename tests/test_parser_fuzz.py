"""Fuzzing the parser: whatever the text, parse() returns a Statement or raises
ParseError, and quickly.

The number of generated cases is ORIENT_FUZZ_CASES (default 300), e.g.
``ORIENT_FUZZ_CASES=10000 .venv-dev/bin/pytest tests/test_parser_fuzz.py -m fuzz``.
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.ast import Expr, Statement
from console.parser import ParseError, get_parser, parse, parse_expression

CASES = int(os.environ.get("ORIENT_FUZZ_CASES", "300"))
TIME_LIMIT = 2.0          # seconds per parse; a linear parser needs a few milliseconds

CORPUS = [
    "connect plocal:/tmp/db admin admin",
    "connect remote:localhost:2424/demo root 'pass word'",
    "create database plocal:/tmp/x admin admin plocal graph",
    "drop database remote:localhost/db root root",
    "list databases", "info", "info class Person", "classes", "list clusters", "indexes",
    "browse class Person", "browse cluster person_1", "display record 3", "display raw record #1:2",
    "load record #12:0", "load script /tmp/x.osql",
    'export database /tmp/x.json.gz -excludeAll -includeClass="A B" -compressionLevel=9',
    "import database ./a/b.zip -merge=true", "backup database ~/b.zip", "restore database 'C:/x y.zip'",
    "check database -fix", "repair database", "truncate class Person polymorphic unsafe",
    "truncate cluster c", "truncate record [#1:2, #1:3]", "begin", "commit retry 3", "rollback",
    "set limit 100", "get limit", "properties", "sleep 10", "echo 'hello; world'", "help create class",
    "?", "exit",
    "create class Person if not exists extends V, Named cluster 12, 13 clusters 4 abstract",
    "alter class Person superclass -V", "alter class P custom owner='Ann'",
    "alter class P clusterselection round-robin", "drop class Person if exists unsafe",
    "create property Person.name if not exists STRING (mandatory true, notnull, min 1, regexp '[a-z]+', "
    "default sysdate(), collate ci) unsafe",
    "create property Person.friends LINKSET Person", "alter property Person.name min -5",
    "drop property Person.name if exists force", "create index Person.name UNIQUE STRING",
    'create index idx on Person (a by key collate ci, b) NOTUNIQUE engine lucene metadata {"x": [1, 2]}',
    "drop index idx if exists", "rebuild index *", "create blob cluster photos id 30", "drop cluster 30",
    "alter cluster c name d", "alter database custom useLightweightEdges=true",
    "select from V",
    "select distinct name as n, count(*) from Person let $a = (select from E) where age > 30 and "
    "name like 'A%' or not (tags contains 'x') group by name order by n desc skip 5 limit 10 timeout 100",
    "select expand(out('Knows')[age > 30].name) from #1:2",
    "select in, out, @rid, @class, $a.size() from cluster:[a, 12] where in.size() > 0",
    "select from index:Person.name where key between 1 and 5 unwind tags",
    "select sysdate(), 1 + 2 * -3 % 4 || 'x', [1, 2.5, 3L, 4.5f, 1.50c, null, true], {\"k\": #1:1}",
    "select from V where a in ? and b not in [:p, ?] and c is not null and d is defined and "
    "@this instanceof 'V' and e containsall (f = 1) and g matches '\\\\d+'",
    "insert into Person set name = 'Ann', address.city = \"Rome\" return @rid",
    "insert into Person (name, age) values ('Ann', 31), ('Bob', 40)",
    'insert into Person content {"name": "Ann", "tags": ["a", {"b": [#1:2, ?]}], "n": -1.5e3}',
    "insert into cluster:person_1 from (select from V)",
    "update Person set a = 1, b.c = 'x' increment n = 1 add tags = 'x' remove d, tags = 'y' "
    "put m = 'k', 'v' upsert return after @rid where a = 1 limit 5 timeout 10",
    'update #1:2 merge {"a": 1}', "delete from Person return before where a = 1 limit 10 unsafe",
    "create vertex Person cluster p set name = 'x'", 'create vertex V content {"a": 1}',
    "create edge Knows from #1:1 to (select from V where a = 1) set since = 2020 retry 3 wait 10 batch 100",
    "delete vertex Person where a = 1 limit 3", "delete vertex from (select from V)",
    "delete edge Knows from #1:1 to #1:2 where x = 1 limit 2", "delete edge [#1:1, #1:2]",
    "traverse out(), in('Knows'), * from #1:1 maxdepth 3 while $depth < 3 limit 10 strategy breadth_first",
    "match {class: Person, as: p, where: (name = 'x')}.out('Knows'){as: f, optional: true, maxDepth: 2}"
    "-Knows->{as: g}<-Knows-{as: h}-->{as: i}<--{}--{as: k}, {as: p}.both(){} "
    "return distinct p, f.name as fname, $matches group by p order by fname desc skip 1 limit 2",
    "explain select from V where a = 1", "profile update V set a = 1",
]

SNIPPETS = [
    "select", "from", "where", "and", "or", "not", "in", "is", "null", "true", "between", "contains",
    "limit", "set", "insert", "into", "values", "create", "class", "match", "return", "cluster:", "index:",
    "(", ")", "[", "]", "{", "}", ",", ";", ":", ".", "..", "'", '"', "`", "\\", "#1:2", "#-1:", "#",
    "@rid", "@", "$a", "$", "?", ":p", "--", "-- c", "-->", "<-", "->", "<--", "-", "+", "*", "/*", "*/",
    "/", "%", "||", "=", "==", "<>", "!=", "<=", ">=", "1", "1.5e", "1e999", "99999999999999999999",
    "1L", "1.5L", "2c", ".5", "0x1F", "é", "\u2028", "\x00", "\n", "\t", "  ", "-x=1", "-", "*",
]

SQL_ALPHABET = "selctfromwhrinadSELCTFROMWHR_$@#:?`'\"()[]{},;.*-+/%|=<>! 0123456789\n\t\\cLfd"


class Timeout(BaseException):
    """Raised by the alarm; a BaseException so that parse() cannot swallow it."""


@contextmanager
def time_limit(seconds: float):
    """Fail a case that runs too long (SIGALRM on Unix, a plain check elsewhere)."""
    use_alarm = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if use_alarm:
        def on_alarm(signum, frame):
            raise Timeout(f"parsing took longer than {seconds} s")

        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.monotonic()
    try:
        yield
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - start < seconds, "parsing took too long"


def check(text: str, function=parse, node_type: type = Statement) -> None:
    with time_limit(TIME_LIMIT):
        try:
            result = function(text)
        except ParseError as err:
            message = str(err)
            assert message.startswith("syntax error at line ") and "\n" not in message
            assert err.line >= 1 and err.column >= 1
            return
    assert isinstance(result, node_type)
    hash(result)


def tokens_of(text: str) -> list[str]:
    return re.findall(r"\s+|\w+|[^\w\s]", text)


@st.composite
def mutated(draw) -> str:
    """A corpus statement after 1-4 insertions, deletions, swaps, truncations..."""
    text = draw(st.sampled_from(CORPUS))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["insert", "delete", "swap", "truncate", "duplicate", "replace", "case"]))
        n = len(text)
        i = draw(st.integers(0, n))
        if op == "insert":
            piece = draw(st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=5)))
            text = text[:i] + piece + text[i:]
        elif op == "delete":
            j = draw(st.integers(i, min(n, i + 12)))
            text = text[:i] + text[j:]
        elif op == "truncate":
            text = text[:i]
        elif op == "duplicate":
            j = draw(st.integers(i, min(n, i + 20)))
            text = text[:j] + text[i:j] + text[j:]
        elif op == "replace" and n:
            k = min(i, n - 1)
            text = text[:k] + draw(st.sampled_from(SNIPPETS)) + text[k + 1:]
        elif op == "case":
            text = text.upper() if draw(st.booleans()) else text.lower()
        else:                                                    # swap two tokens
            toks = tokens_of(text)
            if len(toks) >= 2:
                a = draw(st.integers(0, len(toks) - 1))
                b = draw(st.integers(0, len(toks) - 1))
                toks[a], toks[b] = toks[b], toks[a]
                text = "".join(toks)
    return text


token_soup = st.lists(st.sampled_from(SNIPPETS + [w for t in CORPUS[:40] for w in t.split()]),
                      max_size=25).map(" ".join)
random_text = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=SQL_ALPHABET, max_size=150),
)
fuzz_settings = settings(
    max_examples=CASES, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


@pytest.fixture(scope="module", autouse=True)
def loaded_parser():
    get_parser()          # loading (or compiling) the grammar is not part of any case's time


def test_corpus_is_valid():
    for text in CORPUS:
        assert isinstance(parse(text), Statement), text


@pytest.mark.fuzz
@fuzz_settings
@given(st.one_of(mutated(), random_text, token_soup))
def test_fuzz_statements(text):
    check(text)


@pytest.mark.fuzz
@settings(max_examples=max(30, CASES // 5), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.one_of(st.text(alphabet=SQL_ALPHABET, max_size=80), token_soup))
def test_fuzz_expressions(text):
    check(text, parse_expression, Expr)


@pytest.mark.fuzz
def test_pathological_inputs_are_fast():
    for text in [
        "(" * 20000, "[" * 20000, "{" * 20000, "'" + "\\'" * 20000, "select " + "a." * 20000 + "b",
        "select from V where " + " and ".join(f"a{i} = {i}" for i in range(3000)),
        "select " + "-" * 20000 + "1", "/*" * 20000, "--" * 20000, "echo " + "x" * 200000,
        "select from V where a in [" + ", ".join(str(i) for i in range(5000)) + "]",
        "insert into X content " + '{"a": ' * 300 + "1" + "}" * 300,
        "\x00" * 1000, "é" * 10000,
    ]:
        check(text)
