"""``hw_fold`` in SQL is :func:`app.store.search.fold` on both engines: on SQLite the Python
function each connection registers, on PostgreSQL the SQL function migration 0003 creates."""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from app.store import migrate
from app.store.engine import KeyHolder, make_engine
from app.store.pg_engine import make_server_engine
from app.store.search import fold

pytestmark = pytest.mark.engines

NAMES = [
    "Ștefan",
    "Ørjan Ærøskøbing",
    "Пётр Йошкар-Ола ё",
    "STRAßE",
    "ﬁne 𝕊am ﾃｽﾄ",
    "Æsa Łukasz Đorđe Œuvre",
    "İstanbul ΣΊΣΥΦΟΣ",
    "ǅemal",
    "Ðá Þór ŀl ı",
    "Ünïcödé façade naïve",
    "हिन्दी עִבְרִית",
    "",
]


def _random_names(count: int) -> list[str]:
    """Latin, Greek and Cyrillic letters mixed with combining marks (fixed seed)."""
    rnd = random.Random(19)
    blocks = [(0x20, 0x24F), (0x370, 0x4FF), (0x300, 0x36F), (0x1E00, 0x1EFF)]
    return ["".join(chr(rnd.randint(*rnd.choice(blocks))) for _ in range(10)) for _ in range(count)]


@pytest.fixture
def engine(store_engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Engine]:
    if store_engine == "postgresql":
        made = make_server_engine(request.getfixturevalue("pg_url"))
        yield made
        made.dispose()
        return
    keys = KeyHolder(secrets.token_bytes(32))
    made = make_engine(tmp_path / "f.db", keys, create=True)
    migrate.upgrade(made)
    yield made
    made.dispose()
    keys.forget()


def test_hw_fold_in_sql_is_fold_in_python(engine: Engine) -> None:
    samples = [*NAMES, *_random_names(1000)]
    with engine.connect() as conn:
        got = [conn.execute(text("SELECT hw_fold(:v)"), {"v": v}).scalar() for v in samples]
        assert conn.execute(text("SELECT hw_fold(NULL)")).scalar() == fold(None) == ""
    assert got == [fold(v) for v in samples]
