"""Crash points for the fault-injection tests.

``ORIENT_CRASH_AT=<phase>:<n>`` makes the process kill itself with SIGKILL
(no cleanup, no finally blocks: a real crash) the first time ``phase``
reaches ``n`` units of work. Phases: ``import`` (records loaded), ``export``
(records written), ``backup`` (chunks copied). Unset, it costs one check.
"""

from __future__ import annotations

import os
import signal

_SPEC: tuple[str, int] | None = None
_raw = os.environ.get("ORIENT_CRASH_AT", "")
if _raw:
    phase, _, count = _raw.partition(":")
    try:
        _SPEC = (phase.strip().lower(), int(count))
    except ValueError:
        _SPEC = None


def reached(phase: str, count: int, start: int = 0) -> None:
    """Die here when the environment asks for a crash at this point; a process that does
    units ``start + 1 ..`` of a phase (the export helper) dies only past ``start``."""
    if _SPEC is not None and _SPEC[0] == phase and count >= _SPEC[1] and (not start or _SPEC[1] > start):
        os.kill(os.getpid(), signal.SIGKILL)
