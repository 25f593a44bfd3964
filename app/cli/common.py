"""What the subcommands share: the workspace and sign-in options, reading a secret from
standard input, signing in, and numbers in the user's way.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app.kernel.errors import ValidationError
from app.kernel.i18n import _, ngettext
from app.kernel.i18n_formats import number
from app.store.workspace import default_workspace

#: What ``ArgumentParser.add_subparsers`` returns: each subcommand adds its parser to it.
if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    Subparsers = argparse._SubParsersAction  # not subscriptable at run time before 3.12


def read_secret(stream: TextIO | None = None) -> str:
    line = (stream or sys.stdin).readline()
    if not line:
        raise ValidationError({"password": _("Nothing was given on standard input.")})
    return str(line).rstrip("\r\n")


def workspace_arg(parser: argparse.ArgumentParser, *, default: bool = True) -> None:
    parser.add_argument(
        "--workspace",
        type=Path,
        default=default_workspace() if default else None,
        required=not default,
        metavar="DIR",
        help=_("workspace folder (default: %(default)s)") if default else _("workspace folder"),
    )


def credentials_args(
    parser: argparse.ArgumentParser, *, recovery: bool = False, required: bool = True
) -> None:
    parser.add_argument("--user", metavar="USERNAME", help=_("the user name to sign in with"))
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument(
        "--password-stdin", action="store_true", help=_("read the password from standard input")
    )
    if recovery:
        group.add_argument(
            "--recovery-code-stdin",
            action="store_true",
            help=_("read the recovery code from standard input instead of a password"),
        )


def kdf_arg(parser: argparse.ArgumentParser) -> None:
    # Hidden: lets tests and slow machines use the Argon2id floor (64 MiB, 3 passes).
    parser.add_argument("--kdf-seconds", type=float, default=0.5, help=argparse.SUPPRESS)


def count(text: str, n: int) -> str:
    """``ngettext`` text with the number written the user's way ("1,234" / "1 234")."""
    return text.format(n=number(n))


def tables_and_rows(tables: int, rows: int) -> str:
    return ", ".join(
        [
            count(ngettext("{n} table", "{n} tables", tables), tables),
            count(ngettext("{n} row", "{n} rows", rows), rows),
        ]
    )


def unlock(args: argparse.Namespace, *, record: bool = True) -> object:
    from app.features.admin.services.integrity import location_warning
    from app.services import workspace as ws

    if getattr(args, "recovery_code_stdin", False):
        ctx = ws.unlock_with_recovery_code(args.workspace, read_secret(), record=record)
    else:
        if not args.user:
            raise ValidationError({"user": _("Give the user name with --user.")})
        ctx = ws.unlock(args.workspace, args.user, read_secret(), record=record)
    warning = location_warning(args.workspace)
    if warning:
        print(_("homeward: warning: {text}").format(text=warning), file=sys.stderr)
    return ctx
