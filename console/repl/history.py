"""Command history that never stores a password in clear.

:func:`mask_secrets` replaces passwords with ``*****`` in

* ``CONNECT <url> <user> <password>``,
* ``CREATE DATABASE <url> <user> <password> ...`` and
  ``DROP DATABASE <url> <user> <password>``,
* ``SET SERVER USER <name> <password> ...``,
* ``... IDENTIFIED BY <password>`` (``CREATE USER`` / ``ALTER USER``),
* ``password = <value>`` / ``password: <value>`` / ``"password": <value>``
  anywhere (``UPDATE OUser SET password = 'x'``, ``INSERT INTO OUser SET
  ...``, ``CONTENT {"password": "x"}``).

Matching ignores case, accepts quoted passwords (which keep their quotes:
``'*****'``), and works on several ``;``-separated statements and on
multi-line entries.  It errs on the side of masking: a ``password = ...``
comparison in any statement is masked too.

:class:`MaskedFileHistory` is prompt_toolkit's ``FileHistory`` that masks
every entry before it is kept in memory or written, creates the file with
mode 0600, and masks old entries when loading them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterable

from prompt_toolkit.history import FileHistory

from console.session import default_data_dir

__all__ = ["MASK", "mask_secrets", "MaskedFileHistory", "default_history_path"]

MASK = "*****"

# one argument: quoted (backslash escapes, may be unterminated) or bare; all
# quantifiers are possessive so a failed match never backtracks
_QUOTED = r"""'(?:[^'\\]|\\.)*+(?:'|\Z)|"(?:[^"\\]|\\.)*+(?:"|\Z)|`(?:[^`\\]|\\.)*+(?:`|\Z)"""
_ARG = rf"(?:{_QUOTED}|[^\s;'\"`]++)++"
_SECRET_ARG = rf"(?P<secret>{_ARG})"      # positional password
_SECRET_VALUE = rf"(?P<secret>{_QUOTED}|[^\s;,)}}\]'\"`]++)"  # value in a list / document
_SEP = r"[^\S\n]++"  # blanks between arguments (a newline ends a statement)
_START = r"(?<![\w.$@])"

_PATTERNS = [
    re.compile(p, re.IGNORECASE | re.DOTALL)
    for p in (
        rf"{_START}connect{_SEP}{_ARG}{_SEP}{_ARG}{_SEP}{_SECRET_ARG}",
        rf"{_START}(?:create|drop){_SEP}database{_SEP}{_ARG}{_SEP}{_ARG}{_SEP}{_SECRET_ARG}",
        rf"{_START}set{_SEP}server{_SEP}user{_SEP}{_ARG}{_SEP}{_SECRET_ARG}",
        rf"{_START}identified\s+by\s+{_SECRET_ARG}",
        rf"""(?:(?<![\w$])password|"password"|'password'|`password`)\s*[=:]\s*{_SECRET_VALUE}""",
    )
]


def _masked(m: re.Match[str]) -> str:
    secret = m.group("secret")
    start, end = m.span("secret")
    quote = secret[0] if secret[0] in "'\"`" else ""
    closing = quote if quote and len(secret) > 1 and secret.endswith(quote) else ""
    text = m.group()
    offset = m.start()
    return text[: start - offset] + quote + MASK + closing + text[end - offset:]


def mask_secrets(line: str) -> str:
    """``line`` with every password it contains replaced by ``*****``."""
    for pattern in _PATTERNS:
        line = pattern.sub(_masked, line)
    return line


class MaskedFileHistory(FileHistory):
    """A ``FileHistory`` that only ever holds and writes masked entries."""

    def load_history_strings(self) -> Iterable[str]:
        for string in super().load_history_strings():
            yield mask_secrets(string)

    def append_string(self, string: str) -> None:
        super().append_string(mask_secrets(string))

    def store_string(self, string: str) -> None:
        path = os.fspath(self.filename)
        if not os.path.exists(path):
            # create it private before FileHistory appends to it
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        super().store_string(mask_secrets(string))


def default_history_path() -> Path:
    """``history`` in the console's data directory (``session.default_data_dir``).

    The directory is created with mode 0700 if missing.
    """
    directory = default_data_dir()
    if not directory.is_dir():
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(directory, 0o700)  # mkdir's mode is filtered by the umask
    return directory / "history"
