"""shortestPath(), dijkstra() and astar() in the SQL engine."""

from __future__ import annotations

import itertools
import os

import pytest

from console import engine
from console.engine import OType
from console.engine.document import Document
from console.engine.sql import functions
from console.engine.sql.paths import PATH_FUNCTIONS
from console.errors import QueryError


def value(db, sql: str, params=None):
    """The single value of a one-row, one-column query."""
    rows = list(db.query(sql, params))
    assert len(rows) == 1
    return next(iter(rows[0].fields.values()))


def rids(items) -> list[str]:
    return [str(x.rid if isinstance(x, Document) else x) for x in items]


class Graph:
    """Named vertices and edges built through the engine API."""

    def __init__(self, db, vertex_class: str = "V") -> None:
        self.db = db
        self.vertex_class = vertex_class
        self.v: dict[str, Document] = {}
        self.e: dict[str, Document] = {}

    def vertex(self, name: str, **fields) -> Document:
        self.v[name] = self.db.create_vertex(self.vertex_class, {"name": name, **fields})
        return self.v[name]

    def edge(self, a: str, b: str, cls: str = "E", **fields) -> Document:
        for n in (a, b):
            if n not in self.v:
                self.vertex(n)
        edge = self.db.create_edge(cls, self.v[a].rid, self.v[b].rid, fields)
        self.e[f"{a}{b}"] = edge
        return edge

    def chain(self, names: str, cls: str = "E") -> None:
        for a, b in itertools.pairwise(names):
            self.edge(a, b, cls)

    def r(self, name: str) -> str:
        return str(self.v[name].rid)

    def names(self, items) -> str:
        by_rid = {str(d.rid): n for n, d in self.v.items()}
        return "".join(by_rid[r] for r in rids(items))

    def sp(self, a: str, b: str, *rest: str) -> str:
        args = ", ".join((self.r(a), self.r(b)) + rest)
        return self.names(value(self.db, f"select shortestPath({args})"))


_names = itertools.count()


@pytest.fixture(scope="module")
def new_db():
    """Makes memory databases shared by read-only tests (closed after the module)."""
    made = []

    def make():
        made.append(engine.create(f"memory:paths{next(_names)}_{os.getpid()}", "admin", "admin"))
        return made[-1]

    yield make
    for db in made:
        db.close()


@pytest.fixture
def g(memdb):
    memdb.create_class("Knows", ["E"])
    memdb.create_class("Likes", ["E"])
    memdb.create_class("BestFriend", ["Knows"])
    return Graph(memdb)


# --- shortestPath -------------------------------------------------------------------

def test_registered_in_the_engine():
    for name in ("shortestpath", "dijkstra", "astar"):
        assert functions.FUNCTIONS[name] is PATH_FUNCTIONS[name]


def test_chain(g):
    g.chain("ABCD")
    assert g.sp("A", "D") == "ABCD"
    assert g.sp("D", "A") == "DCBA"  # BOTH by default
    assert g.sp("B", "C") == "BC"


def test_result_is_rids(g):
    g.chain("AB")
    path = value(g.db, f"select shortestPath({g.r('A')}, {g.r('B')})")
    assert path == [g.v["A"].rid, g.v["B"].rid]


def test_same_vertex(g):
    g.chain("AB")
    assert g.sp("A", "A") == "A"


def test_unreachable(g):
    g.chain("AB")
    g.vertex("Z")
    assert g.sp("A", "Z") == ""
    assert g.sp("Z", "A") == ""


def test_diamond_tie_follows_bag_order(g):
    g.edge("A", "B")
    g.edge("A", "C")
    g.edge("B", "D")
    g.edge("C", "D")
    assert {g.sp("A", "D") for _ in range(5)} == {"ABD"}
    assert g.sp("D", "A") in ("DBA", "DCA")
    assert {g.sp("D", "A") for _ in range(5)} == {g.sp("D", "A")}


