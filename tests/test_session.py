"""The session's script runner: errors stop a run unless ignoreErrors is set."""

from __future__ import annotations

import io

import pytest

from console.render import Renderer
from console.session import Session
from console.settings import Settings


def _session(ignore: bool) -> tuple[Session, io.StringIO]:
    settings = Settings()
    settings.set("ignoreErrors", "true" if ignore else "false")
    err = io.StringIO()
    return Session(Renderer(settings, out=io.StringIO(), err=err, color=False), settings), err


@pytest.mark.parametrize("ignore, ran", [(False, ["ECHO one", "BOOM"]), (True, ["ECHO one", "BOOM", "ECHO two"])])
def test_an_internal_error_is_one_line_and_ignore_errors_goes_on(monkeypatch, ignore, ran):
    session, err = _session(ignore)
    seen: list[str] = []
    real = Session.execute

    def execute(self, text: str) -> None:
        seen.append(text)
        if text == "BOOM":
            raise RuntimeError("a bug")
        real(self, text)

    monkeypatch.setattr(Session, "execute", execute)
    assert session.run_script("ECHO one\nBOOM\nECHO two\n", "s.osql") is False
    assert seen == ran
    assert err.getvalue().strip() == "s.osql:2: internal error: RuntimeError: a bug"


def test_a_syntax_error_spanning_many_lines_points_at_an_unclosed_quote():
    session, err = _session(True)
    ok = session.run_script("ECHO one\nSELECT 'unclosed\nSELECT 1\nSELECT 2\n", "s.osql")
    assert ok is False
    line = err.getvalue().strip()
    assert line.startswith("s.osql:2: ") and "runs from line 2 to line 4" in line and "\n" not in line
