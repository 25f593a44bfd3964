"""``homeward init``: a new, empty workspace with one coordinator."""

from __future__ import annotations

import argparse

from app.cli.common import Subparsers, kdf_arg, read_secret, workspace_arg
from app.kernel.i18n import _
from app.models.enums import Role


def add_parser(sub: Subparsers) -> None:
    init = sub.add_parser(
        "init",
        help=_("create a new, empty workspace"),
        description=_(
            "Create a new workspace with one coordinator account. The recovery code is "
            "printed once: write it down and keep it somewhere safe."
        ),
    )
    workspace_arg(init, default=False)
    init.add_argument("--org", required=True, metavar="NAME", help=_("the organisation's name"))
    init.add_argument(
        "--admin", required=True, metavar="USERNAME", help=_("the coordinator's user name")
    )
    init.add_argument("--admin-name", metavar="NAME", help=_("the coordinator's full name"))
    init.add_argument(
        "--language",
        default="en",
        choices=["en", "nb", "ru", "ro"],
        help=_("the coordinator's language"),
    )
    init.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help=_("read the password from standard input"),
    )
    init.add_argument(
        "--server",
        metavar="URL",
        help=_(
            "keep the data in an empty PostgreSQL database (postgresql+psycopg://user@host/db; "
            "the password goes in PostgreSQL's password file) instead of an encrypted file"
        ),
    )
    kdf_arg(init)


def run(args: argparse.Namespace) -> int:
    from app.services.workspace import NewUser, create_workspace

    password = read_secret()
    created = create_workspace(
        args.workspace,
        organisation=args.org,
        admin=NewUser(
            username=args.admin,
            display_name=args.admin_name or args.admin,
            role=Role.COORDINATOR,
            password=password,
            language=args.language,
        ),
        kdf_seconds=args.kdf_seconds,
        server=args.server,
    )
    print(_("Created a workspace in {folder}.").format(folder=created.folder))
    print(_("Recovery code (shown only now; print it or write it down and keep it safe):"))
    print()
    print(f"    {created.recovery_code}")
    print()
    return 0
