"""Bounded memo tables for the parts of TC strings that recur (GVL- and site-derived sections).

A memo is a dict (lookups stay C-speed) that empties itself when it would exceed either its entry
count or its estimated size, so crafted input cannot grow the process without limit. The size is an
estimate in bytes: 64 per vendor id held (frozenset slot plus int object) plus the key's length.
"""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")

MAX_ENTRIES = 4096
#: Estimated bytes one memo may hold before it starts over (six memos in all).
MAX_BYTES = 16 * 1024 * 1024
BYTES_PER_ID = 64


class Memo(dict[K, V]):
    __slots__ = ("size",)

    def __init__(self) -> None:
        super().__init__()
        self.size = 0

    def remember(self, key: K, value: V, size: int) -> None:
        if not self:
            # Emptied by dict.clear() (clear_caches), which leaves `size` behind.
            self.size = 0
        elif len(self) >= MAX_ENTRIES or self.size + size > MAX_BYTES:
            self.clear()
            self.size = 0
        self[key] = value
        self.size += size
