"""Screens refresh from what the services say they changed (:mod:`app.kernel.changes`): every topic
has a screen that listens for it and a service write that declares it, every service write
the UI calls declares what it changes, and the UI names no topic of its own."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import app.services
from app.kernel.changes import Topic, declared_changes
from app.security.permissions import declared_permission
from tests import app_layout

APP = Path(app.services.__file__).resolve().parent.parent
#: What a service write does in its body (an audit event, a commit, a bare write cursor).
WRITES = re.compile(r"\.commit\(|write_cursor\(|\blog(_on_cursor|_many|_now)?\(|audit_record\(")
#: Reads that commit only who looked at what (the audit event, the list of recent cases) or
#: the default plan templates the first time: nothing a screen could refresh for.
READS = {
    "app.features.admin.services.attachments.attachment_content",
    "app.features.cases.services.case_file.open_workspace",
    "app.features.cases.services.cases.get_case",
    "app.features.release.services.plan_templates.list_templates",
}

SERVICES = tuple(f"{p}." for p in app_layout.service_packages())


def _ui_sources() -> Iterator[tuple[Path, str]]:
    for path in app_layout.ui_paths():
        yield path, path.read_text(encoding="utf-8")


def _service_functions_used_by_ui() -> dict[str, Callable[..., Any]]:
    """Every service operation (declares a permission) that some screen names."""
    found: dict[str, Callable[..., Any]] = {}
    for _path, source in _ui_sources():
        tree = ast.parse(source)
        modules: dict[str, str] = {}
        names: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    if not full.startswith(SERVICES):
                        continue
                    try:
                        importlib.import_module(full)
                        modules[alias.asname or alias.name] = full
                    except ImportError:
                        names[alias.asname or alias.name] = full
        for node in ast.walk(tree):
            full = None
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                module = modules.get(node.value.id)
                if module:
                    full = f"{module}.{node.attr}"
            elif isinstance(node, ast.Name) and node.id in names:
                full = names[node.id]
            if full is None:
                continue
            module_name, _, attr = full.rpartition(".")
            fn = getattr(importlib.import_module(module_name), attr, None)
            if callable(fn) and inspect.isfunction(fn) and declared_permission(fn) is not None:
                found[f"{fn.__module__}.{fn.__name__}"] = fn
    return found


def _writes(fn: Callable[..., Any], depth: int = 2) -> bool:
    """``fn`` writes in its own body, or through a helper of its module it calls."""
    fn = inspect.unwrap(fn)
    source = inspect.getsource(fn)
    if WRITES.search(source):
        return True
    if depth == 0:
        return False
    module = inspect.getmodule(fn)
    called = {
        node.func.id
        for node in ast.walk(ast.parse(textwrap.dedent(source)))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    helpers = (getattr(module, name, None) for name in called - {fn.__name__})
    return any(
        inspect.isfunction(h) and h.__module__ == fn.__module__ and _writes(h, depth - 1)
        for h in helpers
    )


def test_the_ui_calls_service_writes_and_reads() -> None:
    used = _service_functions_used_by_ui()
    assert len(used) > 50
    assert "app.features.cases.services.meetings.record_meeting" in used
    assert _writes(used["app.features.cases.services.meetings.record_meeting"])
    assert not _writes(used["app.features.cases.services.case_list.first_page"])


def test_every_service_write_the_ui_calls_declares_what_it_changes() -> None:
    silent = sorted(
        name
        for name, fn in _service_functions_used_by_ui().items()
        if name not in READS and _writes(fn) and declared_changes(fn) is None
    )
    assert silent == []


def test_a_meeting_says_itself_that_it_may_make_a_task() -> None:
    from app.features.cases.services import meetings

    assert declared_changes(meetings.record_meeting) == {
        Topic.CASES,
        Topic.MEETINGS,
        Topic.TASKS,
    }


def test_every_topic_has_a_screen_that_listens_and_a_write_that_declares_it() -> None:
    heard = {
        Topic[name]
        for _path, source in _ui_sources()
        for name in re.findall(r"\bTopic\.([A-Z_]+)\b", source)
    }
    assert heard == set(Topic)
    declared: set[Topic] = set()
    for path in app_layout.service_paths():
        name = app_layout.module_name(path)
        for _attr, fn in vars(importlib.import_module(name)).items():
            if callable(fn):
                declared |= declared_changes(fn) or set()
    assert declared == set(Topic)


def test_the_ui_names_no_topic_of_its_own() -> None:
    """Topics come from the services: the UI neither publishes nor keeps lists of them."""
    guessed = [
        f"{path.relative_to(APP)}:{number}"
        for path, source in _ui_sources()
        for number, line in enumerate(source.splitlines(), 1)
        if re.search(r"\.changed\(|draft_topics|\.publish\(", line) and "def publish" not in line
    ]
    assert guessed == []
