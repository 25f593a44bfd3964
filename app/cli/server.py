"""``homeward server``: a team server on the organisation's PostgreSQL (issue 20).

One parser, ``server``, with a subcommand each (``setup``, ``check``, ``import-workspace``);
each subcommand has an ``add_…`` function that builds its parser and a ``run_…`` function
that runs it, listed in :data:`SUBCOMMANDS`. The database's owner's address is given with
``--url postgresql://ADMIN@HOST/DATABASE``; its password comes from PostgreSQL's password file
(``~/.pgpass``) or ``PGPASSWORD``, never from the address or an argument.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from app.cli.common import Subparsers, count, read_secret
from app.kernel.errors import ValidationError
from app.kernel.i18n import _, ngettext
from app.kernel.i18n_formats import number
from app.models.enums import Role

if TYPE_CHECKING:
    from app.services.team import CreatedServer
    from app.services.team_import import ImportReport
    from app.services.workspace import NewUser
    from app.store.local_server import LocalServer

#: The address schemes accepted for the administrator's address.
SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


def admin_url(text: str) -> str:
    """The administrator's address as the driver takes it, from ``postgresql://ADMIN@HOST/DB``
    (or ``…?host=/socket/folder``). A password in it is refused: it would be seen in the
    process list and the shell's history."""
    try:
        url = make_url(text.strip())
    except ArgumentError:
        url = None
    if url is None or url.drivername not in SCHEMES:
        raise ValidationError(
            {
                "url": _(
                    "Give the database's address as postgresql://ADMIN@HOST/DATABASE, naming "
                    "the database's owner."
                )
            }
        )
    if url.password is not None or "password" in url.query:
        raise ValidationError(
            {
                "url": _(
                    "Leave the password out of the address: others on this computer can see "
                    "it. Put it in PostgreSQL's password file (~/.pgpass) or in PGPASSWORD."
                )
            }
        )
    if not url.database:
        raise ValidationError({"url": _("The address names no database: end it with /DATABASE.")})
    return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def url_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--url",
        required=True,
        metavar="URL",
        help=_(
            "the database, as its owner: postgresql://ADMIN@HOST/DATABASE (the password from "
            "~/.pgpass or PGPASSWORD)"
        ),
    )


# --- setup --------------------------------------------------------------------------------


def _coordinator_args(parser: argparse.ArgumentParser) -> None:
    """The first coordinator's arguments (``setup`` and ``init``)."""
    parser.add_argument("--org", required=True, metavar="NAME", help=_("the organisation's name"))
    parser.add_argument(
        "--admin", required=True, metavar="USERNAME", help=_("the first coordinator's user name")
    )
    parser.add_argument("--admin-name", metavar="NAME", help=_("the coordinator's full name"))
    parser.add_argument(
        "--language",
        default="en",
        choices=["en", "nb", "ru", "ro"],
        help=_("the coordinator's language"),
    )
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help=_("read the coordinator's password from standard input"),
    )


def _coordinator(args: argparse.Namespace, password: str) -> NewUser:
    from app.services.workspace import NewUser

    return NewUser(
        username=args.admin,
        display_name=args.admin_name or args.admin,
        role=Role.COORDINATOR,
        password=password,
        language=args.language,
    )


def add_setup(sub: Subparsers) -> None:
    setup = sub.add_parser(
        "setup",
        help=_("make a PostgreSQL database a team server"),
        description=_(
            "Make an existing PostgreSQL database a Homeward team server: its tables, roles, "
            "views, policies and functions, and the first coordinator, whose password is read "
            "from standard input. Run it again at any time (after an update, say): it brings "
            "the roles and policies up to date and changes no record. The recovery code is "
            "printed once: write it down and keep it somewhere safe."
        ),
    )
    url_arg(setup)
    _coordinator_args(setup)
    setup.add_argument(
        "--kdf-seconds",
        type=float,
        default=0.5,
        metavar="SECONDS",
        help=_("how long opening a key slot takes on this computer (default 0.5)"),
    )


def run_setup(args: argparse.Namespace) -> int:
    from app.services.team import setup_server

    url = admin_url(args.url)
    password = read_secret()
    created = setup_server(
        url,
        organisation=args.org,
        admin=_coordinator(args, password),
        kdf_seconds=args.kdf_seconds,
    )
    _print_created(created)
    return 0


def _print_created(made: CreatedServer) -> None:
    if made.recovery_code is None:
        print(
            _(
                "{server} was a team server already: its roles, views, policies and functions "
                "are now up to date. No record and no user was changed."
            ).format(server=made.address.label)
        )
    else:
        print(
            _("{server} is now a team server, with {user} as its first coordinator.").format(
                server=made.address.label, user=made.admin_username
            )
        )
        print(_("Recovery code (shown only now; print it or write it down and keep it safe):"))
        print()
        print(f"    {made.recovery_code}")
        print()
    print(_("Connect to it from Homeward with: {line}").format(line=made.connect_line))


