"""Record ids: ``#<cluster>:<position>``."""

from __future__ import annotations

import re
from typing import NamedTuple

from console.errors import DatabaseError

RID_RE = re.compile(r"#?(-?\d+):(-?\d+)\Z")

# Records are stored in one SQLite table under a single integer key that
# packs the cluster id into the high bits, so that key order is RID order.
POSITION_BITS = 40
POSITION_MASK = (1 << POSITION_BITS) - 1
MAX_CLUSTER_ID = 32767


class RID(NamedTuple):
    """A record id; ``str(rid)`` is ``#cluster:position``."""

    cluster: int
    position: int

    def __str__(self) -> str:
        return f"#{self.cluster}:{self.position}"

    def __repr__(self) -> str:
        return f"RID('#{self.cluster}:{self.position}')"

    @classmethod
    def parse(cls, text: str) -> "RID":
        """Parse ``#c:p`` (the ``#`` is optional); raises DatabaseError."""
        m = RID_RE.match(text.strip())
        if not m:
            raise DatabaseError(f"invalid record id '{text}' (expected #cluster:position)")
        return cls(int(m.group(1)), int(m.group(2)))

    @property
    def key(self) -> int:
        """The packed storage key of a persistent RID."""
        return (self.cluster << POSITION_BITS) | self.position

    @classmethod
    def from_key(cls, key: int) -> "RID":
        return cls(key >> POSITION_BITS, key & POSITION_MASK)

    @property
    def is_persistent(self) -> bool:
        return self.cluster >= 0 and self.position >= 0


def is_rid_text(text: str) -> bool:
    """True when ``text`` looks like ``#c:p``."""
    return len(text) > 3 and text[0] == "#" and RID_RE.match(text) is not None


def cluster_range(cluster: int) -> tuple[int, int]:
    """Lowest and highest packed keys of a cluster."""
    return cluster << POSITION_BITS, (cluster << POSITION_BITS) | POSITION_MASK
