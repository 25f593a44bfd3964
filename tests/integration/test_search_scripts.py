"""The case search crosses scripts: names are found as workers hear and type them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from app.demo.workspace import DEMO_PASSWORD, create_demo_workspace
from app.features.cases.services import case_list
from app.services import workspace as ws
from app.services.context import ServiceContext
from app.store import migrate
from tests.integration.helpers.casework import case_for, client

README = Path(__file__).resolve().parents[2] / "README.md"
NAMES = [
    ("Степан", "Коваленко"),
    ("Ivan", "Ivanov"),
    ("Ольга", "Иванова"),
    ("Ștefan", "Popescu"),
    ("Ørjan", "Lie"),
    ("Пётр", "Смирнов"),
    ("Anna", "Berg"),
]


def found(ctx: ServiceContext, query: str) -> set[str]:
    rows = case_list.list_cases(ctx, case_list.CaseQuery(text=query), limit=10_000)
    return {row.client_name for row in rows}


@pytest.fixture
def named(ctx: ServiceContext) -> ServiceContext:
    for given, family in NAMES:
        case_for(ctx, client(ctx, given, family).id)
    return ctx


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("stepan", {"Степан Коваленко"}),  # Latin finds Cyrillic
        ("kovalenko stepan", {"Степан Коваленко"}),
        ("ива", {"Ivan Ivanov", "Ольга Иванова"}),  # Cyrillic finds Latin and Cyrillic
        ("иванов", {"Ivan Ivanov", "Ольга Иванова"}),
        ("ivanov", {"Ivan Ivanov", "Ольга Иванова"}),
        ("petr", {"Пётр Смирнов"}),
        ("петр", {"Пётр Смирнов"}),  # as before: ё is е to a searcher
        ("Степ", {"Степан Коваленко"}),
        ("st", {"Степан Коваленко", "Ștefan Popescu"}),  # short words too (LIKE)
        ("ст", {"Степан Коваленко", "Ștefan Popescu"}),
        ("stefan", {"Ștefan Popescu"}),  # as before: accents and case do not matter
        ("TEFA", {"Ștefan Popescu"}),
        ("orjan", {"Ørjan Lie"}),
        ("berg", {"Anna Berg"}),
        ("ольга smirnov", set()),
    ],
)
def test_a_name_is_found_in_either_script(
    named: ServiceContext, query: str, expected: set[str]
) -> None:
    assert found(named, query) == expected
    assert case_list.count_cases(named, case_list.CaseQuery(text=query)) == len(expected)


def readme_examples() -> list[tuple[str, str]]:
    """The pairs "`typed` finds Name" of the README's Cases paragraph."""
    text = README.read_text("utf-8")
    paragraph = text[text.index("- **Cases**: type part of a name") :]
    paragraph = paragraph[: paragraph.index("\n- ")]
    return re.findall(r"`([^`]+)` finds ([^\s,.;]+)", paragraph)


def test_the_readme_examples_are_true_on_the_demo(tmp_path: Path) -> None:
    examples = readme_examples()
    assert len(examples) >= 4 and any(re.search("[а-я]", typed) for typed, _name in examples)
    assert any(re.search("[а-я]", name.lower()) for typed, name in examples if typed.isascii())
    created, _stats = create_demo_workspace(tmp_path / "demo", cases=300, seed=1, kdf_seconds=0)
    with ws.unlock(created.folder, "worker", DEMO_PASSWORD) as ctx:
        for typed, name in examples:
            names = found(ctx, typed)
            assert any(name in shown for shown in names), (typed, name, sorted(names)[:5])


def test_the_migration_rebuilds_the_search_lines(ctx: ServiceContext) -> None:
    """A workspace whose lines were written before 0012 finds Степан by "stepan" after it."""
    case_for(ctx, client(ctx, "Степан", "Коваленко").id)
    with ctx.engine.begin() as conn:  # back to 0011, with the lines as it left them
        config = migrate.alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0012")
        conn.execute(text("UPDATE case_search_index SET text = 'hw-2025-0001 степан коваленко'"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0011'"))
    assert found(ctx, "stepan") == set()
    migrate.upgrade(ctx.engine)
    assert found(ctx, "stepan") == found(ctx, "коваленко") == {"Степан Коваленко"}
