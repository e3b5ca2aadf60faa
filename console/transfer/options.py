"""``-name=value`` options of EXPORT / IMPORT / BACKUP DATABASE, with OrientDB's defaults.

OrientDB ignores unknown options and reads any boolean that is not "true" as
false; here an unknown option or a malformed value is an error that lists
the valid options.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Iterable

from console.errors import OrientError


class OptionError(OrientError):
    """An unknown option or a value of the wrong kind."""


@dataclass
class ExportOptions:
    """EXPORT DATABASE options."""

    includeInfo: bool = True
    includeClusterDefinitions: bool = True
    includeSchema: bool = True
    includeRecords: bool = True
    includeIndexDefinitions: bool = True
    includeManualIndexes: bool = True
    includeSecurity: bool = False
    useLineFeedForRecords: bool = False
    compressionLevel: int = 1
    compressionBuffer: int = 16384
    includeClass: list[str] | None = None
    excludeClass: list[str] | None = None
    includeCluster: list[str] | None = None
    excludeCluster: list[str] | None = None
    excludeAll: bool = False


@dataclass
class ImportOptions:
    """IMPORT DATABASE options."""

    preserveClusterIDs: bool = True
    merge: bool = False
    deleteRIDMapping: bool = True
    migrateLinks: bool = True
    rebuildIndexes: bool = True
    includeCluster: list[str] | None = None
    excludeCluster: list[str] | None = None
    excludeClass: list[str] | None = None


@dataclass
class BackupOptions:
    """BACKUP DATABASE options."""

    compressionLevel: int = 9
    bufferSize: int = 1048576


@dataclass
class RestoreOptions:
    """RESTORE DATABASE options."""

    name: str | None = None


_RANGES: dict[str, tuple[int, int]] = {
    "compressionLevel": (0, 9),
    "compressionBuffer": (1, 1 << 30),
    "bufferSize": (1024, 1 << 30),
}


def _names(value: str) -> list[str]:
    return [n for n in value.replace(",", " ").split() if n]


def parse_options(cls: type, items: Iterable[tuple[str, str | None]], command: str) -> Any:
    """Build ``cls`` from ``(name, value)`` pairs, refusing unknown names and bad values."""
    opts = cls()
    valid = {f.name.lower(): f for f in fields(cls)}
    for raw_name, raw_value in items:
        name = raw_name.lstrip("-")
        f = valid.get(name.lower())
        if f is None:
            listed = ", ".join(f"-{x.name}" for x in fields(cls))
            raise OptionError(f"unknown option '-{name}' for {command} (valid options: {listed})")
        value = raw_value
        if value is not None and len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        default = f.default
        if isinstance(default, bool) or f.type in ("bool",):
            if value is None:
                parsed: Any = True
            elif value.strip().lower() in ("true", "false"):
                parsed = value.strip().lower() == "true"
            else:
                raise OptionError(f"option -{f.name} of {command} takes true or false, not '{value}'")
        elif isinstance(default, int):
            try:
                parsed = int(value or "")
            except ValueError:
                raise OptionError(f"option -{f.name} of {command} takes a whole number, not '{value}'") from None
            lo, hi = _RANGES.get(f.name, (0, 1 << 62))
            if not lo <= parsed <= hi:
                raise OptionError(f"option -{f.name} of {command} must be between {lo} and {hi}, not {parsed}")
        elif f.name == "name":
            if not value:
                raise OptionError(f"option -{f.name} of {command} needs a value")
            parsed = value
        else:
            if not value:
                raise OptionError(f"option -{f.name} of {command} needs a list of names")
            parsed = _names(value)
        setattr(opts, f.name, parsed)
    if isinstance(opts, ExportOptions):
        _settle_export(opts, {n.lstrip("-").lower() for n, _ in items})
    return opts


def _settle_export(o: ExportOptions, given: set[str]) -> None:
    """OrientDB's interplay: -excludeAll turns everything off; -includeSchema forces info and clusters on."""
    if o.excludeAll:
        for name in ("includeInfo", "includeClusterDefinitions", "includeSchema", "includeRecords",
                     "includeIndexDefinitions", "includeManualIndexes", "includeSecurity"):
            if name.lower() not in given:
                setattr(o, name, False)
    if o.includeSchema:
        o.includeInfo = True
        o.includeClusterDefinitions = True
    if o.includeClass:
        o.includeClass = [c for c in o.includeClass]


def option_names(cls: type) -> list[str]:
    return [f"-{f.name}" for f in fields(cls)]


__all__ = ["ExportOptions", "ImportOptions", "BackupOptions", "RestoreOptions", "OptionError", "parse_options",
           "option_names", "field"]
