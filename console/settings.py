"""Console properties (``SET name value``, ``GET name``, ``PROPERTIES``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from console.errors import OrientError


class SettingError(OrientError):
    """Unknown property or a value of the wrong kind."""


def _str(text: str) -> str:
    return text.strip().strip("'\"")


def _date_pattern(text: str) -> str:
    """A Java SimpleDateFormat pattern (checked)."""
    from console.engine.sql.javatext import compile_pattern

    pattern = _str(text)
    compile_pattern(pattern)
    return pattern


def _bool(text: str) -> bool:
    t = _str(text).lower()
    if t in ("true", "on", "yes", "1"):
        return True
    if t in ("false", "off", "no", "0"):
        return False
    raise ValueError("expected true or false")


def _int_from(low: int, high: int = 2 ** 31 - 1) -> Callable[[str], int]:
    """A whole number from ``low`` to ``high``."""
    def parse(text: str) -> int:
        t = _str(text)
        try:
            value = int(t)
        except ValueError:
            raise ValueError("expected a whole number") from None
        if not low <= value <= high:
            raise ValueError(f"expected a whole number from {low} to {high}")
        return value
    return parse


_int = _int_from(0)


def _choice(*choices: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        t = _str(text).lower()
        if t not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}")
        return t
    return parse


@dataclass(frozen=True)
class Spec:
    name: str
    default: Any
    parse: Callable[[str], Any]
    help: str


SPECS: tuple[Spec, ...] = (
    Spec("limit", 20, _int_from(-1), "rows shown by a query or BROWSE (-1: all)"),
    Spec("echo", False, _bool, "print each command before running it"),
    Spec("ignoreErrors", False, _bool, "keep running a script after a failing command"),
    Spec("verbose", 2, _int_from(0, 3), "0 quiet, 1 results only, 2 results and messages, 3 also timings"),
    Spec("collectionMaxItems", 10, _int_from(-1), "items of a collection shown in a table cell (-1: all)"),
    Spec("maxBinaryDisplay", 150, _int, "bytes of a binary value shown"),
    Spec("maxColumnWidth", 40, _int, "characters of a table cell before it is shortened"),
    Spec("debug", False, _bool, "show a traceback for unexpected errors"),
    Spec("format", "table", _choice("table", "json", "csv"), "output format: table, json or csv"),
    Spec("width", 0, _int, "table width in characters (0: the terminal's)"),
    Spec("backupCompressionLevel", 9, _int_from(0, 9), "zip compression level of BACKUP DATABASE"),
    Spec("backupBufferSize", 1048576, _int, "buffer size of BACKUP DATABASE"),
    Spec("dateFormat", "yyyy-MM-dd", _date_pattern, "how DATE values are shown (a Java date pattern)"),
    Spec("dateTimeFormat", "yyyy-MM-dd HH:mm:ss", _date_pattern, "how DATETIME values are shown (a Java date pattern)"),
    Spec("progress", True, _bool, "show progress bars for long commands on a terminal"),
)
_BY_NAME = {s.name.lower(): s for s in SPECS}


class Settings:
    """The current values of the console properties."""

    def __init__(self) -> None:
        self._values = {s.name: s.default for s in SPECS}

    def spec(self, name: str) -> Spec:
        s = _BY_NAME.get(name.strip().lower())
        if s is None:
            raise SettingError(f"unknown property '{name}' (known: {', '.join(x.name for x in SPECS)})")
        return s

    def get(self, name: str) -> Any:
        return self._values[self.spec(name).name]

    def set(self, name: str, text: str) -> tuple[Any, Any]:
        """Set from text; returns (previous, new)."""
        spec = self.spec(name)
        try:
            value = spec.parse(text)
        except ValueError as exc:
            raise SettingError(f"invalid value '{text.strip()}' for {spec.name}: {exc}") from None
        old = self._values[spec.name]
        self._values[spec.name] = value
        return old, value

    def items(self) -> list[tuple[str, Any, str]]:
        return [(s.name, self._values[s.name], s.help) for s in SPECS]

    def __getattr__(self, name: str) -> Any:
        spec = _BY_NAME.get(name.lower())
        if spec is None:
            raise AttributeError(name)
        return self._values[spec.name]
