"""The real PromptSession driven through a pipe: typing, Tab, multi-line, Ctrl-C, history."""

from __future__ import annotations

import io
import os
import sys
import threading
import time
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from console.render import Renderer
from console.repl.app import run_repl
from console.repl.history import MaskedFileHistory
from console.session import Session
from console.settings import Settings

ENTER = "\r"
TAB = "\t"
CTRL_C = "\x03"
CTRL_D = "\x04"


def drive(keys: list[str], tmp_path: Path, history: object | None = None) -> tuple[str, str, Session]:
    settings = Settings()
    out, err = io.StringIO(), io.StringIO()
    session = Session(Renderer(settings, out=out, err=err, color=False), settings, interactive=True,
                      data_dir=tmp_path / "data")
    with create_pipe_input() as inp:
        def typist() -> None:  # a person types: completion has time to appear between keys
            for k in keys:
                time.sleep(0.15)
                inp.send_text(k)
        t = threading.Thread(target=typist, daemon=True)
        t.start()
        run_repl(session, input=inp, output=DummyOutput(),
                 history=history if history is not None else MaskedFileHistory(str(tmp_path / "history")))
        t.join(timeout=10)
    return out.getvalue(), err.getvalue(), session


def test_statements_run_and_exit(tmp_path):
    out, err, _ = drive([f"create database plocal:{tmp_path / 'db'}" + ENTER, "create class P" + ENTER,
                         "insert into P set name = 'Ann'" + ENTER, "select name from P" + ENTER, "exit" + ENTER],
                        tmp_path)
    assert "Ann" in out and "1 item(s) found" in out
    assert err == ""


def test_errors_are_one_line_and_the_loop_goes_on(tmp_path):
    out, err, _ = drive(["select from Nope" + ENTER, "selec 1" + ENTER, "help" + ENTER, CTRL_D], tmp_path)
    lines = [x for x in err.splitlines() if x]
    assert len(lines) == 2 and all(x.startswith("!ERROR:") for x in lines)
    assert "CONSOLE COMMANDS" in out


def test_tab_completes_class_names(tmp_path):
    out, err, _ = drive([f"create database plocal:{tmp_path / 'db'}" + ENTER, "create class Person" + ENTER,
                         "insert into Person set name = 'x'" + ENTER,
                         "select name from Pers", TAB, ENTER, ENTER, "exit" + ENTER], tmp_path)
    assert err == "", err
    assert out.count("1 item(s) found") == 1


def test_multi_line_statement_continues_until_balanced(tmp_path):
    out, err, _ = drive([f"create database plocal:{tmp_path / 'db'}" + ENTER, "create class P" + ENTER,
                         "insert into P content {" + ENTER, '"name": "multi",' + ENTER, '"n": 3' + ENTER,
                         "}" + ENTER, "select name, n from P" + ENTER, "exit" + ENTER], tmp_path)
    assert err == "", err
    assert "multi" in out and "3" in out


def test_ctrl_c_clears_the_line(tmp_path):
    out, err, _ = drive(["select from Nope" + CTRL_C, "help" + ENTER, CTRL_D], tmp_path)
    assert err == ""  # the half-typed statement was dropped, never run
    assert "CONSOLE COMMANDS" in out


def test_passwords_never_reach_the_history_file(tmp_path):
    url = f"plocal:{tmp_path / 'db'}"
    hist = tmp_path / "history"
    drive([f"create database {url} admin S3cretPW" + ENTER, "create class P" + ENTER,
           f"connect {url} admin S3cretPW" + ENTER, "update OUser set password = 'N3wPass' where name = 'reader'"
           + ENTER, "exit" + ENTER], tmp_path, MaskedFileHistory(str(hist)))
    text = hist.read_text()
    assert "S3cretPW" not in text and "N3wPass" not in text
    assert "connect" in text and "*****" in text


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pseudo-terminals are tested on Linux")
def test_real_terminal_prompt_highlighting_and_completion(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    console = str(Path(sys.executable).with_name("orient-console"))
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "xdg"), TERM="xterm-256color")
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(console, env=env, encoding="utf-8", timeout=30, dimensions=(40, 160))
    try:
        child.expect("orientdb>")
        child.sendline(f"create database plocal:{tmp_path / 'db'}")
        child.expect(r"orientdb \{db=db\}>")
        child.sendline("create class Person extends V")
        child.expect("Class created")
        # a keyword is highlighted: an ANSI colour sequence appears around SELECT as it is typed
        child.send("SELECT FROM Pers")
        child.expect("\x1b\\[")
        child.send("\t")
        child.expect("Person")
        child.send("\r")  # accepts the completion
        child.send("\r")  # runs the statement
        child.expect("item\\(s\\) found")
        child.sendline("exit")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