def test_directions(g):
    g.chain("ABC")
    assert g.sp("A", "C", "'out'") == "ABC"
    assert g.sp("C", "A", "'out'") == ""
    assert g.sp("C", "A", "'IN'") == "CBA"
    assert g.sp("A", "C", "'in'") == ""
    assert g.sp("C", "A", "'Both'") == "CBA"
    assert g.sp("C", "A", "null") == "CBA"
    g.edge("D", "C")  # A -> B -> C <- D
    assert g.sp("A", "D", "'out'") == ""
    assert g.sp("A", "D", "'both'") == "ABCD"


def test_edge_class_filter(g):
    g.chain("ABC", "Knows")
    g.edge("A", "C", "Likes")
    assert g.sp("A", "C") == "AC"
    assert g.sp("A", "C", "'both'", "'Knows'") == "ABC"
    assert g.sp("A", "C", "'both'", "'knows'") == "ABC"  # class names ignore case
    assert g.sp("A", "C", "null", "'Likes'") == "AC"
    assert g.sp("A", "C", "'out'", "['Knows', 'Likes']") == "AC"
    assert g.sp("A", "C", "'out'", "[]") == "AC"


def test_edge_class_includes_subclasses(g):
    g.edge("A", "B", "Knows")
    g.edge("B", "C", "BestFriend")
    g.edge("A", "C", "Likes")
    assert g.sp("A", "C", "'out'", "'Knows'") == "ABC"
    assert g.sp("A", "C", "'out'", "'BestFriend'") == ""


def test_max_depth_counts_vertices_as_orientdb(g):
    g.chain("ABCDE")
    assert g.sp("A", "E", "'out'", "null", "{'maxDepth': 5}") == "ABCDE"
    assert g.sp("A", "E", "'out'", "null", "{'maxDepth': 4}") == ""
    assert g.sp("A", "E", "'out'", "null", "{'maxDepth': '6'}") == "ABCDE"
    assert g.sp("A", "B", "'out'", "null", "{'maxDepth': 2}") == "AB"
    assert g.sp("A", "B", "'out'", "null", "{'maxDepth': 1}") == ""
    assert g.sp("A", "A", "'out'", "null", "{'maxDepth': 0}") == "A"
    assert g.sp("A", "E", "'out'", "null", "{'maxDepth': null}") == "ABCDE"


def test_edges_interleaved(g):
    g.chain("ABC", "Knows")
    path = value(g.db, f"select shortestPath({g.r('A')}, {g.r('C')}, 'out', null, {{'edge': true}})")
    assert rids(path) == [g.r("A"), str(g.e["AB"].rid), g.r("B"), str(g.e["BC"].rid), g.r("C")]
    back = value(g.db, f"select shortestPath({g.r('C')}, {g.r('A')}, 'both', 'Knows', {{'edge': 'true'}})")
    assert rids(back) == list(reversed(rids(path)))
    assert g.sp("A", "C", "'out'", "null", "{'edge': false}") == "ABC"


def _lightweight(db, a: Document, b: Document, cls: str = "Knows") -> None:
    """An edge stored as the other vertex's RID in both link bags (no edge record)."""
    for rid, field, other in ((a.rid, f"out_{cls}", b.rid), (b.rid, f"in_{cls}", a.rid)):
        doc = db.load(rid)
        doc.fields[field] = list(doc.fields.get(field) or []) + [other]
        doc.types[field] = OType.LINKBAG
        db.update(doc)


def test_lightweight_and_ordinary_edges(g):
    for n in "ABCD":
        g.vertex(n)
    _lightweight(g.db, g.v["A"], g.v["B"])
    g.edge("B", "C", "Knows")
    _lightweight(g.db, g.v["C"], g.v["D"], "Likes")
    assert g.names(value(g.db, f"select out('Knows') from {g.r('A')}")) == "B"
    assert g.sp("A", "D", "'out'") == "ABCD"
    assert g.sp("D", "A", "'in'") == "DCBA"
    assert g.sp("D", "A") == "DCBA"
    assert g.sp("A", "D", "'out'", "'Knows'") == ""
    assert g.sp("A", "C", "'out'", "'Knows'") == "ABC"
    with_edges = value(g.db, f"select shortestPath({g.r('A')}, {g.r('D')}, 'out', null, {{'edge': true}})")
    # a lightweight edge has no record: only the ordinary edge is interleaved
    assert rids(with_edges) == [g.r("A"), g.r("B"), str(g.e["BC"].rid), g.r("C"), g.r("D")]


