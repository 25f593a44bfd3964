"""Where the parts of ``app/`` live, for tests that read the source (docs/ARCHITECTURE.md).

The UI is the shell, the UI kit and each feature's ``ui`` package; the services are the shared
``app/services`` and each feature's ``services`` package.
"""

from __future__ import annotations

import pkgutil
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"


def features() -> list[str]:
    return sorted(info.name for info in pkgutil.iter_modules([str(APP / "features")]))


def ui_dirs() -> list[Path]:
    return [APP / "shell", APP / "ui_kit", *(APP / "features" / f / "ui" for f in features())]


def service_dirs() -> list[Path]:
    return [APP / "services", *(APP / "features" / f / "services" for f in features())]


def ui_paths() -> list[Path]:
    return sorted(p for d in ui_dirs() for p in d.rglob("*.py"))


def service_paths() -> list[Path]:
    return sorted(p for d in service_dirs() for p in d.rglob("*.py"))


def service_packages() -> list[str]:
    """``app.services`` and each ``app.features.<feature>.services``."""
    return ["app.services", *(f"app.features.{f}.services" for f in features())]


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(APP.parent).with_suffix("").parts).removesuffix(".__init__")
