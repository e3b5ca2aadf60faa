"""What completion knows about the open database: names, kept in memory.

The console fills a :class:`SchemaCache` after connecting and refreshes it
after DDL; completion reads it on every keystroke and never queries a
database.  Each update builds a new immutable snapshot whose candidate lists
are sorted once, so a keystroke costs a binary search plus, at most, one
C-level scan of a joined string.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Iterable, Mapping

__all__ = ["SchemaCache", "Candidates"]


class Candidates:
    """Names sorted case-insensitively, with a joined copy for C-speed scans.

    :meth:`match` finds names starting with a word (binary search), then
    names containing it, then names containing its letters in order (a
    fuzzy match; words of three letters or more), all ignoring case.
    """

    __slots__ = ("names", "keys", "_joined", "_starts")

    def __init__(self, names: Iterable[str]) -> None:
        ordered = sorted(set(names), key=lambda n: (n.lower(), n))
        self.names: tuple[str, ...] = tuple(ordered)
        self.keys: tuple[str, ...] = tuple(n.lower() for n in ordered)
        self._joined: str | None = None
        self._starts: list[int] = []

    def __len__(self) -> int:
        return len(self.names)

    def _index(self) -> str:
        if self._joined is None:
            starts, pos = [], 0
            for key in self.keys:
                starts.append(pos)
                pos += len(key) + 1
            self._starts = starts
            self._joined = "\n".join(self.keys) + "\n"
        return self._joined

    def match(self, word: str, limit: int) -> tuple[list[str], list[str], list[str]]:
        """Names that start with, contain, or fuzzily contain ``word`` (any case)."""
        if not word:
            return list(self.names[:limit]), [], []
        w = word.lower()
        lo = bisect_left(self.keys, w)
        hi = bisect_left(self.keys, w + "\U0010ffff", lo)
        prefix = list(self.names[lo:hi][:limit])
        if len(prefix) >= limit or "\n" in w or len(w) < 2:  # one letter: prefix only
            return prefix, [], []
        joined = self._index()
        starts = self._starts
        seen = set(range(lo, hi))
        contains: list[int] = []
        pos = joined.find(w)
        while pos >= 0 and len(contains) + len(prefix) < limit:
            i = bisect_left(starts, pos + 1) - 1
            if i not in seen:
                seen.add(i)
                contains.append(i)
            pos = joined.find(w, starts[i + 1] if i + 1 < len(starts) else len(joined))
        fuzzy: list[int] = []
        if len(w) >= 3 and len(contains) + len(prefix) < limit:  # shorter: too noisy
            # subsequence match, one line per name; [^c\n]*c cannot backtrack
            pattern = "(?m)^" + "".join(f"[^{re.escape(c)}\\n]*{re.escape(c)}" for c in w)
            for m in re.finditer(pattern, joined):
                i = bisect_left(starts, m.start() + 1) - 1
                if i not in seen:
                    seen.add(i)
                    fuzzy.append(i)
                    if len(contains) + len(prefix) + len(fuzzy) >= limit:
                        break
        names = self.names
        return prefix, [names[i] for i in contains], [names[i] for i in fuzzy]


_NONE = Candidates(())


@dataclass
class _Snapshot:
    """One state of the schema, never changed once built (only its lazy
    per-class candidate lists are filled in); SchemaCache swaps in a new one."""

    classes: Candidates
    properties: dict[str, tuple[str, ...]]   # lower-case class name -> names incl. inherited
    clusters: Candidates
    indexes: Candidates
    _by_class: dict[str, Candidates] = field(default_factory=dict)
    _all: Candidates | None = None

    def properties_of(self, class_names: tuple[str, ...]) -> Candidates:
        if not class_names:
            if self._all is None:
                self._all = Candidates(p for props in self.properties.values() for p in props)
            return self._all
        key = ",".join(sorted(c.lower() for c in class_names))
        found = self._by_class.get(key)
        if found is None:
            if not any(c.lower() in self.properties for c in class_names):
                return _NONE  # not a class (a field path, an alias): remember nothing
            found = Candidates(p for c in class_names for p in self.properties.get(c.lower(), ()))
            self._by_class[key] = found
        return found


def _resolve(own: Mapping[str, Iterable[str]], supers: Mapping[str, Iterable[str]]
             ) -> dict[str, tuple[str, ...]]:
    """Lower-case class name -> own then inherited property names (cycle-safe)."""
    own_l = {c.lower(): tuple(p) for c, p in own.items()}
    supers_l = {c.lower(): [s.lower() for s in ss] for c, ss in supers.items()}
    resolved: dict[str, tuple[str, ...]] = {}
    for cls in own_l.keys() | supers_l.keys():
        names: dict[str, None] = {}
        seen = {cls}
        stack = [cls]
        while stack:  # depth-first, super-classes in declared order
            current = stack.pop()
            names.update(dict.fromkeys(own_l.get(current, ())))
            for sup in reversed(supers_l.get(current, ())):
                if sup not in seen:
                    seen.add(sup)
                    stack.append(sup)
        resolved[cls] = tuple(names)
    return resolved


class SchemaCache:
    """What completion knows about the open database; never queried per keystroke.

    The console fills it after connecting and refreshes it after DDL::

        cache.update(classes={"Person": ["name", "age"], "Employee": ["salary"]},
                     superclasses={"Employee": ["Person"]},
                     clusters=["person", "person_1"], indexes=["Person.name"])

    Each part passed replaces the previous one; parts left out are kept.
    Updates build a new immutable snapshot and swap it in, so a completer
    running in another thread always sees a consistent state.
    """

    def __init__(self) -> None:
        self._own: dict[str, tuple[str, ...]] = {}
        self._supers: dict[str, tuple[str, ...]] = {}
        self._clusters: tuple[str, ...] = ()
        self._indexes: tuple[str, ...] = ()
        self._snapshot = self._build()

    def update(self, *, classes: Mapping[str, Iterable[str]] | None = None,
               superclasses: Mapping[str, Iterable[str]] | None = None,
               clusters: Iterable[str] | None = None,
               indexes: Iterable[str] | None = None) -> None:
        """Replace the given parts: class -> own property names, class -> its
        super-classes (properties are inherited through them), cluster and
        index names."""
        if classes is not None:
            self._own = {c: tuple(p) for c, p in classes.items()}
        if superclasses is not None:
            self._supers = {c: tuple(s) for c, s in superclasses.items()}
        if clusters is not None:
            self._clusters = tuple(clusters)
        if indexes is not None:
            self._indexes = tuple(indexes)
        self._snapshot = self._build()

    def set_class(self, name: str, properties: Iterable[str] = (),
                  superclasses: Iterable[str] = ()) -> None:
        """Add or replace one class (after CREATE CLASS / CREATE PROPERTY...)."""
        own = {c: p for c, p in self._own.items() if c.lower() != name.lower()}
        supers = {c: s for c, s in self._supers.items() if c.lower() != name.lower()}
        own[name] = tuple(properties)
        supers[name] = tuple(superclasses)
        self.update(classes=own, superclasses=supers)

    def drop_class(self, name: str) -> None:
        """Forget one class (after DROP CLASS)."""
        self.update(classes={c: p for c, p in self._own.items() if c.lower() != name.lower()},
                    superclasses={c: s for c, s in self._supers.items()
                                  if c.lower() != name.lower()})

    def clear(self) -> None:
        """Forget everything (after DISCONNECT)."""
        self.update(classes={}, superclasses={}, clusters=(), indexes=())

    @property
    def class_names(self) -> tuple[str, ...]:
        return self._snapshot.classes.names

    @property
    def cluster_names(self) -> tuple[str, ...]:
        return self._snapshot.clusters.names

    @property
    def index_names(self) -> tuple[str, ...]:
        return self._snapshot.indexes.names

    def properties(self, class_name: str) -> tuple[str, ...]:
        """Property names of a class, inherited ones included (any case)."""
        return self._snapshot.properties.get(class_name.lower(), ())

    @property
    def snapshot(self) -> _Snapshot:
        return self._snapshot

    def _build(self) -> _Snapshot:
        names: dict[str, str] = {}  # lower-case -> spelling; declared names win
        for name in [s for supers in self._supers.values() for s in supers]:
            names[name.lower()] = name
        for name in [*self._supers, *self._own]:
            names[name.lower()] = name
        snap = _Snapshot(
            classes=Candidates(names.values()),
            properties=_resolve(self._own, self._supers),
            clusters=Candidates(self._clusters),
            indexes=Candidates(self._indexes),
        )
        # pay for the big lists here, not on the first keystroke
        snap.properties_of(())._index()
        snap.classes._index()
        return snap
