"""The prompt_toolkit completer: suggestion kinds turned into completions.

Matches ignore case: prefix matches come first, then names containing the
word, then fuzzy (subsequence) matches, from a :class:`SchemaCache` filled by
the console (completion never queries a database).
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator, Mapping

from prompt_toolkit.completion import CompleteEvent, Completer, Completion, PathCompleter
from prompt_toolkit.document import Document

from console.repl.completion import completion_context
from console.repl.lexer import ATTRIBUTES, FUNCTIONS, METHODS, TYPES
from console.repl.schema_cache import Candidates, SchemaCache
from console.repl.vocabulary import (
    CONSOLE_PROPERTIES, OPTIONS, Attribute, ClassName, ClusterName, ConsoleProperty, DatabaseUrl,
    FilePath, Function, IndexName, Keyword, Method, Option, PropertyName, Suggestion, Type,
)

# --- the prompt_toolkit completer -------------------------------------------------------

_FIXED = {
    Type: (Candidates(TYPES), "type"),
    Function: (Candidates(FUNCTIONS), "function"),
    Method: (Candidates(METHODS), "method"),
    Attribute: (Candidates(ATTRIBUTES), "attribute"),
}
_URL_SCHEMES = Candidates(("plocal:", "memory:", "remote:localhost/", "embedded:"))
_keyword_cache: dict[tuple[str, ...], Candidates] = {}


def _keywords(candidates: tuple[str, ...]) -> Candidates:
    found = _keyword_cache.get(candidates)
    if found is None:
        found = _keyword_cache[candidates] = Candidates(candidates)
    return found


class OrientCompleter(Completer):
    """prompt_toolkit completer over :func:`completion_context` and a SchemaCache.

    Matches ignore case: prefix matches come first, then names containing
    the word, then fuzzy (subsequence) matches; at most ``max_completions``
    are offered.  ``console_properties`` and ``options`` (command -> option
    names as inserted) default to this module's lists; the console may pass
    its own.  Keywords follow the case of what was typed (``sel`` ->
    ``select``).  Files and ``plocal:``/``embedded:`` paths are completed by
    prompt_toolkit's PathCompleter.
    """

    def __init__(self, schema: SchemaCache, *, console_properties: Iterable[str] = CONSOLE_PROPERTIES,
                 options: Mapping[str, Iterable[str]] = OPTIONS,
                 max_completions: int = 1000) -> None:
        self.schema = schema
        self.options = {command: tuple(names) for command, names in options.items()}
        self.max_completions = max_completions
        self._console_properties = Candidates(console_properties)
        self._paths = PathCompleter(expanduser=True)

    def get_completions(self, document: Document, complete_event: CompleteEvent
                        ) -> Iterator[Completion]:
        ctx = completion_context(document.text_before_cursor)
        word = ctx.word_before_cursor
        start = -len(word)
        tiers: tuple[list[tuple[str, str, str]], ...] = ([], [], [])
        for suggestion in ctx.suggestions:
            if isinstance(suggestion, FilePath):
                yield from self._files(word, complete_event)
                continue
            if isinstance(suggestion, DatabaseUrl):
                scheme, colon, rest = word.partition(":")
                if colon and scheme.lower() in ("plocal", "embedded"):
                    yield from self._files(rest, complete_event)
                    continue
            found = self._candidates(suggestion)
            if found is None:
                continue
            candidates, meta = found
            text_case = _keyword_case(word) if isinstance(suggestion, (Keyword, Type)) else None
            for tier, names in zip(tiers, candidates.match(word, self.max_completions)):
                for name in names:
                    text = text_case(name) if text_case else name
                    tier.append((text, meta, name + "()" if meta in ("function", "method") else text))
        seen: set[str] = set()
        count = 0
        for tier in tiers:
            for text, meta, display in tier:
                if text in seen:
                    continue
                seen.add(text)
                yield Completion(text, start, display=display, display_meta=meta)
                count += 1
                if count >= self.max_completions:
                    return

    def _candidates(self, s: Suggestion) -> tuple[Candidates, str] | None:
        snap = self.schema.snapshot
        if isinstance(s, Keyword):
            return _keywords(s.candidates), "keyword"
        if isinstance(s, ClassName):
            return snap.classes, "class"
        if isinstance(s, PropertyName):
            return snap.properties_of(s.class_names), "property"
        if isinstance(s, ClusterName):
            return snap.clusters, "cluster"
        if isinstance(s, IndexName):
            return snap.indexes, "index"
        if isinstance(s, ConsoleProperty):
            return self._console_properties, "console property"
        if isinstance(s, Option):
            used = set(s.used)
            return Candidates(o for o in self.options.get(s.command, ())
                               if o.partition("=")[0].lower() not in used), f"{s.command} option"
        if isinstance(s, DatabaseUrl):
            return _URL_SCHEMES, "database URL"
        return _FIXED.get(type(s))

    def _files(self, path: str, event: CompleteEvent) -> Iterator[Completion]:
        yield from self._paths.get_completions(Document(path, len(path)), event)


def _keyword_case(word: str) -> Callable[[str], str] | None:
    """Keywords and types are offered in lower case when the user types in lower case."""
    if word and word.islower():
        return str.lower
    return None
