"""The few statements on the request path, run on PostgreSQL as prepared statements through libpq.

A downstream read and a consent POST each make one round trip to the database. Sent through
psycopg's cursor, the Python work around it (query conversion, adapters, a transformer and loaders
per cursor) cost about as much CPU as the rest of the read (docs/PERFORMANCE.md, "HTTP load"). Here
the statement is prepared once per connection and run with libpq's PQexecPrepared, parameters and
results as text.

Elsewhere Django's cursor runs the same SQL: on SQLite, inside a transaction (`atomic`), and on
PostgreSQL when prepared statements are switched off (CMP_DB_PREPARE_THRESHOLD=0, e.g. behind a
transaction-pooling PgBouncer). Errors are Django's database errors on every path, so an unreachable
database still answers 503 (cmp/outage.py).
"""

from __future__ import annotations

import itertools
import re
import weakref
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection
from psycopg import OperationalError, errors, pq

_names = itertools.count(1)
_PLACEHOLDER = re.compile(r"%s")


def _text(value: Any) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat().encode()
    if isinstance(value, bool):  # PostgreSQL's text form of a boolean
        return b"t" if value else b"f"
    return str(value).encode()


class PreparedStatement:
    """One SQL statement with `%s` placeholders; `fetch_one` runs it and returns its first row
    (None: no row). On the libpq path every value in the row is text (None for NULL)."""

    def __init__(self, sql: str) -> None:
        self.sql = sql
        self.name = f"cmp_{next(_names)}".encode()
        numbers = itertools.count(1)
        self._libpq_sql = _PLACEHOLDER.sub(lambda _: f"${next(numbers)}", sql).encode()
        # The libpq connections this statement is prepared on (a new connection starts without it).
        self._prepared_on: weakref.WeakSet[Any] = weakref.WeakSet()

    def fetch_one(self, params: Sequence[Any]) -> tuple[Any, ...] | None:
        if _uses_libpq():
            connection.ensure_connection()
            driver = connection.connection
            # Only in autocommit: libpq would run the statement outside a transaction that psycopg
            # has not begun yet, and inside one a statement that fails (one that psycopg
            # deallocated after a rollback) would abort it. There the cursor runs it.
            if driver.autocommit and driver.pgconn.transaction_status == pq.TransactionStatus.IDLE:
                with connection.wrap_database_errors:
                    return self._run(driver.pgconn, [_text(value) for value in params])
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            return cursor.fetchone()  # type: ignore[no-any-return]

    def _run(self, pgconn: Any, params: list[bytes | None]) -> tuple[str | None, ...] | None:
        if pgconn not in self._prepared_on:
            self._prepare(pgconn)
        result = pgconn.exec_prepared(self.name, params)
        if result.status == pq.ExecStatus.FATAL_ERROR and _sqlstate(result) == "26000":
            # The statement vanished from the session: psycopg runs DEALLOCATE ALL after a rollback
            # on a connection with prepared statements, and a pooler may reset sessions. Outside a
            # transaction the failure left nothing behind: prepare it again.
            self._prepare(pgconn)
            result = pgconn.exec_prepared(self.name, params)
        if result.status not in (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK):
            if not _sqlstate(result) or pgconn.status != pq.ConnStatus.OK:
                raise OperationalError(result.get_error_message("utf-8") or "the connection was lost")
            raise errors.error_from_result(result, encoding="utf-8")
        if not result.ntuples:
            return None
        values = [result.get_value(0, column) for column in range(result.nfields)]
        return tuple(None if value is None else value.decode() for value in values)

    def _prepare(self, pgconn: Any) -> None:
        result = pgconn.prepare(self.name, self._libpq_sql)
        if result.status != pq.ExecStatus.COMMAND_OK:
            if not _sqlstate(result):
                raise OperationalError(result.get_error_message("utf-8") or "the connection was lost")
            raise errors.error_from_result(result, encoding="utf-8")
        self._prepared_on.add(pgconn)


def _sqlstate(result: Any) -> str:
    state = result.error_field(pq.DiagnosticField.SQLSTATE)
    return state.decode() if state else ""


def _uses_libpq() -> bool:
    return connection.vendor == "postgresql" and settings.CMP_DB_PREPARE_THRESHOLD > 0
