# Shared by scripts/console and scripts/test: make sure a virtual environment
# exists and holds the current checkout. Sourced, not executed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${ORIENT_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
fi
install_project() {
    # Non-editable install: the console and the tests run the installed package,
    # so packaging mistakes (a missing grammar file, say) show up here first.
    local extra="$1"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check \
        "$ROOT$extra" 2>&1 | grep -v "^WARNING: Location" >&2 || true
    "$VENV/bin/python" -c "import console" || { echo "install of orient-console failed" >&2; exit 1; }
}
