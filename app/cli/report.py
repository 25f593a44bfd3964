"""``homeward report``: the anonymised summary for funders, as a PDF or a CSV."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from app.cli.common import Subparsers, count, credentials_args, unlock, workspace_arg
from app.kernel.errors import ValidationError
from app.kernel.i18n import _, ngettext
from app.kernel.i18n_formats import number, percent


def add_parser(sub: Subparsers) -> None:
    report = sub.add_parser(
        "report",
        help=_("export an anonymised summary for funders (PDF or CSV)"),
        description=_(
            "Count the organisation's work in a quarter (or a year, or a custom period), hide "
            "small numbers, and write the summary as a PDF or a tidy CSV. Coordinators only; "
            "every export is recorded."
        ),
    )
    workspace_arg(report)
    credentials_args(report)
    when = report.add_mutually_exclusive_group(required=True)
    when.add_argument("--quarter", metavar="YYYYQN", help=_("the quarter, for example 2026Q3"))
    when.add_argument("--year", type=int, metavar="YYYY", help=_("a calendar year"))
    when.add_argument(
        "--from",
        dest="date_from",
        type=_iso_date,
        metavar="DATE",
        help=_("the first day of a custom period (YYYY-MM-DD, with --to)"),
    )
    report.add_argument(
        "--to",
        dest="date_to",
        type=_iso_date,
        metavar="DATE",
        help=_("the last day of a custom period (YYYY-MM-DD)"),
    )
    report.add_argument(
        "--format",
        choices=["pdf", "csv"],
        help=_("pdf or csv (default: from the file name, else pdf)"),
    )
    report.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help=_("the file to write")
    )
    report.add_argument(
        "--lang",
        dest="report_language",
        choices=["en", "nb", "ru", "ro"],
        help=_("the language of the PDF (default: the user's language)"),
    )
    report.add_argument(
        "--threshold",
        type=int,
        metavar="K",
        help=_("hide counts from 1 to K-1 (default: the workspace's setting; at least 3)"),
    )
    report.add_argument(
        "--hxl", action="store_true", help=_("add a row of HXL hashtags under the CSV header")
    )


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("'{text}' is not a date; write it as YYYY-MM-DD").format(text=text)
        ) from None


def _report_period(args: argparse.Namespace) -> object:
    from app.features.reports.services import periods

    if args.quarter:
        return periods.parse_quarter(args.quarter)
    if args.year is not None:
        return periods.year(args.year)
    if args.date_to is None:
        raise ValidationError({"to": _("A custom period needs --to as well as --from.")})
    return periods.date_range(args.date_from, args.date_to)


def run(args: argparse.Namespace) -> int:
    from app.features.reports.services import service
    from app.features.reports.services.periods import Period
    from app.services.context import ServiceContext

    period = _report_period(args)
    assert isinstance(period, Period)
    if args.date_to is not None and args.date_from is None:
        raise ValidationError({"to": _("--to goes with --from.")})
    fmt = args.format or ("csv" if args.out.suffix.lower() == ".csv" else "pdf")
    if args.hxl and fmt != "csv":
        raise ValidationError({"hxl": _("--hxl is for CSV files.")})

    def progress(stage: str, fraction: float) -> None:
        print(f"\r{stage} {percent(fraction):>5}   ", end="", file=sys.stderr, flush=True)

    show = progress if sys.stderr.isatty() else None
    ctx = unlock(args)
    assert isinstance(ctx, ServiceContext)
    with ctx:
        if fmt == "pdf":
            result = service.export_pdf(
                ctx, period, args.out, args.report_language, threshold=args.threshold, progress=show
            )
        else:
            result = service.export_csv(
                ctx, period, args.out, threshold=args.threshold, hxl=args.hxl, progress=show
            )
    if show is not None:
        print(file=sys.stderr)
    print(
        _("Wrote {path} ({size}, SHA-256 {sha256}).").format(
            path=result.path,
            size=count(ngettext("{n} byte", "{n} bytes", result.size), result.size),
            sha256=result.sha256,
        )
    )
    print(
        ngettext(
            "{n} number was hidden to protect small counts (threshold {k}).",
            "{n} numbers were hidden to protect small counts (threshold {k}).",
            result.suppressed,
        ).format(n=number(result.suppressed), k=result.threshold)
    )
    return 0