# --- check --------------------------------------------------------------------------------


def add_check(sub: Subparsers) -> None:
    check = sub.add_parser(
        "check",
        help=_("report what is wrong with a team server"),
        description=_(
            "Check a team server and say, line by line, what is fine and what is wrong: the "
            "PostgreSQL version, TLS, how passwords are kept and slowed down, the tables, "
            "roles, row-level security and functions, who may connect, and the audit trail. "
            "Changes nothing. Exits with 8 when something is wrong."
        ),
    )
    url_arg(check)


#: ``server check``'s exit code when the server has a problem.
PROBLEMS_EXIT = 8


def run_check(args: argparse.Namespace) -> int:
    from app.services.team_check import check_server

    findings = check_server(admin_url(args.url))
    for finding in findings:
        mark = _("fine") if finding.ok else _("PROBLEM")
        print(f"{mark}: {finding.text}")
    problems = sum(1 for f in findings if not f.ok)
    if problems:
        print(
            count(
                ngettext(
                    "{n} problem to fix before the team uses this server.",
                    "{n} problems to fix before the team uses this server.",
                    problems,
                ),
                problems,
            )
        )
        return PROBLEMS_EXIT
    print(_("The team server is ready."))
    return 0


# --- import-workspace ---------------------------------------------------------------------


def add_import(sub: Subparsers) -> None:
    move = sub.add_parser(
        "import-workspace",
        help=_("move a laptop workspace onto an empty team server database"),
        description=_(
            "Copy a laptop workspace (every record, its history and its attachments) into an "
            "empty PostgreSQL database, check every row, and make the database a team server. "
            "Sign in to the workspace as a coordinator; the password is read from standard "
            "input and is your password on the server too. The other users can sign in once a "
            "coordinator has reset their passwords. The laptop workspace is not changed."
        ),
    )
    move.add_argument(
        "--workspace", type=Path, required=True, metavar="DIR", help=_("workspace folder")
    )
    url_arg(move)
    move.add_argument(
        "--user", required=True, metavar="USERNAME", help=_("a coordinator of the workspace")
    )
    move.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help=_("read the password from standard input"),
    )


def run_import(args: argparse.Namespace) -> int:
    from app.services.team_import import import_workspace

    url = admin_url(args.url)
    password = read_secret()
    report = import_workspace(args.workspace, args.user, password, url, progress=_progress)
    print_import(report)
    return 0


def _progress(text: str, fraction: float) -> None:
    if sys.stderr.isatty():
        print(f"{text}…", file=sys.stderr, flush=True)


def print_import(report: ImportReport) -> None:
    """What an import moved and who can sign in (shared with ``homeward demo --server``)."""
    print(
        _("Moved the workspace onto {server}: {rows}; every row checked.").format(
            server=report.address.label,
            rows=", ".join(
                [
                    count(ngettext("{n} table", "{n} tables", report.tables), report.tables),
                    count(ngettext("{n} row", "{n} rows", report.rows), report.rows),
                    count(
                        ngettext("{n} attachment", "{n} attachments", report.attachments),
                        report.attachments,
                    ),
                    count(
                        ngettext("{n} audit event", "{n} audit events", report.audit_events),
                        report.audit_events,
                    ),
                ]
            ),
        )
    )
    print(
        _("Sign in with the same password as before: {users}.").format(
            users=", ".join(report.signing_in)
        )
    )
    if report.waiting:
        print(
            ngettext(
                "{n} other user cannot sign in until a coordinator resets their password: {users}.",
                "{n} other users cannot sign in until a coordinator resets their "
                "passwords: {users}.",
                len(report.waiting),
            ).format(n=number(len(report.waiting)), users=", ".join(report.waiting))
        )
    print(
        _("Connect to it from Homeward with: {line}").format(
            line=report.address.url(report.signing_in[0]).replace(
                "postgresql+psycopg", "postgresql", 1
            )
            if report.signing_in
            else report.address.label
        )
    )


# --- the ``server`` command ---------------------------------------------------------------

# --- the local server (``init``, ``start``, ``stop``, ``status``) ---------------------------


def _data_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", type=Path, required=True, metavar="DIR", help=_("the server's folder")
    )


def _simple(name: str, help_text: str) -> Callable[[Subparsers], None]:
    def add(sub: Subparsers) -> None:
        _data_arg(sub.add_parser(name, help=help_text, description=help_text))

    return add