def test_argument_forms(g):
    g.chain("ABC")
    db = g.db
    a, c = g.r("A"), g.r("C")
    assert g.names(value(db, f"select shortestPath('{a}', '{c}')")) == "ABC"
    assert g.names(value(db, f"select shortestPath([{a}], [{c}])")) == "ABC"
    assert g.names(value(db, "select shortestPath((select from V where name = 'A'), "
                             "(select from V where name = 'C'))")) == "ABC"
    assert g.names(value(db, "select shortestPath((select @rid from V where name = 'A'), "
                             "(select @rid from V where name = 'C'))")) == "ABC"
    assert g.names(value(db, "select shortestPath($a, $b) let $a = (select from V where name = 'A'), "
                             "$b = (select from V where name = 'C')")) == "ABC"
    assert g.names(value(db, "select shortestPath(:a, :b)", {"a": g.v["A"].rid, "b": g.v["C"]})) == "ABC"
    rows = list(db.query(f"select shortestPath(@rid, {c}) as p from V where name = 'A'"))
    assert g.names(rows[0]["p"]) == "ABC"


def test_expand_gives_vertex_records(g):
    g.chain("ABC")
    rows = list(g.db.query(f"select expand(shortestPath({g.r('A')}, {g.r('C')}))"))
    assert [r["name"] for r in rows] == ["A", "B", "C"]
    assert all(isinstance(r, Document) and r.class_name == "V" for r in rows)


def test_orientdb_reference_graph(memdb):
    """The graph of OrientDB's OSQLFunctionShortestPathTest, with its expected paths."""
    memdb.create_class("Edge1", ["E"])
    memdb.create_class("Edge2", ["E"])
    g = Graph(memdb)
    for i in range(1, 5):
        g.vertex(str(i))
    g.edge("1", "2", "Edge1")
    g.edge("2", "3", "Edge1")
    g.edge("3", "1", "Edge2")
    g.edge("3", "4", "Edge1")
    for i in range(5, 21):
        g.edge(str(i - 1), str(i), "Edge1")
        if i % 2 == 0:
            g.edge(str(i - 2), str(i), "Edge1")

    def path(a, b, *rest):
        args = ", ".join([g.r(a), g.r(b), *rest])
        by_rid = {str(d.rid): n for n, d in g.v.items()}
        return [by_rid[r] for r in rids(value(memdb, f"select shortestPath({args})"))]

    assert path("1", "4") == ["1", "3", "4"]
    assert path("1", "4", "'out'", "null") == ["1", "2", "3", "4"]
    assert path("1", "4", "null", "'Edge1'") == ["1", "2", "3", "4"]
    assert path("1", "4", "'BOTH'", "['Edge1', 'Edge2']") == ["1", "3", "4"]
    assert path("1", "20") == ["1", "3"] + [str(i) for i in range(4, 21, 2)]
    assert len(path("1", "20", "null", "null", "{'maxDepth': 11}")) == 11
    assert len(path("1", "20", "null", "null", "{'maxDepth': 12}")) == 11
    assert path("1", "20", "null", "null", "{'maxDepth': 10}") == []
    assert path("1", "20", "null", "null", "{'maxDepth': 3}") == []


def test_bfs_reads_each_record_once(g, monkeypatch):
    n = 400
    for i in range(n):
        g.vertex(f"v{i}")
    for i in range(n - 1):
        g.db.create_edge("E", g.v[f"v{i}"].rid, g.v[f"v{i + 1}"].rid)
    for i in range(0, n - 2, 7):  # a few shortcuts and dead ends
        g.db.create_edge("E", g.v[f"v{i}"].rid, g.db.create_vertex("V").rid)
    loads: dict = {}
    real = type(g.db).load

    def counting(self, rid):
        loads[rid] = loads.get(rid, 0) + 1
        return real(self, rid)

    monkeypatch.setattr(type(g.db), "load", counting)
    path = value(g.db, f"select shortestPath({g.r('v0')}, {g.r(f'v{n - 1}')})")
    assert len(path) == n
    assert max(loads.values()) == 1


# --- shortestPath errors -------------------------------------------------------------

