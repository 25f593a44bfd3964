"""A team server (issue 20): the organisation's PostgreSQL, each user signed in as their own
login, the server enforcing what each role may see (:mod:`app.store.team_schema`).

- :func:`setup_server` prepares a database (as its owner: the schema, the roles, views,
  policies and functions, the first coordinator's login and key slots, a recovery code).
  Run again, it brings the roles, views and functions up to date and changes no row.
- :func:`sign_in` signs a user in: their own login and password on the server, then their key
  slot (read from the server, where each user reads only their own) unwrapped with the same
  password, as on a laptop. The data key keys the backups and each computer's witness of the
  audit trail; the server never sees it.

Each computer keeps a small folder per server (its witness, backups, logs; never a record),
under the user's data folder.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, insert, make_url, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError

from app.kernel.errors import UnlockError, ValidationError, WorkspaceError, WorkspaceExistsError
from app.kernel.i18n import _
from app.models import User
from app.models.base import utcnow
from app.models.enums import Role
from app.security import keyslots as ks
from app.security.permissions import entry_point, pure
from app.services import settings
from app.services.accounts import TeamAccounts
from app.services.context import Actor, ServiceContext
from app.services.workspace import NewUser, normalise_username, validate_new_user
from app.store import migrate, team_schema
from app.store.engine import KeyHolder
from app.store.pg_engine import SCHEME, make_server_engine
from app.store.team_slots import read_slots, write_slots
from app.store.tls import Address, PinStore
from app.store.tls import CertificateChanged as CertificateChanged  # for the screens
from app.store.tls import CertificateInfo as CertificateInfo
from app.store.tls import NotPinned as NotPinned
from app.store.tls import first_contact as _first_contact
from app.store.workspace import WorkspacePaths, default_workspace

DEFAULT_PORT = 5432
# NotPinned and CertificateChanged (re-exported from the store for the screens): raised by
# sign_in for a server whose certificate was never confirmed, or that shows another one than
# confirmed; the GUI then asks the user (server_certificate, trust_certificate).


@dataclass(frozen=True)
class ServerAddress:
    """Where a team server is: a host name or address (or a Unix socket folder), a port and
    a database. Never holds a user's password."""

    host: str
    database: str
    port: int = DEFAULT_PORT

    @property
    def is_socket(self) -> bool:
        return self.host.startswith("/")

    def url(self, username: str) -> str:
        """The driver's address for ``username`` (no password in it)."""
        if self.is_socket:
            url = URL.create(
                SCHEME,
                username=username,
                database=self.database,
                query={"host": self.host, "port": str(self.port)},
            )
        else:
            url = URL.create(
                SCHEME, username=username, host=self.host, port=self.port, database=self.database
            )
        return url.render_as_string(hide_password=False)

    @property
    def label(self) -> str:
        """How the server is named to its users: ``host:port/database``."""
        return f"{self.host}:{self.port}/{self.database}"

    @property
    def key(self) -> str:
        """A file-system-safe name of the address, for this computer's folder of it."""
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{self.host}-{self.port}-{self.database}")
        digest = hashlib.sha256(self.label.encode("utf-8")).hexdigest()[:8]
        return f"{slug.strip('-')[:60]}-{digest}"

    @classmethod
    def parse(cls, text: str) -> ServerAddress:
        """An address as people write it: ``postgresql://[user@]host[:port]/database``,
        or ``host[:port]/database``. A password in it is refused."""
        candidate = text.strip()
        if "://" not in candidate:
            candidate = "postgresql://" + candidate
        try:
            url = make_url(candidate)
        except ArgumentError:
            raise ValidationError({"server": _("That is not a server address.")}) from None
        if url.password is not None or "password" in url.query:
            raise ValidationError(
                {
                    "server": _(
                        "Leave the password out of the address: you type it when you sign in."
                    )
                }
            )
        host = url.host or str(url.query.get("host") or "")
        if not host or not url.database:
            raise ValidationError(
                {
                    "server": _(
                        "Give the server's name and its database, as in server.example.org/homeward."
                    )
                }
            )
        port = url.port or int(str(url.query.get("port") or DEFAULT_PORT))
        return cls(host=host, database=url.database, port=port)


@pure
def local_folder(address: ServerAddress, root: Path | None = None) -> Path:
    """This computer's folder for ``address`` (witness, backups, logs)."""
    base = root if root is not None else default_workspace().parent / "servers"
    return base / address.key


@dataclass(frozen=True)
class CreatedServer:
    address: ServerAddress
    recovery_code: str | None  # None: the database was set up before (brought up to date)
    admin_username: str

    @property
    def connect_line(self) -> str:
        return self.address.url(self.admin_username).replace(SCHEME, "postgresql", 1)


def _database_of(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.exec_driver_sql("SELECT current_database()").scalar_one())


