"""Workspace settings are declared once (app/services/settings.py) and read only through it.

A setting read or written anywhere else — a private ``_get_setting``, a query on the
``Setting`` model, SQL on the ``settings`` table — would bypass the declared type, default
and validation; and a bad value must be refused with a plain message, not stored."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from app.features.reports.services import disclosure
from app.security import audit_chain
from app.services import settings

APP = Path(__file__).resolve().parents[2] / "app"
#: Where the settings table may be named: the registry; the model and the migrations that
#: define it; the audit chain, which keeps its head there (a reserved key, not a setting),
#: and on a team server the server's own audit function (and the laptop secret it replaces).
ALLOWED = {
    "store/team_schema.py",
    "services/settings.py",
    "security/audit_chain.py",
    "security/audit_verify.py",
    "models/admin.py",
    "models/__init__.py",
}
SQL = re.compile(r"\b(from|into|update|join|table)\s+settings\b", re.IGNORECASE)


def _touches_the_table(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("app.models"):
            found += [f"imports {a.name}" for a in node.names if a.name == "Setting"]
        elif isinstance(node, ast.Name | ast.Attribute) and (
            getattr(node, "id", None) == "_get_setting"
            or getattr(node, "attr", None) == "_get_setting"
        ):
            found.append("calls _get_setting")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and SQL.search(node.value)
        ):
            found.append(f"SQL {node.value[:40]!r}")
    return found


def test_no_module_but_the_registry_touches_the_settings_table() -> None:
    offenders = {
        rel: found
        for path in sorted(APP.rglob("*.py"))
        if (rel := path.relative_to(APP).as_posix()) not in ALLOWED
        and not rel.startswith("store/migrations/")
        and (found := _touches_the_table(path))
    }
    assert offenders == {}


def test_every_declaration_has_a_valid_default_and_a_unique_key() -> None:
    assert len(settings.REGISTRY) >= 10
    for key, setting in settings.REGISTRY.items():
        assert setting.key == key
        assert setting.validate(setting.default) == setting.default
        assert setting.problem(setting.default) is None
    assert audit_chain.HEAD_SETTING in settings.RESERVED
    assert not settings.RESERVED & set(settings.REGISTRY)


@pytest.mark.parametrize(
    ("setting", "bad", "message"),
    [
        (settings.IDLE_LOCK_MINUTES, 0, "Choose between 1 and 240 minutes."),
        (settings.IDLE_LOCK_MINUTES, "5", "Choose between 1 and 240 minutes."),
        (settings.REPORT_THRESHOLD, 2, "Choose a threshold from 3 to 100."),
        (settings.REPORT_THRESHOLD, 101, "Choose a threshold from 3 to 100."),
        (settings.BACKUP_KEEP_DAILY, 61, "Keep between 1 and 60 daily backups."),
        (settings.BACKUP_KEEP_WEEKLY, True, "Keep between 0 and 52 weekly backups."),
        (settings.RETENTION_MONTHS, {"release_support": 0}, "between 1 and 1200 months"),
        (settings.RETENTION_MONTHS, {"no_such_kind": 12}, "months per kind of case"),
        (settings.SHARED_OS_ACCOUNT, "yes", "true or false"),
        (settings.ORGANISATION_NAME, None, "text"),
    ],
)
def test_a_bad_value_is_refused_with_a_plain_message(
    setting: settings.Setting[object], bad: object, message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        setting.validate(bad)
    assert setting.problem(bad) is not None and message in str(setting.problem(bad))


def test_reading_never_fails_an_unusable_stored_value_reads_as_the_default() -> None:
    assert settings.stored(None, settings.REPORT_THRESHOLD) == 5
    assert settings.stored("not json", settings.REPORT_THRESHOLD) == 5
    assert settings.stored(json.dumps(2), settings.REPORT_THRESHOLD) == 5
    assert settings.stored(json.dumps(7), settings.REPORT_THRESHOLD) == 7
    assert settings.stored(json.dumps(12.0), settings.IDLE_LOCK_MINUTES) == 12
    assert settings.stored(json.dumps(""), settings.BACKUP_SECOND_FOLDER) is None
    assert settings.stored(json.dumps([1]), settings.RETENTION_MONTHS) == {}
    months = {"release_support": 24}
    assert settings.stored(json.dumps(months), settings.RETENTION_MONTHS) == months


def test_the_threshold_declaration_matches_the_disclosure_rules() -> None:
    assert settings.REPORT_THRESHOLD.default == disclosure.DEFAULT_THRESHOLD
    assert settings.MIN_THRESHOLD == disclosure.MIN_THRESHOLD