@pytest.fixture(scope="module")
def knows_ab(new_db):
    db = new_db()
    db.create_class("Knows", ["E"])
    g = Graph(db)
    g.edge("A", "B", "Knows")
    return g


@pytest.mark.parametrize("args, message", [
    ("#A, #B, 'sideways'", "direction must be OUT, IN or BOTH, got 'sideways'"),
    ("#A, #B, 3", "direction must be OUT, IN or BOTH, got 3"),
    ("#A, #B, 'out', 'Nope'", "edge class 'Nope' does not exist"),
    ("#A, #B, 'out', 'V'", "class V is not an edge class"),
    ("#A, #B, 'out', [1]", "the edge class must be a name or a list of names, got [1]"),
    ("#A, #B, 'out', null, {'depth': 2}", "unknown option 'depth' (known: maxDepth, edge)"),
    ("#A, #B, 'out', null, {'maxDepth': 'x'}", "maxDepth must be a whole number, got 'x'"),
    ("#A, #B, 'out', null, {'edge': 3}", "edge must be true or false, got 3"),
    ("#A, #B, 'out', null, 5", "options must be a map"),
    ("#A", "shortestPath() takes 2 to 5 arguments, got 1"),
    ("#A, #B, 'out', null, {}, 1", "shortestPath() takes 2 to 5 arguments, got 6"),
    ("#E, #B", "the source must be a vertex record, got #"),
    ("#A, 'hello'", "the destination must be a vertex record, got 'hello'"),
    ("#A, null", "the destination must be a vertex record, got null"),
    ("#A, #99:0", "the destination must be a vertex record, got #99:0"),
    ("(select from V), #B", "only one source vertex is allowed, got 2 records"),
    ("(select from V where name = 'nobody'), #B", "the source must be a vertex record, got []"),
])
def test_shortest_path_errors(knows_ab, args, message):
    g = knows_ab
    edge = g.e["AB"]
    args = args.replace("#A", g.r("A")).replace("#B", g.r("B")).replace("#E", str(edge.rid))
    with pytest.raises(QueryError) as exc:
        list(g.db.query(f"select shortestPath({args})"))
    text = str(exc.value)
    assert message in text and "\n" not in text


# --- dijkstra ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def roads(new_db):
    db = new_db()
    db.create_class("Road", ["E"])
    db.create_class("Ferry", ["E"])
    g = Graph(db)
    g.vertex("Z")
    g.edge("A", "B", "Road", km=10, name="main road")
    g.edge("A", "C", "Road", km=1)
    g.edge("C", "D", "Road", km=2.5)
    g.edge("D", "B", "Road", km=1)
    g.edge("B", "E", "Ferry")  # no weight: counts as 0
    return g


def dj(g, *args: str) -> str:
    return g.names(value(g.db, f"select dijkstra({', '.join(args)})"))


def test_dijkstra_prefers_the_lighter_longer_path(roads):
    g = roads
    assert g.sp("A", "B") == "AB"
    assert dj(g, g.r("A"), g.r("B"), "'km'") == "ACDB"
    assert dj(g, g.r("A"), g.r("E"), "'km'") == "ACDBE"


def test_dijkstra_returns_vertex_records(roads):
    path = value(roads.db, f"select dijkstra({roads.r('A')}, {roads.r('B')}, 'km')")
    assert all(isinstance(v, Document) for v in path)
    rows = list(roads.db.query(f"select expand(dijkstra({roads.r('A')}, {roads.r('B')}, 'km'))"))
    assert [r["name"] for r in rows] == ["A", "C", "D", "B"]


def test_dijkstra_direction_and_unreachable(roads):
    g = roads
    assert dj(g, g.r("B"), g.r("A"), "'km'") == ""  # OUT by default
    assert dj(g, g.r("B"), g.r("A"), "'km'", "'in'") == "BDCA"
    assert dj(g, g.r("B"), g.r("A"), "'km'", "'both'") == "BDCA"
    assert dj(g, g.r("A"), g.r("A"), "'km'") == "A"
    assert dj(g, g.r("A"), g.r("Z"), "'km'") == ""


def test_dijkstra_missing_weights_count_as_zero(roads):
    g = roads
    assert dj(g, g.r("A"), g.r("B"), "'nothing'") == "AB"  # every path weighs 0: fewest expansions


