"""The one configuration cache: everything derived from configuration, kept per process, emptied the
moment the configuration changes anywhere.

Configuration (sites, their categories and texts, API keys, the GVL and its vendors, Google's ATPs)
changes a few times a week; the API reads it on every request. Reading it from the database each
time cost more than the rest of a downstream read together (docs/PERFORMANCE.md, "HTTP load"), so
each process keeps what it derived from it here. The rule, the only one:

* Every write to a configuration table bumps the configuration version in the same transaction: a
  database trigger on each registered table (`register`) does it, so the admin's saves, its bulk
  actions, `QuerySet.update()`, imports and raw SQL are all caught, whichever process ran them.
* Each request compares the version once (`refresh`, from infra/middleware.py, or inside the hot
  views' own single statement, `observe`) and empties the whole cache when it differs. A change is
  therefore seen by the next request in every process; nothing has a time to live.
* While the database is unreachable, the cache keeps what it has (the banner can still read its
  origins' CORS answer to a 503).

What the cache may not hold: consent records or anything else that is not configuration. Values
derived from immutable content (a GVL document by its hash, a parsed request body) are kept in
content-addressed memos (infra/lru.py), which are never stale because their key is their input.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import DatabaseError, connections
from django.db.models import Model

from infra.lru import BoundedLru

T = TypeVar("T")

VERSION_TABLE = "infra_configversion"
#: The version before this process has read it: never equal to a real one (None means "no row").
UNSEEN = object()


@dataclass(frozen=True)
class ConfigTable:
    table: str
    # Columns whose updates are not configuration (a key's last use): they do not bump the version.
    ignored_columns: tuple[str, ...] = ()
    # Every column, to name the others in an "UPDATE OF" trigger when some are ignored.
    columns: tuple[str, ...] = ()


_tables: dict[str, ConfigTable] = {}


def register(*models: type[Model], ignore: Iterable[str] = ()) -> None:
    """Declares models as configuration: writes to their tables (and to the tables of their
    many-to-many fields) bump the version. Called by each app's AppConfig.ready()."""
    ignored = set(ignore)
    for model in models:
        meta = model._meta
        columns = tuple(field.column for field in meta.concrete_fields)
        _tables[meta.db_table] = ConfigTable(
            meta.db_table, tuple(c for c in columns if c in ignored), columns
        )
        for field in meta.local_many_to_many:
            through = field.remote_field.through._meta  # type: ignore[union-attr]
            if through.auto_created:
                _tables[through.db_table] = ConfigTable(through.db_table)


def registered_tables() -> list[ConfigTable]:
    return sorted(_tables.values(), key=lambda t: t.table)


class ConfigCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spaces: dict[str, BoundedLru[Hashable, Any]] = {}
        self._observed: object = UNSEEN
        # Bumped on every clear: a value loaded before a clear is not stored after it.
        self._generation = 0

    @property
    def observed_version(self) -> object:
        return self._observed

    def get(
        self,
        namespace: str,
        key: Hashable,
        load: Callable[[], T],
        *,
        max_entries: int = 1024,
        keep_none: bool = False,
    ) -> T:
        """`load()` once per key until the configuration changes. A None result is not kept unless
        asked (so guessing keys cannot fill the cache)."""
        if self._observed is UNSEEN:
            self.refresh()
        space = self._spaces.get(namespace)
        if space is None:
            with self._lock:
                space = self._spaces.setdefault(namespace, BoundedLru(max_entries))
        # Values are kept wrapped in a 1-tuple, so that a kept None is told apart from a miss.
        found = space.get(key)
        if found is not None:
            return found[0]  # type: ignore[no-any-return]
        generation = self._generation
        value = load()
        if value is not None or keep_none:
            with self._lock:
                if generation == self._generation:
                    space.put(key, (value,))
        return value

    def observe(self, version: object) -> bool:
        """Tells the cache the version the database holds; True when what it holds is current,
        False when it had to empty itself (the caller redoes what it read from it)."""
        if version == self._observed:
            return True
        with self._lock:
            self._observed = version
            self._generation += 1
            for space in self._spaces.values():
                space.clear()
        return False

    def refresh(self, using: str = "default") -> bool:
        """Reads the version (one single-row query) and observes it."""
        try:
            version = read_version(using)
        except DatabaseError:
            return True
        return self.observe(version)

    def clear(self) -> None:
        """Forgets everything, as if the version had changed (tests, after a rollback)."""
        with self._lock:
            self._observed = UNSEEN
            self._generation += 1
            for space in self._spaces.values():
                space.clear()


cache = ConfigCache()


def read_version(using: str = "default") -> int | None:
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT version FROM {VERSION_TABLE} WHERE id = 1")  # noqa: S608 - a constant
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def version_subquery() -> str:
    """SQL that yields the current version inside another statement (one round trip for both)."""
    return f"(SELECT version FROM {VERSION_TABLE} WHERE id = 1)"  # noqa: S608 - a constant


# --- the triggers ----------------------------------------------------------------------------------

_PG_FUNCTION = f"""
CREATE SEQUENCE IF NOT EXISTS infra_config_version_seq;
CREATE OR REPLACE FUNCTION infra_bump_config_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {VERSION_TABLE} (id, version) VALUES (1, nextval('infra_config_version_seq'))
    ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
    RETURN NULL;
END $$;
"""  # noqa: S608 - names are constants


# Not INSERT OR REPLACE: inside a trigger SQLite applies the outer statement's conflict clause.
_SQLITE_BUMP = (
    f"UPDATE {VERSION_TABLE} SET version = abs(random()) WHERE id = 1; "  # noqa: S608 - a constant
    f"INSERT INTO {VERSION_TABLE} (id, version) SELECT 1, abs(random()) "
    f"WHERE NOT EXISTS (SELECT 1 FROM {VERSION_TABLE} WHERE id = 1);"
)


def _trigger_name(table: str, suffix: str = "") -> str:
    return f"infra_config_{table}{suffix}"[:63]


def _update_clause(table: ConfigTable, quote: Callable[[str], str]) -> str:
    if not table.ignored_columns:
        return "UPDATE"
    watched = [c for c in table.columns if c not in table.ignored_columns]
    return "UPDATE OF " + ", ".join(quote(c) for c in watched)


def install_triggers(using: str = "default") -> None:
    """(Re)creates the version row and a trigger on every registered table. Idempotent; run after
    every `migrate` (a migration that rebuilds a SQLite table drops its triggers)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_FUNCTION)
            cursor.execute(
                f"INSERT INTO {VERSION_TABLE} (id, version) VALUES (1, nextval('infra_config_version_seq')) "  # noqa: S608
                "ON CONFLICT (id) DO NOTHING"
            )
        else:
            cursor.execute(
                f"INSERT OR IGNORE INTO {VERSION_TABLE} (id, version) VALUES (1, abs(random()))"  # noqa: S608
            )
        for table in registered_tables():
            if table.table not in existing:
                continue
            name, events = quote(table.table), _update_clause(table, quote)
            if connection.vendor == "postgresql":
                trigger = _trigger_name(table.table)
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {name}")
                cursor.execute(
                    f"CREATE TRIGGER {trigger} AFTER INSERT OR {events} OR DELETE OR TRUNCATE ON {name} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION infra_bump_config_version()"
                )
            else:
                for suffix, event in (("_i", "INSERT"), ("_u", events), ("_d", "DELETE")):
                    trigger = _trigger_name(table.table, suffix)
                    cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
                    cursor.execute(
                        f"CREATE TRIGGER {trigger} AFTER {event} ON {name} BEGIN {_SQLITE_BUMP} END"
                    )
