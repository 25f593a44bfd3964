"""Logging setup. Logs hold what the program did, never client data.

Rules for every log call in Homeward: no names, notes, references, paths inside a
workspace's content, passwords or keys; log ids and counts instead. SQLAlchemy engines are
created with ``hide_parameters=True`` so even a failing statement cannot leak values.
The log lives in the platform's user log folder (``HOMEWARD_LOG_DIR`` overrides it).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

import platformdirs

_configured = False


def log_dir() -> Path:
    override = os.environ.get("HOMEWARD_LOG_DIR")
    return (
        Path(override) if override else Path(platformdirs.user_log_dir("Homeward", appauthor=False))
    )


def log_file() -> Path:
    return log_dir() / "homeward.log"


def configure_logging(level: int = logging.INFO) -> None:
    global _configured
    if _configured:
        return
    _configured = True
    root = logging.getLogger()
    root.setLevel(level)
    try:
        log_dir().mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            log_file(), maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()  # a read-only home folder must not stop the app
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    # SQLAlchemy's own loggers echo statements and parameters at INFO; keep them quiet.
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
