"""Smoke test with a second client we did not write: orientjs from the npm registry.

orientjs 3.2.0 (npm's latest) keeps OrientDB 2.x's API (``OrientDB(...)``,
``server.use(...)``) on its protocol-33 code, which it picks for any server
announcing 33 or later; it announces protocol 33 itself and leaves out the
push/stats flags and DB_CREATE's backup path, expects scalars as kind ``a``
and reads the schema from record #0:1. Its new ``OrientDBClient`` API speaks
OrientDB 3.0's protocol 37 and refuses a protocol-36 server, which the test
checks too.

orientjs is installed with ``--omit=optional``: its optional native module
switches it to the binary record serialization, which this server does not
speak (it answers with a clear error). The install goes to a cache directory
($ORIENTJS_CACHE or ~/.cache/orient-console/orientjs-3.2.0) once. The test is
skipped only when node or npm is missing from the machine.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from remote_server import ServerProcess

NODE, NPM = shutil.which("node"), shutil.which("npm")
VERSION = "3.2.0"

pytestmark = pytest.mark.skipif(NODE is None or NPM is None,
                                reason="orientjs needs node and npm, which this machine does not have")

SCRIPT = r"""
const OrientDB = require('orientjs');
const {OrientDBClient} = require('orientjs');
const [port, password, name] = [+process.argv[2], process.argv[3], process.argv[4]];
const out = (k, v) => console.log(JSON.stringify({[k]: v}));
const server = OrientDB({host: '127.0.0.1', port: port, username: 'root', password: password});
(async () => {
  try {
    out('list', (await server.list()).map(d => d.name));
    out('created', (await server.create({name: name, type: 'graph', storage: 'memory'})).name);
    const db = server.use({name: name, username: 'admin', password: 'admin'});
    const users = await db.query('select from OUser order by name');
    out('users', users.map(u => u.name));
    out('insert', (await db.query("insert into V set name = 'js', n = 5"))[0].n);
    out('class', (await db.class.create('Person', 'V')).name);
    const rec = await db.record.create({'@class': 'Person', name: 'Ann', age: 31, tags: ['a', 'b']});
    out('rid', rec['@rid'].toString());
    const got = await db.record.get(rec['@rid']);
    out('get', [got.name, got.age, got.tags]);
    out('select', (await db.select().from('Person').where({name: 'Ann'}).all()).map(r => r.age));
    const edge = await db.let('a', s => s.create('vertex', 'Person').set({name: 'Bob'}))
      .let('b', s => s.create('vertex', 'Person').set({name: 'Eve'}))
      .let('e', s => s.create('edge', 'E').from('$a').to('$b'))
      .commit().return('$e').all();
    out('edge', edge.map(e => e['@class']));
    out('params', (await db.query('select from Person where name = :name', {params: {name: 'Eve'}})).map(r => r.name));
    out('count', (await db.query('select count(*) as n from Person'))[0].n);
    out('classes', (await db.class.list()).map(c => c.name).includes('Person'));
    out('indexes', (await db.index.list()).map(i => i.name).sort());
    await server.drop({name: name});
    out('dropped', true);
  } catch (e) { out('error', e.name + ': ' + e.message); }
  server.close();
  try { await OrientDBClient.connect({host: '127.0.0.1', port: port}); out('client37', 'connected'); }
  catch (e) { out('client37', e.message); }
  process.exit(0);
})();
"""


@pytest.fixture(scope="module")
def orientjs() -> Path:
    cache = Path(os.environ.get("ORIENTJS_CACHE") or Path.home() / ".cache" / "orient-console" / f"orientjs-{VERSION}")
    if not (cache / "node_modules" / "orientjs" / "package.json").exists():
        cache.mkdir(parents=True, exist_ok=True)
        r = subprocess.run([NPM, "install", f"orientjs@{VERSION}", "--omit=optional", "--no-audit", "--no-fund",
                            "--prefix", str(cache)], capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            pytest.fail(f"npm install orientjs@{VERSION} failed: {r.stderr.strip()[-500:]}")
    assert not (cache / "node_modules" / "orientjs-native").exists(), "orientjs-native must not be installed"
    return cache


def test_orientjs_legacy_api(server: ServerProcess, orientjs: Path, tmp_path: Path) -> None:
    script = tmp_path / "smoke.js"
    script.write_text(SCRIPT)
    env = dict(os.environ, NODE_PATH=str(orientjs / "node_modules"))
    r = subprocess.run([NODE, str(script), str(server.port), server.root_password, "jsdb"], capture_output=True,
                       text=True, timeout=120, env=env)
    results: dict = {}
    for line in r.stdout.splitlines():
        if line.startswith("{"):
            results.update(json.loads(line))
    assert "error" not in results, results.get("error")
    assert results["created"] == "jsdb" and "jsdb" not in results["list"]
    assert results["users"] == ["admin", "reader", "writer"]
    assert results["insert"] == 5 and results["class"] == "Person"
    assert results["rid"] == "#12:0" and results["get"] == ["Ann", 31, ["a", "b"]]
    assert results["select"] == [31] and results["edge"] == ["E"]
    assert results["params"] == ["Eve"] and results["count"] == 3
    assert results["classes"] is True
    assert results["indexes"] == ["OFunction.name", "ORole.name", "OUser.name"]
    assert results["dropped"] is True
    assert results["client37"] == "Unsupported Protocol : 36"