@entry_point
def setup_server(
    admin_url: str,
    *,
    organisation: str,
    admin: NewUser,
    kdf_seconds: float = 0.5,
    address: ServerAddress | None = None,
    password: str | None = None,
) -> CreatedServer:
    """Prepare the PostgreSQL database at ``admin_url`` (its owner's address; a superuser's or
    one that may create roles) as a team server with ``admin`` as its first coordinator.

    Idempotent: a database that already holds a team server gets its roles, views, policies and
    functions made again (after the schema is brought to head) and nothing else changes.
    ``password`` is the owner's (else PostgreSQL's password file or ``PGPASSWORD``).
    """
    engine = make_server_engine(admin_url, password=password)
    try:
        database = _database_of(engine)
        _refuse_a_laptop_workspace(engine)
        migrate.upgrade(engine)
        with engine.begin() as conn:
            holds_users = conn.execute(select(User.id).limit(1)).first() is not None
        if holds_users:
            with engine.begin() as conn:
                team_schema.install(
                    conn, database, secrets.token_bytes(32), secrets.token_bytes(32)
                )
            found = address or _address_of(admin_url, database)
            return CreatedServer(found, None, normalise_username(admin.username))
        if not organisation.strip():
            raise ValidationError({"organisation": _("Enter the organisation's name.")})
        validate_new_user(admin)
        params = ks.calibrate(kdf_seconds)
        data_key = ks.new_data_key()
        username = normalise_username(admin.username)
        uid = uuid.uuid4()
        now = utcnow()
        recovery_code = ks.generate_recovery_code()
        slots = ks.KeySlotFile(
            workspace_id=str(uuid.uuid4()),
            slots=(
                ks.wrap_key(
                    data_key,
                    ks.normalise_password(admin.password),
                    kind="password",
                    params=params,
                    user_id=str(uid),
                    username=username,
                ),
                ks.wrap_key(
                    data_key,
                    ks.normalise_recovery_code(recovery_code).encode("ascii"),
                    kind="recovery",
                    params=params,
                ),
            ),
            extra={"kdf_seconds": kdf_seconds, "team": True},
        )
        with engine.begin() as conn:
            team_schema.install(conn, database, secrets.token_bytes(32), secrets.token_bytes(32))
            conn.execute(
                insert(User),
                {
                    "id": uid,
                    "username": username,
                    "display_name": admin.display_name.strip(),
                    "role": Role.COORDINATOR,
                    "active": True,
                    "language": admin.language,
                    "created_at": now,
                    "updated_at": now,
                },
            )
            settings.insert_initial(
                conn, {settings.ORGANISATION_NAME: organisation.strip(), settings.DEMO: False}, now
            )
            accounts = TeamAccounts(engine, Path())
            accounts.login_created(conn, username, admin.password, Role.COORDINATOR)
            write_slots(conn, slots)
        found = address or _address_of(admin_url, database)
        return CreatedServer(found, recovery_code, username)
    finally:
        engine.dispose()


def _refuse_a_laptop_workspace(engine: Engine) -> None:
    """A database holding a workspace as a laptop keeps it (``homeward init --server``: its
    audit trail keyed by the laptop's secret) is not made a team server by ``setup``: its
    rows would stay under the laptop's key and its users without logins."""
    if migrate.current_revision(engine) is None:
        return
    with engine.connect() as conn:
        found = team_schema.laptop_audit_secret(conn)
    if found is not None:
        raise WorkspaceExistsError(
            _(
                "That database holds a workspace that is not a team server; nothing was "
                "changed. Move a workspace onto an empty database with “homeward server "
                "import-workspace”."
            )
        )


@entry_point
def adopt_workspace(
    admin_url: str,
    slots: ks.KeySlotFile,
    passwords: dict[str, str],
    *,
    address: ServerAddress | None = None,
) -> ServerAddress:
    """Make the PostgreSQL database at ``admin_url``, which holds a workspace's rows as a
    laptop keeps them (:func:`app.store.copies` restored it there, or the demo was built
    there), a team server: its audit trail checked under the laptop's key and re-keyed under
    a new one only the server holds (the laptop's secret removed), the roles, views, policies
    and functions made, a login for each user — with their password from ``passwords``, or
    unable to sign in until a coordinator resets it — and ``slots`` (the workspace's key
    slots) kept on the server. One transaction: all of it, or nothing."""
    from app.security.audit import audit_key
    from app.security.audit_verify import rekey_chain

    engine = make_server_engine(admin_url)
    try:
        database = _database_of(engine)
        with engine.begin() as conn:
            secret = team_schema.laptop_audit_secret(conn)
            if secret is None:
                raise WorkspaceError(
                    _("That database is a team server already, or holds no workspace.")
                )
            old_key = audit_key(bytes.fromhex(str(secret).strip('"')))
            new_key = secrets.token_bytes(32)
            try:
                rekey_chain(conn, old_key, new_key)
            except ValueError:
                raise WorkspaceError(
                    _(
                        "The workspace's audit trail does not verify, so it was not moved. "
                        "Run “homeward verify” on it first."
                    )
                ) from None
            team_schema.forget_laptop_audit_secret(conn)
            team_schema.install(conn, database, new_key, secrets.token_bytes(32))
            accounts = TeamAccounts(engine, Path())
            for username, role, active in conn.execute(
                select(User.username, User.role, User.active)
            ):
                password = passwords.get(username)
                accounts.login_created(
                    conn,
                    username,
                    password if password is not None else secrets.token_urlsafe(24),
                    Role(role),
                    login=bool(active) and password is not None,
                )
            write_slots(conn, dataclasses.replace(slots, extra={**slots.extra, "team": True}))
        return address or _address_of(admin_url, database)
    finally:
        engine.dispose()


