"""``homeward backup`` and ``homeward restore``: write a verified backup, restore one into a
new folder, and list the newest backups when a workspace is damaged.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.common import (
    Subparsers,
    credentials_args,
    read_secret,
    tables_and_rows,
    unlock,
    workspace_arg,
)
from app.kernel.errors import ValidationError
from app.kernel.i18n import _
from app.kernel.i18n_formats import number


def add_backup_parser(sub: Subparsers) -> None:
    backup = sub.add_parser(
        "backup",
        help=_("write a verified, encrypted backup"),
        description=_(
            "Write an encrypted backup of the workspace, check it (decrypt, integrity checks, "
            "row counts) and print its folder. Without --out it goes into the workspace's "
            "backups folder, where old backups are pruned (7 daily and 4 weekly by default)."
        ),
    )
    workspace_arg(backup)
    credentials_args(backup)
    backup.add_argument(
        "--out", type=Path, metavar="FOLDER", help=_("write the backup into FOLDER instead")
    )


def add_restore_parser(sub: Subparsers) -> None:
    restore = sub.add_parser(
        "restore",
        help=_("restore a backup into a new workspace folder"),
        description=_(
            "Restore a backup (a backup folder, or the newest intact backup in a folder of "
            "backups) into a new folder. An existing workspace is never overwritten. The "
            "restored workspace opens with the passwords and recovery code of the moment the "
            "backup was made."
        ),
    )
    restore.add_argument(
        "--from",
        dest="source",
        type=Path,
        required=True,
        metavar="BACKUP",
        help=_("the backup folder, or a folder holding backups"),
    )
    workspace_arg(restore, default=False)
    restore.add_argument(
        "--server",
        metavar="URL",
        help=_(
            "load the backup into this PostgreSQL database instead, replacing all its rows "
            "(sign in with a password of the day of the backup, or the recovery code)"
        ),
    )
    credentials_args(restore, recovery=True, required=False)


def print_backups(folder: Path) -> None:
    from app.features.admin.services.integrity import newest_backups

    backups = newest_backups(folder)
    if not backups:
        print(_("No backups were found in the workspace."), file=sys.stderr)
        return
    print(
        _(
            "Newest backups (restore one with 'homeward restore --from BACKUP --workspace NEW_DIR'):"
        ),
        file=sys.stderr,
    )
    for backup in backups:
        print(f"  {backup.path}  ({backup.created_at:%Y-%m-%d %H:%M} UTC)", file=sys.stderr)


def run_backup(args: argparse.Namespace) -> int:
    from app.features.admin.services.backup import create_backup
    from app.services.context import ServiceContext

    ctx = unlock(args)
    assert isinstance(ctx, ServiceContext)
    with ctx:
        result = create_backup(ctx, out=args.out)
    print(result.backup.path)
    print(
        _("Verified: {tables_and_rows}, {size} MB in {seconds} s.").format(
            tables_and_rows=tables_and_rows(result.backup.tables, result.backup.rows),
            size=number(result.backup.size_bytes / 1e6, decimals=1),
            seconds=number(result.seconds, decimals=1),
        ),
        file=sys.stderr,
    )
    if result.second_problem:
        print(_("homeward: warning: {text}").format(text=result.second_problem), file=sys.stderr)
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from app.features.admin.services.restore import BackupOpener, restore_backup

    opener = None
    if args.server is not None and (args.password_stdin or args.recovery_code_stdin):
        if args.password_stdin and not args.user:
            raise ValidationError({"user": _("Give the user name with --user.")})
        opener = BackupOpener(read_secret(), None if args.recovery_code_stdin else args.user)
    restored = restore_backup(args.source, args.workspace, server=args.server, opener=opener)
    print(
        _("Restored the backup of {when} (UTC) into {folder}.").format(
            when=f"{restored.backup.created_at:%Y-%m-%d %H:%M}", folder=restored.folder
        )
    )
    print(
        _(
            "Sign in with the passwords or the recovery code that were valid when the backup "
            "was made, then run 'homeward verify'."
        )
    )
    return 0
