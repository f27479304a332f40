"""A small thread-safe time-to-live cache for hot read paths (API-key checks, job status polls).

Single-flight: when an entry expires under many concurrent readers, one computes it and the
others wait for that result, instead of all of them queueing for database connections."""

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class TTLCache(Generic[Value]):
    def __init__(self, ttl_s: float, max_entries: int = 10_000):
        self.ttl_s, self.max_entries = ttl_s, max_entries
        self._entries: dict[Hashable, tuple[float, Value]] = {}
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}

    def _fresh(self, key: Hashable) -> tuple[bool, Value | None]:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > time.monotonic():
                return True, entry[1]
        return False, None

    def get_or_compute(self, key: Hashable, compute: Callable[[], Value]) -> Value:
        found, value = self._fresh(key)
        if found:
            return value  # type: ignore[return-value]
        with self._lock:
            key_lock = self._computing.setdefault(key, threading.Lock())
        try:
            with key_lock:
                found, value = self._fresh(key)  # computed by another caller while we waited
                if found:
                    return value  # type: ignore[return-value]
                value = compute()
                self._store(key, value)
                return value
        finally:
            with self._lock:
                self._computing.pop(key, None)

    def peek(self, key: Hashable) -> tuple[bool, Value | None]:
        """(True, value) for a fresh entry, without computing; cheap enough for an event loop."""
        return self._fresh(key)

    def _store(self, key: Hashable, value: Value) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries = {k: e for k, e in self._entries.items() if e[0] > now}
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
            self._entries[key] = (now + self.ttl_s, value)

    def forget(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
