"""The one-way layers of DESIGN.md §2, checked on the source (import-linter runs in lint too)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def python_files(sub: str = "") -> list[Path]:
    return sorted((APP / sub).rglob("*.py"))


def test_nothing_outside_ui_imports_pyside6() -> None:
    offenders = [
        str(path.relative_to(APP))
        for path in python_files()
        if "ui" not in path.relative_to(APP).parts[:1]
        and any(m.split(".")[0] in {"PySide6", "shiboken6"} for m in imported_modules(path))
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("models", ("app.services", "app.store", "app.security", "app.ui", "app.cli")),
        ("store", ("app.services", "app.ui", "app.cli")),
        ("security", ("app.services", "app.ui", "app.cli")),
        ("services", ("app.ui", "app.cli")),
    ],
)
def test_lower_layers_never_import_higher_ones(layer: str, forbidden: tuple[str, ...]) -> None:
    offenders = {
        f"{path.relative_to(APP)} imports {module}"
        for path in python_files(layer)
        for module in imported_modules(path)
        if module.startswith(forbidden)
    }
    assert offenders == set()


def test_ui_holds_no_sql_or_session() -> None:
    offenders = {
        f"{path.relative_to(APP)} imports {module}"
        for path in python_files("ui")
        for module in imported_modules(path)
        if module.startswith(("sqlalchemy", "sqlcipher3", "app.store", "app.models."))
        and module != "app.models.enums"
    }
    assert offenders == set()


def test_the_checker_sees_an_offending_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtWidgets import QWidget\nimport app.ui.main\n")
    assert {"PySide6.QtWidgets", "app.ui.main"} <= imported_modules(bad)
