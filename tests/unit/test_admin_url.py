"""The administrator's address the ``server`` commands take (``--url``, ``demo --server``)."""

from __future__ import annotations

import pytest
from sqlalchemy import make_url

from app.cli.server import admin_url
from app.kernel.errors import ValidationError


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "postgresql://admin@db.example.org/homeward?sslmode=verify-full",
            "postgresql+psycopg://admin@db.example.org/homeward?sslmode=verify-full",
        ),
        (
            "postgres://admin@db.example.org:6543/hw",
            "postgresql+psycopg://admin@db.example.org:6543/hw",
        ),
        (
            " postgresql+psycopg://postgres@/hw?host=/run/postgresql ",
            "postgresql+psycopg://postgres@/hw?host=/run/postgresql",
        ),
    ],
    ids=["tls", "postgres-scheme-and-port", "socket"],
)
def test_an_address_becomes_the_drivers(given: str, expected: str) -> None:
    assert make_url(admin_url(given)) == make_url(expected)


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("postgresql://admin:hunter2@db.example.org/homeward", "Leave the password out"),
        ("postgresql://admin@db.example.org/homeward?password=hunter2", "Leave the password out"),
        ("postgresql://admin@db.example.org", "names no database"),
        ("mysql://admin@db.example.org/homeward", "postgresql://ADMIN@HOST/DATABASE"),
        ("db.example.org/homeward", "postgresql://ADMIN@HOST/DATABASE"),
    ],
    ids=["password", "password-in-query", "no-database", "not-postgresql", "no-scheme"],
)
def test_a_wrong_address_is_refused_plainly(given: str, says: str) -> None:
    with pytest.raises(ValidationError) as refused:
        admin_url(given)
    assert says in str(refused.value) and "hunter2" not in str(refused.value)
