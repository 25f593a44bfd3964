"""Every long service operation speaks one progress/cancel contract (app/services/jobs.py):
``progress: Progress | None`` and ``cancel: CancelFlag | None`` — so the GUI's one progress
panel and the CLI drive a summary, a backup or an erasure alike."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import ModuleType

from tests import app_layout


def _long_operations() -> dict[str, inspect.Signature]:
    found: dict[str, inspect.Signature] = {}
    for package in app_layout.service_packages():
        path = importlib.import_module(package).__path__
        for info in pkgutil.walk_packages(path, prefix=f"{package}."):
            _collect(importlib.import_module(info.name), found)
    return found


def _collect(module: ModuleType, found: dict[str, inspect.Signature]) -> None:
    for name, fn in inspect.getmembers(module, inspect.isfunction):
        if fn.__module__ != module.__name__ or name.startswith("_"):
            continue
        signature = inspect.signature(fn)
        # The key rotation names its crash-safe steps to a hook (the crash tests stop it
        # there): a protocol's checkpoints, not a progress bar.
        if name == "remove_user_for_good":
            continue
        if "cancel" in signature.parameters or "progress" in signature.parameters:
            found[f"{module.__name__}.{name}"] = signature


def test_every_long_operation_takes_the_jobs_progress_and_cancel_flag() -> None:
    operations = _long_operations()
    assert "app.features.reports.services.service.export_pdf" in operations
    assert "app.features.admin.services.backup.create_backup" in operations
    expected = {"progress": "Progress | None", "cancel": "CancelFlag | None"}
    odd = {
        f"{name}({parameter})": str(sig.parameters[parameter].annotation)
        for name, sig in operations.items()
        for parameter, annotation in expected.items()
        if parameter in sig.parameters and sig.parameters[parameter].annotation != annotation
    }
    assert odd == {}


def test_no_second_progress_module() -> None:
    defining = sorted(
        path.relative_to(app_layout.APP).as_posix()
        for path in app_layout.service_paths()
        if "Progress = Callable" in path.read_text("utf-8")
    )
    assert defining == ["services/jobs.py"]
