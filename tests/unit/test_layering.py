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


def is_ui(path: Path) -> bool:
    """The shell, the UI kit and each feature's ``ui`` package: the only code that uses Qt."""
    parts = path.relative_to(APP).parts
    return parts[0] in {"shell", "ui_kit"} or (
        parts[0] == "features" and len(parts) > 2 and parts[2] == "ui"
    )


def ui_files() -> list[Path]:
    return [p for p in python_files() if is_ui(p)]


def test_nothing_outside_ui_imports_pyside6() -> None:
    offenders = [
        str(path.relative_to(APP))
        for path in python_files()
        if not is_ui(path)
        and any(m.split(".")[0] in {"PySide6", "shiboken6"} for m in imported_modules(path))
    ]
    assert offenders == []


UI = ("app.shell", "app.ui_kit", "app.cli")


def _feature_ui(module: str) -> bool:
    parts = module.split(".")
    return len(parts) > 3 and parts[:2] == ["app", "features"] and parts[3] == "ui"


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("models", ("app.services", "app.features", "app.demo", "app.store", "app.security", *UI)),
        ("store", ("app.services", "app.features", "app.demo", *UI)),
        ("security", ("app.services", "app.features", "app.demo", *UI)),
        ("services", ("app.features", "app.demo", *UI)),
        ("features", ("app.demo", "app.shell", "app.cli")),
    ],
)
def test_lower_layers_never_import_higher_ones(layer: str, forbidden: tuple[str, ...]) -> None:
    offenders = {
        f"{path.relative_to(APP)} imports {module}"
        for path in python_files(layer)
        if not is_ui(path) or layer == "features"
        for module in imported_modules(path)
        if module.startswith(forbidden)
        or (not is_ui(path) and _feature_ui(module))
        or (not is_ui(path) and module.startswith("app.ui_kit"))
    }
    assert offenders == set()


def test_ui_holds_no_sql_or_session() -> None:
    offenders = {
        f"{path.relative_to(APP)} imports {module}"
        for path in ui_files()
        for module in imported_modules(path)
        if module.startswith(("sqlalchemy", "sqlcipher3", "app.store", "app.models."))
        and module != "app.models.enums"
    }
    assert offenders == set()


def test_the_checker_sees_an_offending_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtWidgets import QWidget\nimport app.shell.main\n")
    assert {"PySide6.QtWidgets", "app.shell.main"} <= imported_modules(bad)
