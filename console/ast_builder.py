"""The lark Transformer turning parse trees of grammar/*.lark into console.ast nodes.

One method per grammar rule or alias (expressions and targets are in
:mod:`console.ast_expressions`). Optional clauses come back as small
``Part(kind, value)`` records that the statement methods gather by kind, so
the statements do not depend on the position of optional children.
Semantic problems (a bad number, an unknown ``@attribute``, an unknown MATCH
key) raise :class:`Invalid`, which :mod:`console.parser` reports as a
ParseError at the offending token.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

from lark import Token, Transformer, v_args
from lark.tree import Meta

from console import ast
from console.ast_expressions import (
    STAR_ARGS,
    Children,
    ExpressionRules,
    Invalid,
    Method,
    Part,
    bare_word,
    clause,
    fixed,
    flag,
    ident,
    option,
    parts,
    whole_number,
    word,
)
from console.engine.rid import RID
from console.engine.types import OType

__all__ = ["AstBuilder", "Invalid"]

EDGE_WORD = object()  # marks UPDATE EDGE

MATCH_KEYS = {
    "class": "class_name", "as": "alias", "where": "where", "while": "while_",
    "maxdepth": "max_depth", "optional": "optional", "rid": "rid",
    "depthalias": "depth_alias", "pathalias": "path_alias",
}


class AlterValue(NamedTuple):
    """The value of an ALTER statement and its text as typed."""

    value: ast.Expr
    raw: str


def _wordish(expr: ast.Expr) -> bool:
    """Names joined by + and - (``round-robin``, ``-V``): a word, not arithmetic."""
    if isinstance(expr, ast.Field):
        return True
    if isinstance(expr, ast.Negate):
        return _wordish(expr.expr)
    if isinstance(expr, ast.Arithmetic) and expr.op in "+-":
        return _wordish(expr.left) and _wordish(expr.right)
    return False


class AstBuilder(ExpressionRules, Transformer):
    """Builds one statement or expression; create one per parse."""

    def __init__(self, text: str) -> None:
        super().__init__(visit_tokens=False)
        self.text = text
        self.positional = 0
        self.unsuffixed: set[int] = set()     # ids of integer Literals without an L suffix
        self.number_texts: dict[int, tuple[ast.Literal, str]] = {}  # DOUBLE Literals as written

    # ------------------------------------------------------------ entry points
    def start(self, c: Children) -> Any:
        return c[0]

    expression_start = start

    # ------------------------------------------------------------ console commands
    def connect(self, c: Children) -> ast.Connect:
        return ast.Connect(*c)

    def login_word(self, c: Children) -> str:
        return word(c[0])

    db_word = path = login_word

    disconnect = fixed(ast.Disconnect)
    def create_database(self, c: Children) -> ast.CreateDatabase:
        p = parts(c)
        user, password = p.get("credentials", (None, None))
        return ast.CreateDatabase(c[0], user, password, p.get("storage"), p.get("db_type"))

    def db_credentials(self, c: Children) -> Part:
        return Part("credentials", tuple(c))

    def storage_type(self, c: Children) -> Part:
        return Part("storage", c[0].lower())

    def database_type(self, c: Children) -> Part:
        return Part("db_type", c[0].lower())

    def drop_database(self, c: Children) -> ast.DropDatabase:
        user, password = parts(c).get("credentials", (None, None))
        return ast.DropDatabase(c[0] if c else None, user, password)

    list_databases = fixed(ast.ListDatabases)
    info = fixed(ast.Info)
    def info_class(self, c: Children) -> ast.InfoClass:
        return ast.InfoClass(c[0])

    list_classes = fixed(ast.ListClasses)
    list_clusters = fixed(ast.ListClusters)
    list_indexes = fixed(ast.ListIndexes)
    def browse_class(self, c: Children) -> ast.BrowseClass:
        return ast.BrowseClass(c[0])

    def browse_cluster(self, c: Children) -> ast.BrowseCluster:
        return ast.BrowseCluster(c[0])

    def display_record(self, c: Children) -> ast.DisplayRecord:
        return ast.DisplayRecord(whole_number(c[0], "the record number"))

    def display_raw_record(self, c: Children) -> ast.DisplayRawRecord:
        return ast.DisplayRawRecord(RID.parse(c[0]))

    def load_record(self, c: Children) -> ast.LoadRecord:
        return ast.LoadRecord(RID.parse(c[0]))

    def load_script(self, c: Children) -> ast.LoadScript:
        return ast.LoadScript(c[0])

    def _transfer(node: Callable[..., ast.Statement]) -> Method:  # type: ignore[misc]
        def method(self: Any, c: Children) -> ast.Statement:
            return node(c[0], tuple(option(t) for t in c[1:]))
        return method

    export_database = _transfer(ast.ExportDatabase)
    import_database = _transfer(ast.ImportDatabase)
    backup_database = _transfer(ast.BackupDatabase)
    restore_database = _transfer(ast.RestoreDatabase)
    del _transfer

    def check_database(self, c: Children) -> ast.CheckDatabase:
        return ast.CheckDatabase(tuple(option(t) for t in c))

    def repair_database(self, c: Children) -> ast.RepairDatabase:
        return ast.RepairDatabase(tuple(option(t) for t in c))

    def truncate_class(self, c: Children) -> ast.TruncateClass:
        p = parts(c)
        return ast.TruncateClass(c[0], p.get("polymorphic", False), p.get("unsafe", False))

    polymorphic = flag("polymorphic")

    def truncate_cluster(self, c: Children) -> ast.TruncateCluster:
        return ast.TruncateCluster(c[0])

    def truncate_record(self, c: Children) -> ast.TruncateRecord:
        return ast.TruncateRecord(tuple(RID.parse(t) for t in c))

    def set_property(self, c: Children) -> ast.SetProperty:
        return ast.SetProperty(str(c[0]), str(c[1]))

    def get_property(self, c: Children) -> ast.GetProperty:
        return ast.GetProperty(str(c[0]))

    show_properties = fixed(ast.ShowProperties)
    def sleep(self, c: Children) -> ast.Sleep:
        return ast.Sleep(whole_number(c[0], "the sleep time"))

    def echo(self, c: Children) -> ast.Echo:
        text = str(c[0]) if c else ""
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
            text = text[1:-1]
        return ast.Echo(text)

    def help(self, c: Children) -> ast.Help:
        return ast.Help(tuple(c[0].split()) if c else ())

    exit = fixed(ast.Exit)
    begin = fixed(ast.Begin)
    def commit(self, c: Children) -> ast.Commit:
        return ast.Commit(whole_number(c[0], "RETRY") if c else None)

    rollback = fixed(ast.Rollback)
    def explain(self, c: Children) -> ast.Explain:
        return ast.Explain(c[0])

    def profile(self, c: Children) -> ast.Profile:
        return ast.Profile(c[0])

    # ------------------------------------------------------------ schema
    def create_class(self, c: Children) -> ast.CreateClass:
        p = parts(c)
        return ast.CreateClass(
            c[0], p.get("if_not_exists", False), p.get("superclasses", ()),
            p.get("cluster_ids", ()), p.get("clusters"), p.get("abstract", False))

    if_not_exists = flag("if_not_exists")
    if_exists = flag("if_exists")
    abstract = flag("abstract")
    force = flag("force")
    unsafe = flag("unsafe")
    blob = flag("blob")
    upsert = flag("upsert")
    distinct = flag("distinct")
    return_before = flag("return_before")

    def extends(self, c: Children) -> Part:
        return Part("superclasses", tuple(c))

    def class_cluster_ids(self, c: Children) -> Part:
        return Part("cluster_ids", tuple(whole_number(t, "a cluster id") for t in c))

    def class_cluster_count(self, c: Children) -> Part:
        return Part("clusters", whole_number(c[0], "CLUSTERS"))

    def _alter_fields(self, attr: Token, value: AlterValue) -> dict[str, Any]:
        attribute = str(attr).upper()
        expr, key = value.value, None
        if attribute == "CUSTOM" and isinstance(expr, ast.Comparison) and expr.op == "=":
            left = expr.left
            if isinstance(left, ast.Field):
                key, expr = ".".join(left.path), bare_word(expr.right)
        return {"attribute": attribute, "value": expr, "raw": value.raw, "key": key}

    def alter_class(self, c: Children) -> ast.AlterClass:
        return ast.AlterClass(ident(c[0]), **self._alter_fields(c[1], c[2]))

    def drop_class(self, c: Children) -> ast.DropClass:
        p = parts(c)
        return ast.DropClass(c[0], p.get("if_exists", False), p.get("unsafe", False))

    def prop_ref(self, c: Children) -> tuple[str, str]:
        return (ident(c[0]), ident(c[1]))

    def create_property(self, c: Children) -> ast.CreateProperty:
        p = parts(c)
        type_name = next(x for x in c if isinstance(x, Token))
        linked = [x for x in c if isinstance(x, str) and not isinstance(x, Token)]
        return ast.CreateProperty(
            c[0][0], c[0][1], str(type_name), linked[0] if linked else None,
            p.get("if_not_exists", False), p.get("constraints", ()), p.get("unsafe", False))

    def constraints(self, c: Children) -> Part:
        return Part("constraints", tuple(c))

    def constraint(self, c: Children) -> tuple[str, ast.Expr]:
        value = bare_word(c[1]) if len(c) > 1 else ast.Literal(True, OType.BOOLEAN)
        return (str(c[0]).upper(), value)

    def alter_property(self, c: Children) -> ast.AlterProperty:
        return ast.AlterProperty(c[0][0], c[0][1], **self._alter_fields(c[1], c[2]))

    def drop_property(self, c: Children) -> ast.DropProperty:
        p = parts(c)
        return ast.DropProperty(c[0][0], c[0][1], p.get("if_exists", False), p.get("force", False))

    def create_index(self, c: Children) -> ast.CreateIndex:
        name = c[0]
        index_type = str(next(t for t in c[1:] if isinstance(t, Token)))
        p = parts(c)
        class_name, fields = p.get("on", (None, ()))
        if class_name is None and "." in name:
            class_name, prop = name.rsplit(".", 1)
            fields = (ast.IndexField(prop),)
        return ast.CreateIndex(name, index_type, class_name, fields, p.get("key_types", ()),
                               p.get("engine"), p.get("metadata"))

    def index_name(self, c: Children) -> str:
        return ".".join(ident(t) for t in c)

    def index_on(self, c: Children) -> Part:
        return Part("on", (c[0], tuple(c[1:])))

    def index_field(self, c: Children) -> ast.IndexField:
        p = parts(c)
        return ast.IndexField(c[0], p.get("by"), p.get("collate"))

    def index_by(self, c: Children) -> Part:
        return Part("by", c[1].upper())

    def index_collate(self, c: Children) -> Part:
        return Part("collate", str(c[0]))

    def key_types(self, c: Children) -> Part:
        return Part("key_types", tuple(str(t) for t in c))

    def index_engine(self, c: Children) -> Part:
        return Part("engine", str(c[0]))

    index_metadata = clause("metadata")

    def drop_index(self, c: Children) -> ast.DropIndex:
        return ast.DropIndex(c[0], "if_exists" in parts(c))

    def rebuild_index(self, c: Children) -> ast.RebuildIndex:
        return ast.RebuildIndex(c[0])

    def star(self, c: Children) -> str:
        return "*"

    def create_sequence(self, c: Children) -> ast.CreateSequence:
        p = parts(c)
        return ast.CreateSequence(c[0], p.get("if_not_exists", False), p.get("type"), p.get("start"),
                                  p.get("increment"), p.get("cache"))

    def alter_sequence(self, c: Children) -> ast.AlterSequence:
        p = parts(c)
        if "type" in p:
            raise Invalid("ALTER SEQUENCE cannot change the TYPE: drop and create the sequence", c[0])
        return ast.AlterSequence(c[0], p.get("start"), p.get("increment"), p.get("cache"))

    def drop_sequence(self, c: Children) -> ast.DropSequence:
        return ast.DropSequence(c[0], parts(c).get("if_exists", False))

    def sequence_type(self, c: Children) -> Part:
        kind = str(c[0]).upper()
        if kind not in ("ORDERED", "CACHED"):
            raise Invalid(f"a sequence TYPE is ORDERED or CACHED, not {c[0]}", c[0])
        return Part("type", kind)

    sequence_start = clause("start")
    sequence_increment = clause("increment")
    sequence_cache = clause("cache")

    def create_cluster(self, c: Children) -> ast.CreateCluster:
        p = parts(c)
        name = next(x for x in c if not isinstance(x, Part))
        return ast.CreateCluster(name, p.get("id"), p.get("blob", False))

    def cluster_id(self, c: Children) -> Part:
        return Part("id", whole_number(c[0], "a cluster id"))

    def drop_cluster(self, c: Children) -> ast.DropCluster:
        x = c[0]
        return ast.DropCluster(whole_number(x, "a cluster id") if isinstance(x, Token) else x)

    def alter_cluster(self, c: Children) -> ast.AlterCluster:
        x = c[0]
        name = whole_number(x, "a cluster id") if x.type == "NUMBER" else ident(x)
        return ast.AlterCluster(name, **self._alter_fields(c[1], c[2]))

    def alter_database(self, c: Children) -> ast.AlterDatabase:
        return ast.AlterDatabase(**self._alter_fields(c[0], c[1]))

    @v_args(meta=True)
    def alter_value(self, meta: Meta, c: Children) -> AlterValue:
        raw = self.text[meta.start_pos:meta.end_pos] if not meta.empty else ""
        if len(c) == 1 and _wordish(c[0]):          # -V, +V, round-robin, Person
            return AlterValue(ast.Literal("".join(raw.split()), OType.STRING), raw)
        items = [bare_word(x) for x in c]
        value = items[0] if len(items) == 1 else ast.ListLiteral(tuple(items))
        return AlterValue(value, raw)

    # ------------------------------------------------------------ SELECT
    def select_stmt(self, c: Children) -> ast.Select:
        p = parts(c)
        return ast.Select(
            p.get("projections", ()), p.get("target"), p.get("distinct", False), p.get("let", ()),
            p.get("where"), p.get("group_by", ()), p.get("order_by", ()), p.get("unwind", ()),
            p.get("skip"), p.get("limit"), p.get("timeout"))

    projections = clause("projections", many=True)
    from_clause = clause("target")
    let_clause = clause("let", many=True)
    where_clause = clause("where")
    group_clause = clause("group_by", many=True)
    order_clause = clause("order_by", many=True)
    skip_clause = clause("skip")
    limit_clause = clause("limit")
    timeout_clause = clause("timeout")

    def projection(self, c: Children) -> ast.Projection:
        return ast.Projection(c[0], c[1] if len(c) > 1 else None)

    def star_projection(self, c: Children) -> ast.Projection:
        return ast.Projection(ast.Star())

    def let_item(self, c: Children) -> ast.LetItem:
        name = str(c[0])
        return ast.LetItem(name[1:] if name.startswith("$") else name, c[1])

    def order_item(self, c: Children) -> ast.OrderItem:
        return ast.OrderItem(c[0], len(c) > 1 and c[1] == "DESC")

    def order_dir(self, c: Children) -> str:
        return c[0].upper()

    def unwind_clause(self, c: Children) -> Part:
        return Part("unwind", tuple(".".join(path) for path in c))

    # ------------------------------------------------------------ INSERT / UPDATE / DELETE
    def insert_stmt(self, c: Children) -> ast.Insert:
        p = parts(c)
        columns, rows = p.get("values", ((), ()))
        return ast.Insert(c[0], p.get("cluster"), columns=columns, rows=rows,
                          query=p.get("query"), returning=p.get("returning"), **self._body(c[1:]))

    in_cluster = clause("cluster")
    insert_query = clause("query")
    insert_return = clause("returning")

    @v_args(meta=True)
    def values_clause(self, meta: Meta, c: Children) -> Part:
        columns = tuple(x for x in c if isinstance(x, str))
        rows = tuple(x for x in c if isinstance(x, tuple))
        for row in rows:
            if len(row) != len(columns):
                raise Invalid(f"a VALUES row has {len(row)} value(s) for {len(columns)} column(s)", meta)
        return Part("values", (columns, rows))

    def value_row(self, c: Children) -> tuple[ast.Expr, ...]:
        return tuple(c)

    def set_clause(self, c: Children) -> ast.SetClause:
        return ast.SetClause(tuple(c))

    def increment_clause(self, c: Children) -> ast.IncrementClause:
        return ast.IncrementClause(tuple(c))

    def add_clause(self, c: Children) -> ast.AddClause:
        return ast.AddClause(tuple(c))

    def remove_clause(self, c: Children) -> ast.RemoveClause:
        return ast.RemoveClause(tuple(c))

    def put_clause(self, c: Children) -> ast.PutClause:
        return ast.PutClause(tuple(c))

    def merge_clause(self, c: Children) -> ast.MergeClause:
        return ast.MergeClause(c[0])

    def content_clause(self, c: Children) -> ast.ContentClause:
        return ast.ContentClause(c[0])

    def assignment(self, c: Children) -> ast.Assignment:
        return ast.Assignment(c[0], c[1])

    def remove_item(self, c: Children) -> ast.Assignment:
        return ast.Assignment(c[0], c[1] if len(c) > 1 else None)

    def put_item(self, c: Children) -> ast.PutItem:
        return ast.PutItem(*c)

    def field_path(self, c: Children) -> tuple[str, ...]:
        return tuple(c)

    def target_path(self, c: Children) -> tuple[Any, ...]:
        return tuple(str(x) if isinstance(x, str) else x for x in c)

    def update_stmt(self, c: Children) -> ast.Update:
        edge = c[0] is EDGE_WORD
        if edge:
            c = c[1:]
        p = parts(c)
        clauses = tuple(x for x in c if isinstance(x, ast.UpdateClause))
        mode, returns = p.get("return", (None, ()))
        return ast.Update(c[0], clauses, p.get("upsert", False), mode, returns,
                          p.get("where"), p.get("limit"), p.get("timeout"), edge)

    def edge_word(self, c: Children) -> object:
        return EDGE_WORD

    def update_return(self, c: Children) -> Part:
        return Part("return", (c[0], c[1].value if len(c) > 1 else ()))

    def return_mode(self, c: Children) -> str:
        return c[0].upper()

    def delete_stmt(self, c: Children) -> ast.Delete:
        p = parts(c)
        return ast.Delete(c[0], p.get("return_before", False), p.get("where"), p.get("limit"),
                          p.get("unsafe", False))

    # ------------------------------------------------------------ graph
    @staticmethod
    def _body(c: Children) -> dict[str, Any]:
        body: dict[str, Any] = {}
        for x in c:
            if isinstance(x, ast.SetClause):
                body["assignments"] = x.assignments
            elif isinstance(x, ast.ContentClause):
                body["content"] = x.value
        return body

    def create_vertex(self, c: Children) -> ast.CreateVertex:
        p = parts(c)
        class_name = c[0] if c and isinstance(c[0], str) else None
        return ast.CreateVertex(class_name, p.get("cluster"), **self._body(c))

    def create_edge(self, c: Children) -> ast.CreateEdge:
        p = parts(c)
        class_name = c[0] if isinstance(c[0], str) else None
        retry, wait = p.get("retry", (None, None))
        return ast.CreateEdge(p["from_"], p["to"], class_name, p.get("cluster"),
                              retry=retry, retry_wait=wait, batch=p.get("batch"), **self._body(c))

    edge_from = clause("from_")
    edge_to = clause("to")

    def edge_retry(self, c: Children) -> Part:
        nums = [whole_number(t, "RETRY") for t in c]
        return Part("retry", (nums[0], nums[1] if len(nums) > 1 else None))

    def edge_batch(self, c: Children) -> Part:
        return Part("batch", whole_number(c[0], "BATCH"))

    def delete_vertex(self, c: Children) -> ast.DeleteVertex:
        p = parts(c)
        target = c[0] if c and isinstance(c[0], ast.Target) else None
        return ast.DeleteVertex(target, p.get("where"), p.get("limit"))

    def delete_edge(self, c: Children) -> ast.DeleteEdge:
        p = parts(c)
        class_name = c[0] if c and isinstance(c[0], str) else None
        return ast.DeleteEdge(class_name, p.get("rids", ()), p.get("from_"), p.get("to"),
                              p.get("where"), p.get("limit"))

    def edge_rids(self, c: Children) -> Part:
        return Part("rids", tuple(RID.parse(t) for t in c))

    def traverse_stmt(self, c: Children) -> ast.Traverse:
        p = parts(c)
        target = next(x for x in c if isinstance(x, ast.Target))
        return ast.Traverse(target, p.get("projections", ()), p.get("max_depth"), p.get("while_"),
                            p.get("limit"), p.get("strategy"))

    traverse_fields = clause("projections", many=True)
    traverse_while = clause("while_")

    def traverse_maxdepth(self, c: Children) -> Part:
        return Part("max_depth", whole_number(c[0], "MAXDEPTH"))

    def traverse_strategy(self, c: Children) -> Part:
        return Part("strategy", c[1].upper())

    def star_expr(self, c: Children) -> ast.Star:
        return ast.Star()

    def match_stmt(self, c: Children) -> ast.Match:
        p = parts(c)
        patterns = tuple(x for x in c if isinstance(x, ast.MatchPattern))
        negated = tuple(x.value for x in c if isinstance(x, Part) and x.kind == "not")
        return ast.Match(patterns, p["projections"], p.get("distinct", False), p.get("group_by", ()),
                         p.get("order_by", ()), p.get("skip"), p.get("limit"), negated)

    def not_pattern(self, c: Children) -> Part:
        return Part("not", c[0])

    def match_pattern(self, c: Children) -> ast.MatchPattern:
        return ast.MatchPattern(c[0], tuple(c[1:]))

    def match_filter(self, c: Children) -> ast.MatchFilter:
        fields: dict[str, Any] = {}
        for key_token, value in c:
            key = key_token.lower()
            field = MATCH_KEYS.get(key)
            if field is None:
                valid = ", ".join(sorted(MATCH_KEYS))
                raise Invalid(f"unknown MATCH filter key '{key_token}' (valid keys: {valid})", key_token)
            if field in fields:
                raise Invalid(f"MATCH filter key '{key_token}' given twice", key_token)
            fields[field] = self._match_value(field, value, key_token)
        return ast.MatchFilter(**fields)

    @staticmethod
    def _match_value(field: str, value: ast.Expr, token: Token) -> Any:
        if field in ("where", "while_"):
            return value
        if field in ("class_name", "alias", "depth_alias", "path_alias"):
            value = bare_word(value)
            if isinstance(value, ast.Literal) and isinstance(value.value, str):
                return value.value
            raise Invalid(f"MATCH key '{token}' needs a name", token)
        if field == "max_depth":
            if isinstance(value, ast.Literal) and value.otype in (OType.INTEGER, OType.LONG) and value.value >= 0:
                return value.value
            raise Invalid("MATCH key 'maxDepth' needs a whole number", token)
        if field == "optional":
            if isinstance(value, ast.Literal) and value.otype is OType.BOOLEAN:
                return value.value
            raise Invalid("MATCH key 'optional' needs true or false", token)
        if isinstance(value, ast.RidLiteral):          # rid
            return value.rid
        raise Invalid("MATCH key 'rid' needs a record id", token)

    def match_entry(self, c: Children) -> tuple[Token, ast.Expr]:
        return (c[0], c[1])

    def method_step(self, c: Children) -> ast.MatchStep:
        args = c[1] if len(c) > 1 and not isinstance(c[1], ast.MatchFilter) else ()
        if args is STAR_ARGS:
            raise Invalid(f"'*' is not an argument of {c[0]}()", c[0])
        node = c[-1] if isinstance(c[-1], ast.MatchFilter) else ast.MatchFilter()
        return ast.MatchStep(c[0].lower(), args, node)

    def _arrow(method: str) -> Method:  # type: ignore[misc]
        def build(self: Any, c: Children) -> ast.MatchStep:
            args = (ast.Literal(c[0], OType.STRING),) if len(c) > 1 else ()
            return ast.MatchStep(method, args, c[-1], arrow=True)
        return build

    out_arrow = _arrow("out")
    in_arrow = _arrow("in")
    both_arrow = _arrow("both")
    del _arrow