def _address_of(admin_url: str, database: str) -> ServerAddress:
    url = make_url(admin_url)
    host = url.host or str(url.query.get("host") or "localhost")
    port = url.port or int(str(url.query.get("port") or DEFAULT_PORT))
    return ServerAddress(host=host, database=database, port=port)


@entry_point
def sign_in(
    address: ServerAddress,
    username: str,
    password: str,
    *,
    folder: Path | None = None,
    engine_options: dict[str, object] | None = None,
) -> ServiceContext:
    """Sign ``username`` in to the team server at ``address``: the server checks the password
    (SCRAM; it slows down repeated failures itself), then the user's key slot gives the data
    key. ``folder`` is this computer's folder for the server (default: :func:`local_folder`).
    No single-instance lock: the server takes any number of windows and colleagues."""
    login = normalise_username(username)
    engine = make_server_engine(address.url(login), password=password, team=True)
    keys: KeyHolder | None = None
    try:
        if migrate.needs_upgrade(engine):
            raise WorkspaceError(
                _(
                    "The server's database is older than this Homeward. Ask the person who set "
                    "it up to run “homeward server setup” again; nothing was changed."
                )
            )
        with engine.connect() as conn:
            slot_file = read_slots(conn)
        try:
            slot, data_key = ks.unlock_with_password(slot_file, login, password)
        except UnlockError:
            raise UnlockError(
                _(
                    "The server accepted your password, but your key slot does not open with "
                    "it. Ask a coordinator to reset your password."
                )
            ) from None
        keys = KeyHolder(data_key)
        local = folder if folder is not None else local_folder(address)
        local.mkdir(mode=0o700, parents=True, exist_ok=True)
        for sub in ("backups", "logs"):
            (local / sub).mkdir(mode=0o700, exist_ok=True)
        paths = WorkspacePaths(local, address.url(login))
        ctx = ServiceContext(
            paths, engine, keys, None, accounts=TeamAccounts(engine, paths.keyslots)
        )
        with ctx.uow() as uow:
            user = uow.session.scalar(select(User).where(User.username == login))
            if user is None or not user.active or str(user.id) != slot.user_id:
                raise UnlockError(_("This account is not active. Ask a coordinator for help."))
            ctx.actor = Actor(
                user.id,
                user.username,
                user.display_name,
                user.role,
                user.language,
                must_change_password=slot.must_change,
            )
    except BaseException:
        if keys is not None:
            keys.forget()
        engine.dispose()
        raise
    try:
        _signed_in(ctx)
    except BaseException:
        ctx.lock()
        raise
    return ctx


def _tls_address(address: ServerAddress) -> Address | None:
    return Address.of_url(make_url(address.url("homeward")))


@entry_point
def server_certificate(address: ServerAddress) -> CertificateInfo | None:
    """The certificate the server at ``address`` shows now, trusting nothing and sending no
    name or password, for the user to compare (``None``: a Unix socket, no TLS)."""
    where = _tls_address(address)
    return _first_contact(where) if where is not None else None


@entry_point
def trust_certificate(
    address: ServerAddress, info: CertificateInfo, *, replace: bool = False
) -> None:
    """Pin ``info`` for ``address`` (the user confirmed it); ``replace``: in place of another
    pinned before (the user was warned that it changed and chose to trust the new one)."""
    where = _tls_address(address)
    if where is None:
        return
    pins = PinStore()
    if replace:
        pins.replace(where, info)
    else:
        pins.pin(where, info)


def _signed_in(ctx: ServiceContext) -> None:
    from app.security.audit import AuditAction
    from app.services.audit_log import log

    with ctx.uow(write=True) as uow:
        actor = ctx.require_actor()
        team_schema.record_sign_in(uow.session.connection())
        log(uow, ctx, AuditAction.SIGN_IN, entity_type="user", entity_id=actor.id)
        uow.commit()
