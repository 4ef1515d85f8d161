"""A bounded, thread-safe cache of per-sentence results.

Job boards repeat boilerplate ("We offer a competitive salary.", the same benefits list in
every ad of an employer): a quarter of the sentences in a few dozen ads are repeats. A
sentence's result depends only on its text (as the model reads it) and on the model and index
state, so it is computed once and reused until evicted (least recently used first).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Generic, TypeVar

Value = TypeVar("Value")
Key = TypeVar("Key", bound=Hashable)


def sentence_key(text: str, uncased: bool) -> str:
    """What the model reads of ``text``: an uncased tokenizer lowercases it first. Only
    case mappings that keep every character's position are folded, so offsets stay valid."""
    if uncased:
        folded = text.lower()
        if len(folded) == len(text):
            return folded
    return text


class SentenceCache(Generic[Value]):
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[Hashable, Value] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get_many(
        self, keys: Sequence[Key], compute: Callable[[list[Key]], list[Value]]
    ) -> list[Value]:
        """The value of each key, computing the missing ones (each distinct key once, in one
        call) without holding the lock while computing. Capacity 0 turns the cache off: every
        key is computed, repeats too (what the speed benchmark compares with)."""
        if not self.capacity:
            return compute(list(keys))
        found: dict[Key, Value] = {}
        with self._lock:
            for key in keys:
                if key in found:
                    continue
                value = self._entries.get(key)
                if value is not None:
                    self._entries.move_to_end(key)
                    found[key] = value
            missing = list(dict.fromkeys(k for k in keys if k not in found))
            self.hits += len(keys) - len(missing)  # computations saved, repeats in keys too
            self.misses += len(missing)
        if missing:
            computed = compute(missing)
            found.update(zip(missing, computed, strict=True))
            with self._lock:
                for key, value in zip(missing, computed, strict=True):
                    self._entries[key] = value
                    self._entries.move_to_end(key)
                while len(self._entries) > self.capacity:
                    self._entries.popitem(last=False)
        return [found[k] for k in keys]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
