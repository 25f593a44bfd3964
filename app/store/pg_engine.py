"""SQLAlchemy engines over a PostgreSQL database (psycopg 3), and the choice of engine.

A workspace's *database location* is either its folder's SQLCipher file (the default, see
:mod:`app.store.engine`) or a ``postgresql+psycopg://`` URL. The URL may carry a password;
it is never logged or put in an error message (``hide_parameters`` keeps statement values
out of errors too).

Over TCP the connection is TLS with the server's certificate pinned (:mod:`app.store.tls`):
:func:`make_server_engine` first checks that the server still shows the certificate the
user confirmed (``NotPinned`` when there is none yet, ``CertificateChanged`` when it
differs, before any name or password is sent), then libpq verifies it on every connection
(``sslmode=verify-full``, the pin as ``sslrootcert``). A Unix socket (``?host=/folder``)
needs no TLS: it never leaves the machine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from app.kernel.errors import UnlockError, WorkspaceError
from app.kernel.i18n import _
from app.store.adapters import POSTGRES, TEAM
from app.store.engine import KeyHolder, make_engine
from app.store.tls import Address, PinStore
from app.store.tls import connect_args as tls_connect_args
from app.store.tls import verify as verify_pin

SCHEME = "postgresql+psycopg"
#: The time a statement may wait for a lock another writer holds (SQLite's busy timeout).
LOCK_TIMEOUT_MS = 10_000
#: Every statement planned for its values. psycopg prepares a statement the sixth time it
#: runs, and PostgreSQL may then keep one generic plan for every value; for the case search
#: that plan reads the trigram index whatever was typed, and a one- or two-letter pattern
#: (no trigram in it) then reads the whole index: 240 ms for "s" at 100,000 cases, where the
#: plan for "s" itself scans the lines in 35 ms (bench/, issue 19). Statements stay prepared
#: (parsed once); only the plan is made each time, well under a millisecond here.
CUSTOM_PLANS = "plan_cache_mode=force_custom_plan"


def is_server_location(location: str | Path) -> bool:
    """Whether ``location`` names a PostgreSQL database rather than a SQLCipher file."""
    return isinstance(location, str) and location.startswith(SCHEME + "://")


def make_server_engine(
    url: str,
    *,
    read_only: bool = False,
    pins: PinStore | None = None,
    password: str | None = None,
    team: bool = False,
) -> Engine:
    """An engine over the PostgreSQL database at ``url``, checked by one connection now.

    A TCP server must show the certificate pinned in ``pins`` (default: the user's
    :class:`~app.store.tls.PinStore`). ``password`` goes to the driver beside the address
    (never into it, so never into a message); ``team``: signed in to a team server as one of
    its users (see :data:`app.store.adapters.TEAM`)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise WorkspaceError(_("The database address is not a valid PostgreSQL address.")) from None
    if parsed.drivername != SCHEME:
        raise WorkspaceError(_("The database address is not a valid PostgreSQL address."))
    options = f"-c lock_timeout={LOCK_TIMEOUT_MS} -c TimeZone=UTC -c {CUSTOM_PLANS}"
    if read_only:
        options += " -c default_transaction_read_only=on"
    connect_args: dict[str, Any] = {"options": options, "application_name": "Homeward"}
    address = Address.of_url(parsed)
    if address is not None:
        pins = pins or PinStore()
        verify_pin(address, pins)  # before a name or password goes anywhere
        connect_args |= tls_connect_args(address, pins)  # over any sslmode in the URL
    if password is not None:
        connect_args["password"] = password
    engine = create_engine(
        parsed,
        connect_args=connect_args,
        pool_size=4,
        max_overflow=4,
        pool_use_lifo=True,
        pool_pre_ping=False,
        hide_parameters=True,  # statement errors must never carry client data into logs
    )
    event.listen(engine, "begin", POSTGRES.begin)  # a writer's transaction: the lock first
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        engine.dispose()
        # libpq gives no code for a failed sign-in, only the server's words (in English on
        # the local server: lc_messages C). Anything else stays the general message.
        if _refused_password(exc):
            raise UnlockError(_("The server did not accept this user name and password.")) from None
        raise WorkspaceError(
            _("The database server could not be reached, or it refused the connection.")
        ) from None
    return engine.execution_options(**{TEAM: True}) if team else engine


def _refused_password(exc: OperationalError) -> bool:
    """Whether the server turned the sign-in down (wrong password, no such login, or a login
    that may not sign in); its message is read here only, never shown or logged."""
    text = str(exc.orig)
    return any(
        mark in text
        for mark in ("password authentication failed", "is not permitted to log in", "28P01")
    ) or getattr(exc.orig, "sqlstate", None) in ("28P01", "28000")


def open_engine(
    location: Path | str,
    keys: KeyHolder,
    *,
    read_only: bool = False,
    create: bool = False,
    pins: PinStore | None = None,
) -> Engine:
    """The engine of a workspace's database: its SQLCipher file or its PostgreSQL URL.

    On PostgreSQL the server's own access control protects the data: the data key is not
    used to encrypt it (it still keys the audit chain and the backups)."""
    if is_server_location(location):
        return make_server_engine(str(location), read_only=read_only, pins=pins)
    return make_engine(Path(location), keys, read_only=read_only, create=create)
