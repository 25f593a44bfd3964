"""``homeward verify``: the database's encryption and integrity, the audit trail, and the
fingerprints a report printed (``--anchor``).
"""

from __future__ import annotations

import argparse
import sys

from app.cli.backup import print_backups
from app.cli.common import (
    Subparsers,
    count,
    credentials_args,
    tables_and_rows,
    unlock,
    workspace_arg,
)
from app.kernel.errors import ValidationError
from app.kernel.i18n import _, ngettext


def add_parser(sub: Subparsers) -> None:
    verify = sub.add_parser(
        "verify",
        help=_("check the database's encryption and integrity"),
        description=_("Run SQLCipher's and SQLite's integrity checks on a workspace and report."),
    )
    workspace_arg(verify)
    credentials_args(verify, recovery=True)
    verify.add_argument(
        "--anchor",
        action="append",
        default=[],
        metavar="EVENT:FINGERPRINT",
        help=_(
            "also check that the audit trail up to EVENT still has this fingerprint (as "
            "printed on a quarterly report); may be given more than once"
        ),
    )


def run(args: argparse.Namespace) -> int:
    from app.kernel.errors import DamagedError
    from app.services import workspace as ws
    from app.services.context import ServiceContext

    anchors = [_anchor(text) for text in args.anchor]
    try:
        # The sign-in event waits until the check is done: it would write a fresh head over
        # whatever is left of the trail.
        ctx = unlock(args, record=False)
    except DamagedError as exc:
        print(f"homeward: {exc}", file=sys.stderr)
        print_backups(args.workspace)
        return exc.exit_code
    assert isinstance(ctx, ServiceContext)
    with ctx:
        try:
            report = ws.verify(ctx)
            anchor_problems, matched = _check_anchors(ctx, anchors) if report.audit.ok else ([], [])
        finally:
            ws.record_sign_in(ctx)
    ok, bad = _("ok"), _("FAILED")
    print(
        _("Encryption (cipher_integrity_check): {result}").format(
            result=ok if report.cipher_ok else bad
        )
    )
    print(
        _("Database (integrity_check): {result}").format(result=ok if report.integrity_ok else bad)
    )
    trail = report.audit
    print(
        _("Audit trail: {result} ({events})").format(
            result=ok if trail.ok else bad,
            events=count(ngettext("{n} event", "{n} events", trail.events), trail.events),
        )
    )
    if trail.first_bad_sequence is not None:
        print(_("  first broken link: event {n}").format(n=trail.first_bad_sequence))
    if trail.fingerprint is not None:
        print(
            _("  fingerprint at event {n}: {fingerprint}").format(
                n=trail.events, fingerprint=trail.fingerprint
            )
        )
    for line in matched:
        print(line)
    print(tables_and_rows(report.tables, report.rows) + ".")
    for problem in [*report.problems, *anchor_problems][:20]:
        print(f"  - {problem}")
    if not report.ok or anchor_problems:
        print(_("homeward: the workspace has problems; restore from a backup."), file=sys.stderr)
        print_backups(args.workspace)
        return 4
    return 0


def _anchor(text: str) -> tuple[int, str]:
    event, _sep, fingerprint = text.partition(":")
    fingerprint = fingerprint.strip().lower().replace(" ", "")
    if not event.strip().isdigit() or not fingerprint:
        raise ValidationError(
            {
                "anchor": _(
                    "Give an anchor as EVENT:FINGERPRINT, for example 1234:0a1b-2c3d-4e5f-6a7b."
                )
            }
        )
    return int(event), fingerprint


def _check_anchors(ctx: object, anchors: list[tuple[int, str]]) -> tuple[list[str], list[str]]:
    """A problem for each anchor the trail no longer matches, a line for each it matches."""
    from app.services.audit_log import fingerprint_at
    from app.services.context import ServiceContext

    assert isinstance(ctx, ServiceContext)
    problems, matched = [], []
    for event, expected in anchors:
        found = fingerprint_at(ctx, event)
        if found is None:
            problems.append(
                _("The audit trail has no event {n}, which a report's fingerprint named.").format(
                    n=event
                )
            )
        elif found.replace("-", "") != expected.replace("-", ""):
            problems.append(
                _(
                    "The audit trail up to event {n} is not the one the fingerprint {expected} "
                    "recorded (it is now {found}): events up to {n} were changed."
                ).format(n=event, expected=expected, found=found)
            )
        else:
            matched.append(_("  anchor at event {n}: matches").format(n=event))
    return problems, matched
