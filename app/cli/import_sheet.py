"""``homeward import``: people and cases from a CSV or XLSX file, checked first."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.common import Subparsers, count, credentials_args, unlock, workspace_arg
from app.kernel.errors import ValidationError
from app.kernel.i18n import _, ngettext
from app.kernel.i18n_formats import number


def add_parser(sub: Subparsers) -> None:
    imp = sub.add_parser(
        "import",
        help=_("import people and cases from a CSV or XLSX file"),
        description=_(
            "Import people (and their cases) from a spreadsheet. Columns are matched to "
            "fields by their headers (English or Norwegian), or by a JSON mapping file. "
            "--dry-run lists every problem with its row and column and changes nothing; "
            "without it, nothing is imported while any problem remains, and then all rows "
            "are imported in one transaction. Importing the same file again creates nothing "
            "twice."
        ),
    )
    workspace_arg(imp)
    credentials_args(imp)
    imp.add_argument("file", type=Path, metavar="FILE", help=_("the CSV or XLSX file"))
    imp.add_argument(
        "--mapping", type=Path, metavar="MAPPING", help=_("a JSON file mapping columns to fields")
    )
    imp.add_argument(
        "--dry-run", action="store_true", help=_("check every row and report; import nothing")
    )
    imp.add_argument("--sheet", metavar="NAME", help=_("the XLSX sheet (default: the first)"))
    imp.add_argument(
        "--batch-size",
        type=int,
        metavar="N",
        help=_(
            "commit every N rows in a transaction of their own (for very large files); "
            "an interrupted import then resumes where it stopped when run again"
        ),
    )


def run(args: argparse.Namespace) -> int:
    from app.features.importing.services import import_sources, importing
    from app.services.context import ServiceContext

    table = import_sources.read_table(args.file, sheet=args.sheet)
    if args.mapping:
        try:
            mapping = import_sources.mapping_from_json(Path(args.mapping).read_bytes())
        except OSError:
            raise ValidationError({"mapping": _("The mapping file could not be read.")}) from None
    else:
        mapping = import_sources.suggest_mapping(table.headers)
    ctx = unlock(args)
    assert isinstance(ctx, ServiceContext)
    with ctx:
        preview = importing.preview_import(ctx, table, mapping)
        print(_("Columns:"))
        for header, target in mapping.columns:
            print(f"  {header} -> {target}")
        for header in preview.unmapped_columns:
            print(_("  {header} -> (not imported)").format(header=header))
        print(
            _(
                "{rows}: {people_new}, {people_old} already in Homeward; "
                "{cases_new}, {cases_old} already in Homeward."
            ).format(
                rows=count(ngettext("{n} row", "{n} rows", preview.rows), preview.rows),
                people_new=count(
                    ngettext("{n} new person", "{n} new people", preview.people_new),
                    preview.people_new,
                ),
                people_old=number(preview.people_existing),
                cases_new=count(
                    ngettext("{n} new case", "{n} new cases", preview.cases_new),
                    preview.cases_new,
                ),
                cases_old=number(preview.cases_existing),
            )
        )
        for problem in preview.problems:
            where = _("row {row}").format(row=problem.row)
            if problem.column:
                where += f", {problem.column}"
            print(f"{where}: {problem.message}")
        if preview.problems_not_shown:
            more = preview.problems_not_shown
            print(
                ngettext("… and {n} more problem", "… and {n} more problems", more).format(
                    n=number(more)
                )
            )
        if not preview.ok:
            n = preview.problem_count
            print(
                ngettext(
                    "homeward: {n} problem; nothing was imported.",
                    "homeward: {n} problems; nothing was imported.",
                    n,
                ).format(n=number(n)),
                file=sys.stderr,
            )
            return 2
        if args.dry_run:
            print(_("Dry run: nothing was imported."))
            return 0
        result = importing.run_import(ctx, table, mapping, batch_size=args.batch_size)
    print(
        _(
            "Imported: {people} ({matched} matched), {cases} ({cases_matched} matched) in {seconds} s."
        ).format(
            people=count(
                ngettext("{n} person created", "{n} people created", result.people_created),
                result.people_created,
            ),
            matched=number(result.people_matched),
            cases=count(
                ngettext("{n} case created", "{n} cases created", result.cases_created),
                result.cases_created,
            ),
            cases_matched=number(result.cases_matched),
            seconds=number(result.seconds, decimals=1),
        )
    )
    return 0
