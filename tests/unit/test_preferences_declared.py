"""This computer's preferences (QSettings) are declared once, in app/ui_kit/preferences.py: no
other module reads or writes QSettings, so every key has one type and one default."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"


def test_only_the_preferences_module_touches_qsettings() -> None:
    users = sorted(
        path.relative_to(APP).as_posix()
        for path in APP.rglob("*.py")
        if any(
            isinstance(node, ast.Name | ast.alias)
            and getattr(node, "id", getattr(node, "name", None)) == "QSettings"
            for node in ast.walk(ast.parse(path.read_text("utf-8")))
        )
    )
    assert users == ["ui_kit/preferences.py"]
