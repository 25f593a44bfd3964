"""``homeward`` and its subcommands (DESIGN.md §8): one module per subcommand, each adding
its parser and running it.

Every failure prints one line, ``homeward: <what went wrong>``, to standard error and exits
non-zero: 2 for usage and refused input, 3 for a wrong password or recovery code, 4 for a
damaged database, key slot file, audit trail or backup, 5 for a role that may not, 6 for a
workspace open in another Homeward, 7 for a disk that is full, read-only or failing (nothing
was changed), 8 for a team server that ``homeward server check`` found a problem with, 1 for
anything else. Secrets are read from standard input only
(``--password-stdin``), never from arguments, which other users can see in the process list.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from app import __version__
from app.cli import backup, demo, gui, import_sheet, init, report, server, verify
from app.kernel.errors import HomewardError
from app.kernel.i18n import _, language_from_environment, set_language
from app.kernel.logs import configure_logging, log_file

log = logging.getLogger("homeward.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="homeward",
        description=_(
            "Homeward: encrypted, offline case management for organisations that support "
            "prisoners, ex-prisoners and their families. With no command, opens the app."
        ),
    )
    parser.add_argument("--version", action="version", version=f"Homeward {__version__}")
    parser.add_argument("--lang", default=None, help=_("language for messages: en, nb, ru, ro"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    # In this order in ``--help``.
    gui.add_parser(sub)
    init.add_parser(sub)
    demo.add_parser(sub)
    verify.add_parser(sub)
    backup.add_backup_parser(sub)
    backup.add_restore_parser(sub)
    import_sheet.add_parser(sub)
    report.add_parser(sub)
    server.add_parser(sub)
    return parser


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "init": init.run,
    "demo": demo.run,
    "verify": verify.run,
    "backup": backup.run_backup,
    "restore": backup.run_restore,
    "import": import_sheet.run,
    "report": report.run,
    "server": server.run,
    "gui": gui.run,
}


def main(argv: Sequence[str] | None = None) -> int:
    configure_logging()
    # The terminal's language (LANGUAGE, LC_ALL, LC_MESSAGES, LANG) for --help and messages;
    # --lang overrides it once the arguments are read.
    set_language(language_from_environment() or "en")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.lang:
        set_language(args.lang)
    command = args.command or "gui"
    if args.command is None:
        args.workspace = None  # the workspace opened last (see app.shell.main.Startup)
    try:
        return COMMANDS[command](args)
    except HomewardError as exc:
        print(f"homeward: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(_("homeward: interrupted"), file=sys.stderr)
        return 130
    except Exception as exc:
        log.exception("unexpected error in %s", command)
        print(
            _("homeward: an unexpected error stopped the command ({kind}); see {log}.").format(
                kind=type(exc).__name__, log=log_file()
            ),
            file=sys.stderr,
        )
        return 1
