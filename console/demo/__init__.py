"""The demo database: a small film club graph, for teaching and first steps.

``orient-console --demo`` opens it (creating it on first use) in the user's
data directory; ``scripts/demo.osql`` (the same script) builds it in memory
and runs the example queries.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

QUERIES_MARKER = "-- ===== QUERIES ====="


def demo_script() -> str:
    """The demo script shipped with the package."""
    return resources.files("console.demo").joinpath("demo.osql").read_text(encoding="utf-8")


def open_demo(session: Any) -> None:
    """Connect ``session`` to the demo database, building it on first use."""
    from console.engine import registry
    from console.errors import OrientError
    from console.script import split_statements

    url = registry.parse_url(f"plocal:{session.databases_dir / 'demo'}")
    if not registry.exists(url):
        assert url.path is not None
        url.path.parent.mkdir(parents=True, exist_ok=True)
        db = registry.create(url, "admin", "admin")
        session.set_database(db)
        setup = demo_script().split(QUERIES_MARKER)[0]
        verbose = session.settings.verbose
        session.settings.set("verbose", "0")
        try:
            for st in split_statements(setup):
                if st.text.lower().startswith(("create database", "connect", "set verbose")):
                    continue
                session.execute(st.text)
        except OrientError:
            session.close_database()
            registry.drop(url)
            raise
        finally:
            session.settings.set("verbose", str(verbose))
        session.renderer.success(f"Demo database created at {url.path} (users admin/admin, reader/reader).")
    else:
        session.set_database(registry.open(url, "admin", "admin"))
    session.renderer.message("Connected to the demo database. Try: CLASSES, SELECT FROM Movie LIMIT 5, "
                             "SELECT name, out('Knows').name FROM Person WHERE id = 1", level=1)
