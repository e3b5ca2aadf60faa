#!/usr/bin/env python3
"""Start-up and completion latency of the console.

- time to the first prompt: ``orient-console`` started in a pseudo-terminal until
  ``orientdb>`` appears (target median <= 0.3 s);
- a one-shot ``orient-console -c "CONNECT ...; SELECT ..."`` on an embedded
  database, start to exit (target median <= 0.3 s);
- completion latency with 2,000 classes x 20 properties, for typical inputs
  (target median <= 20 ms).

Run it with the installed console (``.venv/bin/python scripts/bench_startup.py``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONSOLE = str(Path(sys.executable).with_name("orient-console"))


def first_prompt(runs: int, env: dict[str, str]) -> list[float]:
    import pexpect

    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        child = pexpect.spawn(CONSOLE, env=env, encoding="utf-8", timeout=30, dimensions=(30, 120))
        child.expect("orientdb>")
        times.append(time.perf_counter() - t0)
        child.sendline("exit")
        child.expect(pexpect.EOF)
        child.close()
    return times


def one_shot(runs: int, url: str, env: dict[str, str]) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = subprocess.run([CONSOLE, "-c", f"connect {url} admin admin; select count(*) from Person"],
                           capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - t0)
        assert r.returncode == 0, r.stderr
    return times


def completion(samples: int) -> dict[str, float]:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from console.repl.completer import OrientCompleter, SchemaCache

    cache = SchemaCache()
    classes = {f"Class{i:04d}": [f"prop{i:04d}_{j:02d}" for j in range(20)] for i in range(2000)}
    t0 = time.perf_counter()
    cache.update(classes=classes, superclasses={c: [] for c in classes},
                 clusters=[c.lower() for c in classes], indexes=[f"{c}.prop" for c in classes])
    fill = time.perf_counter() - t0
    completer = OrientCompleter(cache)
    inputs = ["sel", "SELECT FROM Cla", "SELECT FROM Class1", "SELECT FROM Class0042 WHERE prop",
              "SELECT FROM Class0042 WHERE prop0042_1", "INSERT INTO Class17", "UPDATE Class0099 SET pr",
              "CREATE INDEX Class0100.", "BROWSE CLUSTER class0", "CREATE PROPERTY Class0001.x ",
              "EXPORT DATABASE /tmp/x -inc", "select name from Class1999 order by ", "MATCH {class: Cla",
              "select from Class0001 where name = 'Cla"]
    times = []
    for _ in range(samples):
        for text in inputs:
            doc = Document(text, len(text))
            t = time.perf_counter()
            list(completer.get_completions(doc, CompleteEvent(completion_requested=True)))
            times.append(time.perf_counter() - t)
    times.sort()
    return {"median": statistics.median(times) * 1000, "p95": times[int(len(times) * 0.95)] * 1000,
            "worst": times[-1] * 1000, "fill": fill * 1000}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=9)
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    try:
        env = dict(os.environ, XDG_DATA_HOME=str(tmp / "xdg"), TERM="xterm-256color")
        env.pop("NO_COLOR", None)
        url = f"plocal:{tmp / 'db'}"
        r = subprocess.run([CONSOLE, "-c", f"create database {url}; create class Person extends V; "
                            "insert into Person set name = 'Ann'"], capture_output=True, text=True, env=env)
        assert r.returncode == 0, r.stderr
        one_shot(2, url, env)  # warm the grammar cache and the page cache
        prompt = first_prompt(args.runs, env)
        shot = one_shot(args.runs, url, env)
        comp = completion(5)
        mp, ms = statistics.median(prompt), statistics.median(shot)
        print(f"first prompt:        median {mp:.3f} s  (min {min(prompt):.3f}, max {max(prompt):.3f}) "
              f"target <= 0.3 s: {'met' if mp <= 0.3 else 'NOT met'}")
        print(f"one-shot -c query:   median {ms:.3f} s  (min {min(shot):.3f}, max {max(shot):.3f}) "
              f"target <= 0.3 s: {'met' if ms <= 0.3 else 'NOT met'}")
        print(f"completion (2,000 classes x 20 properties): median {comp['median']:.2f} ms, "
              f"p95 {comp['p95']:.2f} ms, worst {comp['worst']:.2f} ms (cache fill {comp['fill']:.0f} ms) "
              f"target <= 20 ms: {'met' if comp['median'] <= 20 else 'NOT met'}")
        python = subprocess.run([sys.executable, "-c", "pass"], capture_output=True)
        t0 = time.perf_counter()
        for _ in range(5):
            subprocess.run([sys.executable, "-c", "pass"], capture_output=True)
        print(f"(for scale: a bare 'python -c pass' takes {(time.perf_counter() - t0) / 5:.3f} s here)")
        _ = python
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
