"""``homeward gui``: open the app (also what ``homeward`` alone does)."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import Subparsers
from app.kernel.i18n import _


def add_parser(sub: Subparsers) -> None:
    gui = sub.add_parser("gui", help=_("open the app (the default)"))
    gui.add_argument(
        "--workspace",
        type=Path,
        default=None,
        metavar="DIR",
        help=_("workspace folder (default: the one opened last on this computer)"),
    )


def run(args: argparse.Namespace) -> int:
    from app.shell.main import run_gui  # the only place the CLI reaches into the UI

    return run_gui(args.workspace)
