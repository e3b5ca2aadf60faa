"""Entry point (placeholder until the console lands)."""
import sys
from console import __version__
def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--version":
        print(f"orient-console {__version__}")
        return 0
    return 0
