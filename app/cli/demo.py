"""``homeward demo``: a workspace full of synthetic demo data."""

from __future__ import annotations

import argparse
import sys
import time

from app.cli.common import Subparsers, count, kdf_arg, workspace_arg
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
    workspace_arg(demo, default=False)
    demo.add_argument(
        "--cases", type=int, default=300, metavar="N", help=_("number of cases (default 300)")
    )
    demo.add_argument("--seed", type=int, default=1, metavar="S", help=_("random seed (default 1)"))
    kdf_arg(demo)


def run(args: argparse.Namespace) -> int:
    from app.demo.workspace import create_demo_workspace

    if args.cases < 1 or args.cases > 1_000_000:
        raise ValidationError({"cases": _("Choose between 1 and 1,000,000 cases.")})
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
