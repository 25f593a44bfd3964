"""``homeward demo``: a workspace full of synthetic demo data."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from app.cli.common import Subparsers, count, kdf_arg
from app.kernel.errors import ValidationError
from app.kernel.i18n import _, ngettext
from app.kernel.i18n_formats import number, percent


def add_parser(sub: Subparsers) -> None:
    demo = sub.add_parser(
        "demo",
        help=_("create a workspace full of synthetic demo data"),
        description=_(
            "Create a demo workspace with made-up people and cases. Sign in as coordinator, "
            "worker or volunteer with the password 'demo'."
        ),
    )
    target = demo.add_mutually_exclusive_group(required=True)
    target.add_argument("--workspace", type=Path, metavar="DIR", help=_("workspace folder"))
    target.add_argument(
        "--server",
        metavar="URL",
        help=_(
            "fill an empty PostgreSQL database as a team server instead: "
            "postgresql://ADMIN@HOST/DATABASE, as its owner (the password from ~/.pgpass or "
            "PGPASSWORD)"
        ),
    )
    demo.add_argument(
        "--cases", type=int, default=300, metavar="N", help=_("number of cases (default 300)")
    )
    demo.add_argument("--seed", type=int, default=1, metavar="S", help=_("random seed (default 1)"))
    kdf_arg(demo)


def run(args: argparse.Namespace) -> int:
    from app.demo.workspace import create_demo_workspace

    if args.cases < 1 or args.cases > 1_000_000:
        raise ValidationError({"cases": _("Choose between 1 and 1,000,000 cases.")})
    if args.server is not None:
        return _run_on_server(args)
    started = time.perf_counter()

    def progress(stage: str, fraction: float) -> None:
        print(f"\r{stage}: {percent(fraction):>5}   ", end="", file=sys.stderr, flush=True)

    created, stats = create_demo_workspace(
        args.workspace,
        cases=args.cases,
        seed=args.seed,
        kdf_seconds=args.kdf_seconds,
        progress=progress if sys.stderr.isatty() else None,
    )
    if sys.stderr.isatty():
        print(file=sys.stderr)
    elapsed = time.perf_counter() - started
    size = sum(p.stat().st_size for p in created.folder.rglob("*") if p.is_file())
    counts = ", ".join(
        [
            count(ngettext("{n} case", "{n} cases", stats.cases), stats.cases),
            count(ngettext("{n} person", "{n} people", stats.people), stats.people),
            count(ngettext("{n} meeting", "{n} meetings", stats.meetings), stats.meetings),
            count(ngettext("{n} task", "{n} tasks", stats.tasks), stats.tasks),
            count(
                ngettext("{n} child visit", "{n} child visits", stats.child_visits),
                stats.child_visits,
            ),
        ]
    )
    print(
        _("Created a demo workspace in {folder}: {counts} in {seconds} s ({size} MB).").format(
            folder=created.folder,
            counts=counts,
            seconds=number(elapsed, decimals=1),
            size=number(size / 1e6, decimals=1),
        )
    )
    print(_("Sign in as coordinator, worker or volunteer with the password 'demo'."))
    return 0


def _run_on_server(args: argparse.Namespace) -> int:
    """The demo built as a laptop workspace in a private temporary folder, moved onto the
    server with the demo users' passwords (the same users and passwords as the laptop demo),
    and the folder deleted."""
    from app.cli.server import admin_url, print_import
    from app.demo.workspace import DEMO_PASSWORD, DEMO_USERS, create_demo_workspace
    from app.services.team_import import import_workspace

    url = admin_url(args.server)
    private = Path(tempfile.mkdtemp(prefix="homeward-demo-"))
    try:
        created, _stats = create_demo_workspace(
            private / "demo", cases=args.cases, seed=args.seed, kdf_seconds=args.kdf_seconds
        )
        report = import_workspace(
            created.folder,
            DEMO_USERS[0].username,
            DEMO_PASSWORD,
            url,
            passwords={user.username: DEMO_PASSWORD for user in DEMO_USERS},
        )
    finally:
        shutil.rmtree(private, ignore_errors=True)
    print_import(report)
    print(_("Sign in as coordinator, worker or volunteer with the password 'demo'."))
    return 0
