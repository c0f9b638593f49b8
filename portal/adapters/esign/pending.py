"""Where a redirect-based signing ceremony keeps its state between `sign()` and `complete()`.

`take()` returns and deletes in one step, so a callback can finish a transaction only once: a
replayed response finds nothing. Use the Redis store when several processes serve callbacks.
"""
from __future__ import annotations

import threading
import time
from typing import Protocol


class PendingStore(Protocol):
    def put(self, key: str, value: bytes, ttl_seconds: int) -> None: ...

    def take(self, key: str) -> bytes | None:
        """The value stored under key, removed atomically; None when absent, taken or expired."""
        ...


class MemoryPendingStore:
    """One process only (tests, `flask run`): each gunicorn or Celery process would have its own."""

    def __init__(self) -> None:
        self._items: dict[str, tuple[float, bytes]] = {}
        self._lock = threading.Lock()

    def put(self, key: str, value: bytes, ttl_seconds: int) -> None:
        with self._lock:
            now = time.monotonic()
            self._items = {k: v for k, v in self._items.items() if v[0] > now}
            self._items[key] = (now + ttl_seconds, value)

    def take(self, key: str) -> bytes | None:
        with self._lock:
            expires, value = self._items.pop(key, (0.0, None))
        return value if expires > time.monotonic() else None


class RedisPendingStore:
    """Shared by every web and worker process; GETDEL (Redis 6.2+) makes take() atomic."""

    def __init__(self, url: str, prefix: str = "sulah:esign:pending:"):
        import redis

        self._redis = redis.Redis.from_url(url)
        self._prefix = prefix

    def put(self, key: str, value: bytes, ttl_seconds: int) -> None:
        self._redis.set(self._prefix + key, value, ex=ttl_seconds)

    def take(self, key: str) -> bytes | None:
        return self._redis.getdel(self._prefix + key)

    def close(self) -> None:
        self._redis.close()
