"""``homeward server start|stop|status --data DIR``: run the local PostgreSQL server made by
``homeward server init`` (:mod:`app.store.local_server`).

Each action is its own function taking the parsed arguments, so more actions (``init``,
``setup``) join the same ``server`` command through :func:`add_action`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.common import Subparsers
from app.kernel.i18n import _

if TYPE_CHECKING:
    from app.store.local_server import LocalServer

#: ``homeward server <action>``: the function that runs each action.
ACTIONS: dict[str, Callable[[argparse.Namespace], int]] = {}


def add_parser(sub: Subparsers) -> Subparsers:
    """Add ``server`` and its actions; returns the actions' subparsers for more."""
    server = sub.add_parser(
        "server",
        help=_("run a team server's PostgreSQL on this computer"),
        description=_(
            "Start, stop or check the PostgreSQL server whose files are in a folder made by "
            "'homeward server init'."
        ),
    )
    actions = server.add_subparsers(dest="server_action", metavar="ACTION", required=True)
    add_action(actions, "start", _("start the server (nothing happens if it runs)"), start)
    add_action(
        actions, "stop", _("stop the server cleanly (nothing happens if it is stopped)"), stop
    )
    add_action(actions, "status", _("say whether the server runs, and how to reach it"), status)
    return actions


def add_action(
    actions: Subparsers, name: str, help_text: str, run_action: Callable[[argparse.Namespace], int]
) -> argparse.ArgumentParser:
    parser = actions.add_parser(name, help=help_text, description=help_text)
    parser.add_argument(
        "--data",
        type=Path,
        required=True,
        metavar="DIR",
        help=_("the server's folder"),
    )
    ACTIONS[name] = run_action
    return parser


def run(args: argparse.Namespace) -> int:
    return ACTIONS[args.server_action](args)


def start(args: argparse.Namespace) -> int:
    from app.store.local_server import LocalServer

    server = LocalServer(args.data)
    if server.start():
        print(_("The server has started."))
    else:
        print(_("The server is running already."))
    print(where(server))
    return 0


def stop(args: argparse.Namespace) -> int:
    from app.store.local_server import LocalServer

    if LocalServer(args.data).stop():
        print(_("The server has stopped."))
    else:
        print(_("The server was not running."))
    return 0


def status(args: argparse.Namespace) -> int:
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
