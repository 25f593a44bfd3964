"""``homeward server check``: what is right and what is wrong with a team server, in plain
words, for the person who set it up (issue 20).

Each :class:`Finding` is one thing checked: the server's version, TLS, how it keeps
passwords, its slowing down of wrong passwords, the schema, the group roles, the row-level
security, the team server's functions, who may connect, and the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from app.kernel.i18n import _, ngettext
from app.kernel.i18n_formats import number
from app.models.enums import Role
from app.security.permissions import entry_point
from app.store import migrate
from app.store.pg_engine import make_server_engine
from app.store.team_schema import COORDINATORS_FUNCTIONS, EVERYONES_FUNCTIONS, TEAM, Groups

#: The oldest PostgreSQL a team server runs on.
MIN_VERSION = 150000
#: Tables whose rows are each one user's own: row-level security must be on.
OWN_ROW_TABLES = ("public.drafts", "public.recent_views", f"{TEAM}.key_slots")
#: The team server's functions (:mod:`app.store.team_schema`).
FUNCTIONS = (*EVERYONES_FUNCTIONS, *COORDINATORS_FUNCTIONS)


@dataclass(frozen=True)
class Finding:
    ok: bool
    text: str


@entry_point
def check_server(admin_url: str) -> list[Finding]:
    """Check the team server at ``admin_url`` (its owner's address); every finding, the
    good ones too. Nothing is changed on the server."""
    engine = make_server_engine(admin_url, read_only=True)
    try:
        head = migrate.current_revision(engine) == migrate.head_revision()
        with engine.connect() as conn:
            found: list[Finding] = []
            for check in _CHECKS:
                found.extend(check(conn))
            found.append(_schema(head))
            groups = _groups(conn)
            found.extend(groups)
            found.extend(_row_security(conn))
            found.extend(_functions(conn))
            found.extend(_connect(conn))
            if head and all(f.ok for f in groups) and _has_functions(conn):
                found.extend(_audit(conn))
        return found
    finally:
        engine.dispose()


def _setting(conn: Connection, name: str) -> str:
    return str(conn.exec_driver_sql("SELECT current_setting(%s, true)", (name,)).scalar() or "")


def _version(conn: Connection) -> list[Finding]:
    number = int(_setting(conn, "server_version_num") or 0)
    shown = _setting(conn, "server_version").split(" ")[0]
    if number >= MIN_VERSION:
        return [Finding(True, _("PostgreSQL {version}: new enough.").format(version=shown))]
    return [
        Finding(
            False,
            _("PostgreSQL {version} is too old: Homeward needs version 15 or newer.").format(
                version=shown
            ),
        )
    ]


def _tls(conn: Connection) -> list[Finding]:
    on = _setting(conn, "ssl") == "on"
    socket = conn.exec_driver_sql("SELECT inet_server_addr() IS NULL").scalar()
    if socket:
        if on:
            return [Finding(True, _("TLS is on."))]
        return [
            Finding(
                True,
                _(
                    "TLS is off. This check came through a Unix socket on the server's own "
                    "computer, which needs no TLS; turn TLS on (ssl = on) before anyone "
                    "connects from another computer."
                ),
            )
        ]
    if not on:
        return [
            Finding(
                False,
                _(
                    "TLS is off: passwords and case records would cross the network "
                    "unencrypted. Turn it on (ssl = on, with a certificate) in "
                    "postgresql.conf."
                ),
            )
        ]
    encrypted = conn.exec_driver_sql(
        "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
    ).scalar()
    if not encrypted:
        return [
            Finding(
                False,
                _(
                    "TLS is on, but this connection is not encrypted: add "
                    "sslmode=verify-full to the address, and let the server refuse "
                    "connections without TLS (hostssl lines in pg_hba.conf)."
                ),
            )
        ]
    return [Finding(True, _("TLS is on, and this connection is encrypted."))]


def _passwords(conn: Connection) -> list[Finding]:
    if _setting(conn, "password_encryption") == "scram-sha-256":
        return [Finding(True, _("Passwords are kept as SCRAM-SHA-256."))]
    return [
        Finding(
            False,
            _(
                "Passwords are not kept as SCRAM-SHA-256: set password_encryption = "
                "scram-sha-256 in postgresql.conf."
            ),
        )
    ]


def _auth_delay(conn: Connection) -> list[Finding]:
    loaded = "auth_delay" in [
        name.strip() for name in _setting(conn, "shared_preload_libraries").split(",")
    ]
    delay = ""
    if loaded:  # in milliseconds, without the unit ``current_setting`` adds
        delay = str(
            conn.exec_driver_sql(
                "SELECT setting FROM pg_settings WHERE name = 'auth_delay.milliseconds'"
            ).scalar()
            or ""
        )
    if loaded and delay.isdigit() and int(delay) > 0:
        return [
            Finding(
                True,
                _("Wrong passwords are slowed down ({ms} ms each, auth_delay).").format(ms=delay),
            )
        ]
    return [
        Finding(
            False,
            _(
                "Wrong passwords are not slowed down: add auth_delay to "
                "shared_preload_libraries, set auth_delay.milliseconds = 1000 in "
                "postgresql.conf, and restart PostgreSQL."
            ),
        )
    ]


_CHECKS: tuple[Callable[[Connection], list[Finding]], ...] = (
    _version,
    _tls,
    _passwords,
    _auth_delay,
)


def _schema(head: bool) -> Finding:
    if head:
        return Finding(True, _("The database's tables are those of this Homeward."))
    return Finding(
        False,
        _(
            "The database's tables are missing or older than this Homeward: run "
            "“homeward server setup”."
        ),
    )


def _groups(conn: Connection) -> list[Finding]:
    database = str(conn.exec_driver_sql("SELECT current_database()").scalar())
    groups = Groups(database)
    existing = {
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (list(groups.all),)
        )
    }
    missing = [g for g in (groups.of(r) for r in Role) if g not in existing]
    if not missing:
        return [Finding(True, _("The group roles of the three roles exist."))]
    return [
        Finding(
            False,
            _("Group roles are missing ({names}): run “homeward server setup”.").format(
                names=", ".join(missing)
            ),
        )
    ]


def _row_security(conn: Connection) -> list[Finding]:
    off = []
    for name in OWN_ROW_TABLES:
        on = conn.exec_driver_sql(
            "SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass(%s)", (name,)
        ).scalar()
        if not on:
            off.append(name)
    if not off:
        return [
            Finding(True, _("Each user reaches only their own drafts, recent cases and key slot."))
        ]
    return [
        Finding(
            False,
            _("Row-level security is off on {tables}: run “homeward server setup”.").format(
                tables=", ".join(off)
            ),
        )
    ]


def _missing_functions(conn: Connection) -> list[str]:
    return [
        f
        for f in FUNCTIONS
        if conn.exec_driver_sql("SELECT to_regprocedure(%s)", (f"{TEAM}.{f}",)).scalar() is None
    ]


def _has_functions(conn: Connection) -> bool:
    return not _missing_functions(conn)


def _functions(conn: Connection) -> list[Finding]:
    missing = _missing_functions(conn)
    if not missing:
        return [Finding(True, _("The team server's functions (audit trail, accounts) exist."))]
    return [
        Finding(
            False,
            _("Functions are missing ({names}): run “homeward server setup”.").format(
                names=", ".join(f.split("(")[0] for f in missing)
            ),
        )
    ]


def _connect(conn: Connection) -> list[Finding]:
    public = conn.exec_driver_sql(
        "SELECT has_database_privilege('public', current_database(), 'CONNECT')"
    ).scalar()
    if not public:
        return [Finding(True, _("Only Homeward's users may connect to the database."))]
    return [
        Finding(
            False,
            _(
                "Every login on the server may connect to the database (PUBLIC has "
                "CONNECT): run “homeward server setup”."
            ),
        )
    ]


def _audit(conn: Connection) -> list[Finding]:
    try:
        events, first_bad, head_ok, _mac = conn.exec_driver_sql(
            f"SELECT * FROM {TEAM}.audit_verify()"
        ).one()
    except DBAPIError:  # a database owner who is not a coordinator may not check it
        return [
            Finding(
                True,
                _(
                    "The audit trail was not checked: only a superuser or a coordinator may. "
                    "Run the check as one of them to include it."
                ),
            )
        ]
    if first_bad is None and head_ok:
        return [
            Finding(
                True,
                ngettext(
                    "The audit trail verifies ({n} event).",
                    "The audit trail verifies ({n} events).",
                    int(events),
                ).format(n=number(int(events))),
            )
        ]
    return [
        Finding(
            False,
            _(
                "The audit trail does not verify: events were changed, removed or added "
                "outside Homeward. Keep the server as it is and ask for help."
            ),
        )
    ]