def test_dijkstra_weights_from_lightweight_edges_are_zero(memdb):
    memdb.create_class("Knows", ["E"])
    g = Graph(memdb)
    g.edge("A", "B", "Knows", w=5)
    g.edge("B", "C", "Knows", w=5)
    g.vertex("D")
    _lightweight(memdb, g.v["A"], g.v["D"])
    _lightweight(memdb, g.v["D"], g.v["C"])
    assert dj(g, g.r("A"), g.r("C"), "'w'") == "ADC"


@pytest.mark.parametrize("args, message", [
    ("#A, #B, 'name'", "weight 'name' of edge #"),
    ("#A, #B, 3", "the weight must be an edge property name, got 3"),
    ("#A, #B, null", "the weight must be an edge property name, got null"),
    ("#A, #B, 'km', 'up'", "direction must be OUT, IN or BOTH, got 'up'"),
    ("#A, #B", "dijkstra() takes 3 to 4 arguments, got 2"),
    ("#B, #X, 'km'", "the destination must be a vertex record, got #"),
])
def test_dijkstra_errors(roads, args, message):
    g = roads
    args = args.replace("#A", g.r("A")).replace("#B", g.r("B")).replace("#X", str(g.e["AB"].rid))
    with pytest.raises(QueryError) as exc:
        list(g.db.query(f"select dijkstra({args})"))
    assert message in str(exc.value) and "\n" not in str(exc.value)


# --- astar ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cities(new_db):
    """The graph of OrientDB's OSQLFunctionAstarTest."""
    db = new_db()
    db.create_class("has_path", ["E"])
    g = Graph(db)
    coords = {"1": (35.746512, 51.427002), "2": (21.371244, 39.847412), "3": (39.904041, 116.408011),
              "4": (51.495065, -0.120850), "5": (42.779275, -74.641113), "6": (34.052234, -118.243685)}
    for n, (lat, lon) in coords.items():
        g.vertex(n, lat=lat, lon=lon)
    for a, b, w in [("1", "2", 250), ("2", "3", 250), ("1", "3", 1000), ("3", "4", 250), ("2", "4", 600),
                    ("4", "5", 400), ("5", "6", 300), ("3", "6", 200), ("4", "6", 900), ("2", "6", 2500),
                    ("1", "5", 100), ("4", "1", 200), ("5", "3", 800), ("5", "2", 500), ("6", "5", 250),
                    ("3", "1", 550)]:
        g.edge(a, b, "has_path", weight=float(w), ptype="road")
    return g


def star(g, a: str, b: str, options: str | None = None, weight: str = "'weight'") -> str:
    args = [g.r(a), g.r(b), weight] + ([options] if options else [])
    return g.names(value(g.db, f"select astar({', '.join(args)})"))


@pytest.mark.parametrize("a, b, options, expected", [
    ("1", "4", "{'direction': 'out', 'parallel': true, 'edgeTypeNames': ['has_path']}", "1234"),
    ("1", "4", "{'direction': 'out', 'parallel': true, 'edgeTypeNames': 'has_path'}", "1234"),
    ("1", "6", "{'direction': 'out', 'edgeTypeNames': ['has_path']}", "156"),
    ("1", "6", "{'direction': 'out', 'vertexAxisNames': ['lat', 'lon']}", "156"),
    ("3", "5", "{'direction': 'out', 'vertexAxisNames': ['lat', 'lon']}", "365"),
    ("6", "1", "{'direction': 'out', 'vertexAxisNames': ['lat', 'lon']}", "652341"),
    ("6", "1", "{'direction': 'out', 'vertexAxisNames': 'lat,lon', 'heuristicFormula': 'EucliDEAN'}", "652341"),
    ("6", "1", ("{'direction': 'out', 'tieBreaker': false, 'vertexAxisNames': ['lat', 'lon'], "
                "'heuristicFormula': 'EUCLIDEANNOSQR'}"), "65241"),
    ("6", "1", ("{'direction': 'both', 'tieBreaker': false, 'vertexAxisNames': ['lat', 'lon'], "
                "'heuristicFormula': 'MAXAXIS'}"), "651"),
    ("6", "1", "{'vertexAxisNames': ['lat'], 'dFactor': 2}", "652341"),
    ("6", "1", "{'vertexAxisNames': ['lat', 'lon'], 'heuristicFormula': 'diagonal'}", "652341"),
    ("6", "1", "{'maxDepth': 3}", "6523"),
    ("6", "1", "{'maxDepth': 3, 'emptyIfMaxDepth': true}", ""),
    ("6", "1", "{'maxDepth': 30, 'emptyIfMaxDepth': true}", "652341"),
    ("1", "1", None, "1"),
    ("1", "4", "{'direction': 'in'}", "14"),
])
def test_astar_orientdb_cases(cities, a, b, options, expected):
    assert star(cities, a, b, options) == expected


