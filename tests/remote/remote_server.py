"""Starting ``orient-console serve`` as a subprocess on a free loopback port (for the remote tests)."""

from __future__ import annotations

import itertools
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT_PASSWORD = "rootpw"
CONSOLE = str(Path(sys.executable).with_name("orient-console"))
_LISTENING = re.compile(r"listening on ([\d.]+):(\d+) ")
_names = itertools.count()


@dataclass
class ServerProcess:
    """A running server; ``lines`` collects its standard error."""

    proc: subprocess.Popen
    host: str
    port: int
    directory: Path
    root_password: str = ROOT_PASSWORD
    lines: list[str] = field(default_factory=list)
    pump: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"remote:{self.host}:{self.port}"

    def client(self) -> Any:
        import pyorient

        return pyorient.OrientDB(self.host, self.port)

    def root(self) -> Any:
        """A pyorient client logged in as the server user."""
        c = self.client()
        c.connect("root", self.root_password)
        return c

    def new_database(self, storage: str = "memory") -> str:
        """Create a fresh database (admin/admin) and return its name."""
        name = f"db{next(_names)}_{os.getpid()}"
        c = self.root()
        c.db_create(name, "graph", storage)
        c.close()
        return name

    def open(self, name: str, user: str = "admin", password: str = "admin") -> Any:
        c = self.client()
        c.db_open(name, user, password)
        return c

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        code = self.proc.wait(timeout)
        if self.pump is not None:
            self.pump.join(timeout)  # every line of the log has been read
        return code

    def log(self) -> str:
        return "\n".join(self.lines)


def start_server(directory: Path, *extra: str, env: dict[str, str] | None = None,
                 password: str | None = ROOT_PASSWORD) -> ServerProcess:
    args = [CONSOLE, "serve", "--host", "127.0.0.1", "--port", "0", "--dir", str(directory)]
    if password is not None:
        args += ["--root-password", password]
    proc = subprocess.Popen([*args, *extra], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=env)
    lines: list[str] = []
    ready = threading.Event()
    found: list[tuple[str, int]] = []

    def pump() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line.rstrip("\n"))
            m = _LISTENING.search(line)
            if m and not found:
                found.append((m.group(1), int(m.group(2))))
                ready.set()
        ready.set()

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    if not ready.wait(30) or not found:
        proc.kill()
        raise RuntimeError("the server did not start:\n" + "\n".join(lines))
    host, port = found[0]
    return ServerProcess(proc, host, port, directory, password or "", lines, reader)


def wait_for(predicate: Any, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()
