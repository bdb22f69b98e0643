"""A process-local memo for configuration read on every API request (sites, API keys, the GVL).

Configuration changes a few times a week; the consent endpoints read it on every request. Reading
it from PostgreSQL (and Redis) each time cost more than the rest of a downstream read together
(docs/PERFORMANCE.md, "HTTP load"), so the request path keeps it in the worker's memory:

* Any save or delete of a configuration model in this process (the admin, a management command, a
  GVL import, a test) bumps a generation number that is part of every key, so the process that made
  a change sees it at once.
* Other processes (the other gunicorn workers, other machines) see it after at most
  CMP_CONFIG_CACHE_SECONDS: every entry expires after that long.
* Only configuration is memoised. Consent records never are: a new choice is visible to the next
  read everywhere.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from django.apps import apps
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

# Models whose rows are configuration. Evidence (consent records, seals) and sessions are not.
CONFIG_APPS = {"vendors"}
CONFIG_MODELS = {
    "consent.site",
    "consent.cookiecategory",
    "consent.cookiedeclaration",
    "consent.sitetext",
    "consent.apikey",
}
MAX_ENTRIES = 10_000

_lock = threading.Lock()
_store: dict[tuple[Any, ...], tuple[float, Any]] = {}
_generation = 0
_connected = False


def _connect_once() -> None:
    global _connected
    with _lock:
        if not _connected:
            connect_signals()
            _connected = True


def invalidate() -> None:
    global _generation
    with _lock:
        _generation += 1
        _store.clear()


def memoized(namespace: str, key: tuple[Any, ...], load: Callable[[], T], *, keep_none: bool = False) -> T:
    """`load()` once per `key` per CMP_CONFIG_CACHE_SECONDS in this process. A None result is not
    kept unless asked (so guessing keys cannot fill the memo)."""
    ttl = settings.CMP_CONFIG_CACHE_SECONDS
    if ttl <= 0:
        return load()
    if not _connected:
        _connect_once()
    full_key = (namespace, _generation, *key)
    now = time.monotonic()
    entry = _store.get(full_key)
    if entry is not None and entry[0] > now:
        return entry[1]
    generation = _generation
    value = load()
    if value is not None or keep_none:
        with _lock:
            if generation == _generation:  # a change while loading: do not keep a stale value
                if len(_store) >= MAX_ENTRIES:
                    _store.clear()
                _store[full_key] = (now + ttl, value)
    return value


def _is_config(sender: Any) -> bool:
    meta = getattr(sender, "_meta", None)
    return meta is not None and (meta.app_label in CONFIG_APPS or meta.label_lower in CONFIG_MODELS)


def _on_change(sender: Any, **kwargs: Any) -> None:
    invalidate()


def _on_m2m_change(sender: Any, instance: Any = None, action: str = "", **kwargs: Any) -> None:
    if action.startswith("post_") and _is_config(type(instance)):
        invalidate()


def connect_signals() -> None:
    """Listens to the configuration models only. A receiver for every sender would also make Django
    give up its fast path for deleting consent records (it would load each row to signal it), which
    is what the retention purge does by the million."""
    for model in apps.get_models():
        if _is_config(model):
            post_save.connect(
                _on_change, sender=model, dispatch_uid=f"cmp.memo.save.{model._meta.label_lower}"
            )
            post_delete.connect(
                _on_change, sender=model, dispatch_uid=f"cmp.memo.delete.{model._meta.label_lower}"
            )
    m2m_changed.connect(_on_m2m_change, dispatch_uid="cmp.memo.m2m_changed")


class BoundedLru(Generic[K, T]):
    """A per-process least-recently-used map of at most `max_entries` values, safe across threads.

    For values derived from immutable inputs (a record, a choice under one configuration), whose key
    names everything they depend on: unlike `memoized`, nothing expires or is invalidated, entries
    are only pushed out by newer ones."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[K, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> T | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: K, value: T) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