def test_astar_heuristic_steers_the_search(memdb):
    """A grid where every step weighs 1: the heuristic decides which equal-cost path is found."""
    g = Graph(memdb)
    for x in range(3):
        for y in range(3):
            g.vertex(f"{x}{y}", x=x, y=y)
    for x in range(3):
        for y in range(3):
            if x < 2:
                g.edge(f"{x}{y}", f"{x + 1}{y}", w=1)
            if y < 2:
                g.edge(f"{x}{y}", f"{x}{y + 1}", w=1)

    def run(options):
        path = value(memdb, f"select astar({g.r('00')}, {g.r('22')}, 'w', {options})")
        return [d["name"] for d in path]

    for formula in ("MANHATAN", "MANHATTAN", "EUCLIDEAN", "MAXAXIS", "DIAGONAL", "EUCLIDEANNOSQR"):
        path = run(f"{{'vertexAxisNames': ['x', 'y'], 'heuristicFormula': '{formula}'}}")
        assert path[0] == "00" and path[-1] == "22" and len(path) == 5
    assert len(run("{}")) == 5
    assert len(run("{'vertexAxisNames': ['x', 'y', 'w']}")) == 5  # missing axes count as 0


@pytest.mark.parametrize("options, message", [
    ("{'speed': 3}", "unknown option 'speed' (known: direction, edgeTypeNames"),
    ("{'direction': 'around'}", "direction must be OUT, IN or BOTH, got 'around'"),
    ("{'edgeTypeNames': ['Nope']}", "edge class 'Nope' does not exist"),
    ("{'edgeTypeNames': 5}", "edgeTypeNames must be a name or a list of names, got 5"),
    ("{'vertexAxisNames': [1, 2]}", "vertexAxisNames must be a name or a list of names"),
    ("{'heuristicFormula': 'CUSTOM', 'customHeuristicFormula': 'f'}", "custom heuristic formulas are not supported"),
    ("{'customHeuristicFormula': 'f'}", "custom heuristic formulas are not supported"),
    ("{'heuristicFormula': 'GUESS'}", "heuristicFormula must be one of MANHATAN, MAXAXIS"),
    ("{'maxDepth': 1.5}", "maxDepth must be a whole number, got 1.5"),
    ("{'dFactor': 'big'}", "dFactor must be a number, got 'big'"),
    ("{'tieBreaker': 'maybe'}", "tieBreaker must be true or false, got 'maybe'"),
    ("{'emptyIfMaxDepth': 1}", "emptyIfMaxDepth must be true or false, got 1"),
    ("'out'", "options must be a map"),
])
def test_astar_errors(cities, options, message):
    g = cities
    with pytest.raises(QueryError) as exc:
        list(g.db.query(f"select astar({g.r('1')}, {g.r('4')}, 'weight', {options})"))
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_astar_non_numeric_weight(cities):
    g = cities
    with pytest.raises(QueryError, match="weight 'ptype' of edge #.* is not a number: 'road'"):
        star(g, "1", "4", None, "'ptype'")
    with pytest.raises(QueryError, match="astar\\(\\) takes 3 to 4 arguments, got 5"):
        list(g.db.query(f"select astar({g.r('1')}, {g.r('4')}, 'weight', {{}}, 1)"))
    with pytest.raises(QueryError, match="the destination must be a vertex record"):
        list(g.db.query(f"select astar({g.r('1')}, {g.e['12'].rid}, 'weight')"))