def add_init(sub: Subparsers) -> None:
    init = sub.add_parser(
        "init",
        help=_("start a team server on this computer, ready to use"),
        description=_(
            "Make a PostgreSQL server whose files are in a folder, start it, and make it a "
            "Homeward team server with a first coordinator, whose password is read from "
            "standard input. It uses this computer's PostgreSQL when there is one (with "
            "encrypted connections), otherwise the one that comes with Homeward (this computer "
            "only). Run it again on the same folder to start it and bring it up to date."
        ),
    )
    _data_arg(init)
    _coordinator_args(init)
    init.add_argument(
        "--listen",
        default="localhost",
        metavar="ADDRESS",
        help=_("the network address to listen on (default: localhost, this computer only)"),
    )
    init.add_argument(
        "--port", type=int, metavar="PORT", help=_("the port (default: 5432 or the next free one)")
    )
    init.add_argument(
        "--kdf-seconds",
        type=float,
        default=0.5,
        metavar="SECONDS",
        help=_("how long opening a key slot takes on this computer (default 0.5)"),
    )


def run_init(args: argparse.Namespace) -> int:
    from app.services.team import ServerAddress, setup_server
    from app.store.local_server import LocalServer, find_binaries
    from app.store.tls import Address, PinStore, first_contact

    password = read_secret()
    folder = Path(args.data).expanduser().resolve()
    if (folder / "homeward-server.json").exists():
        server = LocalServer(folder)
    else:
        binaries = find_binaries()
        print(binaries.describe())
        server = LocalServer.init(folder, listen=args.listen, port=args.port, binaries=binaries)
    server.start()
    connection = server.connection()
    if connection.host is not None:  # this computer trusts its own server's certificate
        address = Address(connection.host, connection.port)
        pins = PinStore()
        shown = first_contact(address)
        if pins.pinned(address) is None:
            pins.pin(address, shown)
        fingerprint = shown.fingerprint
    socket_url = (
        f"postgresql+psycopg://{connection.superuser}@/{connection.database}"
        f"?host={connection.socket_dir}&port={connection.port}"
    )
    made = setup_server(
        socket_url,
        organisation=args.org,
        admin=_coordinator(args, password),
        kdf_seconds=args.kdf_seconds,
        password=server.admin_password(),
        address=ServerAddress(
            host=connection.host or str(connection.socket_dir),
            database=connection.database,
            port=connection.port,
        ),
    )
    print(where(server))
    _print_created(made)
    if connection.host is not None:
        print(
            _(
                "The server's certificate fingerprint (colleagues compare it when they first "
                "connect): {fingerprint}"
            ).format(fingerprint=fingerprint)
        )
    return 0


def run_start(args: argparse.Namespace) -> int:
    from app.store.local_server import LocalServer

    server = LocalServer(args.data)
    if server.start():
        print(_("The server has started."))
    else:
        print(_("The server is running already."))
    print(where(server))
    return 0


def run_stop(args: argparse.Namespace) -> int:
    from app.store.local_server import LocalServer

    if LocalServer(args.data).stop():
        print(_("The server has stopped."))
    else:
        print(_("The server was not running."))
    return 0


def run_status(args: argparse.Namespace) -> int:
    """Exit 0 when the server runs, 3 when it does not (as ``pg_ctl status`` does)."""
    from app.store.local_server import LocalServer

    server = LocalServer(args.data)
    state = server.status()
    if not state.running:
        print(_("The server is not running."))
        return 3
    print(_("The server is running (process {pid}).").format(pid=state.pid))
    print(where(server))
    return 0


def where(server: LocalServer) -> str:
    """How to reach the server, in a sentence (TLS or the socket only)."""
    connection = server.connection()
    if connection.host is None:
        return _(
            "Its PostgreSQL has no TLS, so it listens only on this computer's socket in "
            "{folder} (no network connections); database {database}."
        ).format(folder=connection.socket_dir, database=connection.database)
    return _(
        "It accepts only encrypted (TLS) connections at {host}, port {port}; database {database}."
    ).format(host=connection.host, port=connection.port, database=connection.database)


#: Each subcommand: its name, the function that adds its parser, the one that runs it.
SUBCOMMANDS: dict[str, tuple[Callable[[Subparsers], None], Callable[[argparse.Namespace], int]]] = {
    "init": (add_init, run_init),
    "start": (_simple("start", _("start the server (nothing happens if it runs)")), run_start),
    "stop": (
        _simple("stop", _("stop the server cleanly (nothing happens if it is stopped)")),
        run_stop,
    ),
    "status": (
        _simple("status", _("say whether the server runs, and how to reach it")),
        run_status,
    ),
    "setup": (add_setup, run_setup),
    "check": (add_check, run_check),
    "import-workspace": (add_import, run_import),
}


def add_parser(sub: Subparsers) -> None:
    server = sub.add_parser(
        "server",
        help=_("set up, check and fill a team server (PostgreSQL)"),
        description=_(
            "A team server: the organisation's PostgreSQL, where each user signs in with their "
            "own login and the server itself enforces what each role may see."
        ),
    )
    commands = server.add_subparsers(dest="server_command", metavar="SUBCOMMAND", required=True)
    for add, _run in SUBCOMMANDS.values():
        add(commands)


def run(args: argparse.Namespace) -> int:
    return SUBCOMMANDS[args.server_command][1](args)
