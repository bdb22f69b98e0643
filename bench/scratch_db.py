"""Scratch PostgreSQL databases for the benchmarks: created fresh, dropped afterwards."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlparse, urlunparse

import psycopg

T = TypeVar("T")


def add_admin_url(parser: argparse.ArgumentParser) -> None:
    """`--admin-url`: the maintenance database of the server the scratch databases go on."""
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="maintenance database URL of the PostgreSQL server (env BENCH_PG_ADMIN_URL)",
    )


def database_url(admin_url: str, name: str) -> str:
    """The URL of database `name` on the server that `admin_url` points at."""
    return urlunparse(urlparse(admin_url)._replace(path=f"/{name}"))


def drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def recreate_database(admin_url: str, name: str) -> None:
    """Drops what an interrupted earlier run left behind, then creates `name` empty."""
    drop_database(admin_url, name)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def in_scratch_database(admin_url: str, name: str, setup: Callable[[str], None], run: Callable[[], T]) -> T:
    """`setup(url)` (Django on database `name`, created fresh), then `run()`; the database is dropped
    afterwards whatever happens."""
    recreate_database(admin_url, name)
    try:
        setup(database_url(admin_url, name))
        result = run()
        from django.db import connections

        connections.close_all()
        return result
    finally:
        drop_database(admin_url, name)
