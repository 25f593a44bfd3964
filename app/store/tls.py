"""TLS to a team server, with its certificate pinned at the first connection (as SSH does).

API::

    address = Address("db.example.org", 5432)       # Address.of_url(url): None for a socket
    info = first_contact(address)                    # CertificateInfo, nothing trusted yet
    info.fingerprint  # "AB:CD:…" (SHA-256 of the DER), shown to the user to compare
    info.subject, info.issuer, info.not_before, info.not_after, info.self_signed, info.names
    pins = PinStore()                                # one PEM file per server address
    pins.pin(address, info)                          # the user accepted it
    verify(address, pins)                            # the server still shows the pinned one
    connect_args(address, pins)                      # {"sslmode": "verify-full", "sslrootcert": …}
    pins.replace(address, info)                      # deliberately trust a new certificate

Errors (all :class:`HomewardError`, plain messages): :class:`NotPinned` (never confirmed),
:class:`CertificateChanged` (``old`` and ``new`` fingerprints), :class:`NoTLS`,
:class:`ServerUnreachable`.

First contact speaks PostgreSQL's own way into TLS: the 8-byte SSLRequest, the server's
``S``, then a handshake with verification off, only to read the certificate. No password
or user name is sent. After that, libpq checks the certificate on every connection:

- a **self-signed** certificate (the local server's, most small offices'): ``sslrootcert``
  is the pinned certificate itself, the only one libpq will trust for this server, with
  ``sslmode=verify-full``. When the certificate does not name the address used (a server
  reached by an IP address it does not list) the mode is ``verify-ca``: with the pinned
  certificate as the only trusted root, that still means the server holds its private key.
- a certificate **issued by a CA**: ``verify-full`` against the system's CAs (a bundle file
  found as Python's ssl module finds it: the psycopg binary wheel's own OpenSSL has no CA
  folder, so libpq's ``sslrootcert=system`` would trust nothing there) and, before the
  engine is made, the leaf's fingerprint is compared with the pin (:func:`verify`).

A Unix-socket connection (the URL's host is a folder, or no host) never crosses a network
and the kernel checks who may open the socket: no TLS, no pin.

The pins live in the user's Homeward data folder (``platformdirs``' user data dir,
``servers/``): public certificates only, nothing secret.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import ipaddress
import os
import socket
import ssl
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from app.kernel.errors import HomewardError
from app.kernel.i18n import _

#: PostgreSQL's SSLRequest: length 8, then the code 80877103 (1234 << 16 | 5679).
SSL_REQUEST = struct.pack("!ii", 8, 80877103)
DEFAULT_PORT = 5432
#: Where CA bundles are on the common systems, after Python's own idea.
CA_BUNDLES = (
    "/etc/ssl/certs/ca-certificates.crt",  # Debian, Ubuntu, Alpine
    "/etc/pki/tls/certs/ca-bundle.crt",  # Fedora, RHEL
    "/etc/ssl/cert.pem",  # macOS, BSD
)


class TLSError(HomewardError):
    """Something about the server's TLS kept Homeward from connecting."""

    exit_code = 1


class ServerUnreachable(TLSError):
    def __init__(self, address: Address) -> None:
        super().__init__(
            _("The server {address} could not be reached.").format(address=address.label)
        )


class NoTLS(TLSError):
    def __init__(self, address: Address) -> None:
        super().__init__(
            _(
                "The server {address} does not offer an encrypted connection (TLS). Homeward "
                "will not send a password to it."
            ).format(address=address.label)
        )


class NotPinned(TLSError):
    """No certificate was confirmed for this server yet: call :func:`first_contact`."""

    def __init__(self, address: Address) -> None:
        super().__init__(
            _(
                "Homeward has not connected to {address} before: its certificate must be "
                "confirmed first."
            ).format(address=address.label)
        )
        self.address = address


class CertificateChanged(TLSError):
    """The server shows another certificate than the one pinned. Nothing was sent to it."""

    exit_code = 4

    def __init__(self, address: Address, old: str, new: str) -> None:
        super().__init__(
            _(
                "The server's certificate has changed since you first connected. This can "
                "mean someone is intercepting the connection, or that the server's "
                "administrator replaced the certificate. Ask them before you trust the new "
                "one. Server: {address}. Fingerprint before: {old}. Now: {new}."
            ).format(address=address.label, old=old, new=new)
        )
        self.address, self.old, self.new = address, old, new


@dataclass(frozen=True)
class Address:
    host: str
    port: int = DEFAULT_PORT

    @property
    def label(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def file_stem(self) -> str:
        """A file name for the address, the same on every system."""
        try:
            ip = ipaddress.ip_address(self.host)
        except ValueError:
            name = "".join(c if c.isalnum() or c in ".-" else "_" for c in self.host.lower())
        else:
            name = ("ipv6-" + ip.exploded.replace(":", "-")) if ip.version == 6 else str(ip)
        return f"{name}_{self.port}"

    @classmethod
    def of_url(cls, url: Any) -> Address | None:
        """The TCP address of a SQLAlchemy URL, or ``None`` for a Unix socket (the host is a
        folder, or there is none)."""
        query_host = url.query.get("host")
        if isinstance(query_host, tuple):
            query_host = query_host[0] if query_host else None
        host = url.host or query_host
        if not host or str(host).startswith("/") or str(host).startswith("@"):
            return None
        port = url.port or url.query.get("port") or DEFAULT_PORT
        return cls(str(host).strip("[]").lower(), int(port))


def fingerprint(der: bytes) -> str:
    """SHA-256 of a certificate, as people compare it: ``AB:CD:…`` (32 pairs)."""
    return ":".join(f"{byte:02X}" for byte in hashlib.sha256(der).digest())


@dataclass(frozen=True)
class CertificateInfo:
    der: bytes = field(repr=False)
    fingerprint: str
    subject: str
    issuer: str
    not_before: dt.datetime
    not_after: dt.datetime
    self_signed: bool
    names: tuple[str, ...]  # the subject alternative names (DNS names and IP addresses)

    @classmethod
    def from_der(cls, der: bytes) -> CertificateInfo:
        from cryptography import x509
        from cryptography.exceptions import InvalidSignature

        cert = x509.load_der_x509_certificate(der)
        try:
            cert.verify_directly_issued_by(cert)
            self_signed = True
        except (ValueError, TypeError, InvalidSignature):
            self_signed = False
        try:
            sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            names = tuple(
                [str(n) for n in sans.get_values_for_type(x509.DNSName)]
                + [str(n) for n in sans.get_values_for_type(x509.IPAddress)]
            )
        except x509.ExtensionNotFound:
            names = ()
        return cls(
            der=der,
            fingerprint=fingerprint(der),
            subject=cert.subject.rfc4514_string(),
            issuer=cert.issuer.rfc4514_string(),
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            self_signed=self_signed,
            names=names,
        )

    def pem(self) -> str:
        return ssl.DER_cert_to_PEM_cert(self.der)

    def names_host(self, host: str) -> bool:
        """Whether the certificate is made out to ``host`` (as libpq's verify-full checks)."""
        try:
            wanted = ipaddress.ip_address(host)
        except ValueError:
            host = host.lower().rstrip(".")
            for name in self.names:
                name = name.lower()
                if name == host or (
                    name.startswith("*.") and host.split(".", 1)[-1] == name[2:] and "." in host
                ):
                    return True
            return False
        for name in self.names:
            try:
                if ipaddress.ip_address(name) == wanted:
                    return True
            except ValueError:
                continue
        return False


def first_contact(address: Address, *, timeout: float = 10.0) -> CertificateInfo:
    """The certificate the server at ``address`` shows, trusting nothing and sending no
    name or password: for the user to confirm before :meth:`PinStore.pin`."""
    try:
        sock = socket.create_connection((address.host, address.port), timeout=timeout)
    except OSError:
        raise ServerUnreachable(address) from None
    with sock:
        try:
            sock.sendall(SSL_REQUEST)
            answer = sock.recv(1)
        except OSError:
            raise ServerUnreachable(address) from None
        if answer != b"S":
            raise NoTLS(address)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # only to read the certificate: it is not trusted
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        try:
            server_name = None if _is_ip(address.host) else address.host
            with context.wrap_socket(sock, server_hostname=server_name) as tls:
                der = tls.getpeercert(binary_form=True)
                # A clean close (close_notify): the server then logs nothing for a visitor
                # that sent no startup packet.
                with contextlib.suppress(OSError, ValueError):
                    tls.unwrap()
        except (OSError, ssl.SSLError):
            raise NoTLS(address) from None
    if not der:
        raise NoTLS(address)
    return CertificateInfo.from_der(der)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class PinStore:
    """The certificates the user confirmed, one PEM file per server address in ``folder``
    (default: Homeward's user data folder, ``servers/``)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or Path(platformdirs.user_data_dir("Homeward", appauthor=False)) / (
            "servers"
        )

    def path(self, address: Address) -> Path:
        return self.folder / f"{address.file_stem}.pem"

    def pinned(self, address: Address) -> CertificateInfo | None:
        try:
            pem = self.path(address).read_text(encoding="ascii")
        except FileNotFoundError:
            return None
        try:
            return CertificateInfo.from_der(ssl.PEM_cert_to_DER_cert(pem))
        except (ValueError, UnicodeError):
            # Not treated as "never pinned": that would ask the user to trust whatever the
            # server shows now, as on a first connection.
            raise TLSError(
                _(
                    "The saved certificate of {address} is damaged ({path}). Remove the file "
                    "only if you can confirm the server's certificate again."
                ).format(address=address.label, path=self.path(address))
            ) from None

    def pin(self, address: Address, info: CertificateInfo) -> None:
        """Trust ``info`` for ``address`` (the user confirmed its fingerprint). A different
        certificate pinned already is never replaced here: see :meth:`replace`."""
        old = self.pinned(address)
        if old is not None and old.fingerprint != info.fingerprint:
            raise CertificateChanged(address, old.fingerprint, info.fingerprint)
        self._write(address, info)

    def replace(self, address: Address, info: CertificateInfo) -> None:
        """Trust a new certificate in place of the pinned one: the user was told it changed
        and chose to trust the new one."""
        self._write(address, info)

    def forget(self, address: Address) -> None:
        self.path(address).unlink(missing_ok=True)

    def _write(self, address: Address, info: CertificateInfo) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.path(address)
        fresh = target.with_name(target.name + ".new")
        fresh.write_text(info.pem(), encoding="ascii")
        os.replace(fresh, target)


def verify(address: Address, pins: PinStore, *, timeout: float = 10.0) -> CertificateInfo:
    """The pinned certificate, once the server showed that same one now; else
    :class:`NotPinned` or :class:`CertificateChanged` (nothing was sent to the server)."""
    pinned = pins.pinned(address)
    if pinned is None:
        raise NotPinned(address)
    shown = first_contact(address, timeout=timeout)
    if shown.fingerprint != pinned.fingerprint:
        raise CertificateChanged(address, pinned.fingerprint, shown.fingerprint)
    return pinned


def connect_args(address: Address | None, pins: PinStore) -> dict[str, str]:
    """libpq's TLS settings for a connection to ``address`` (``{}`` for a Unix socket)."""
    if address is None:
        return {}
    pinned = pins.pinned(address)
    if pinned is None:
        raise NotPinned(address)
    if pinned.self_signed:
        mode = "verify-full" if pinned.names_host(address.host) else "verify-ca"
        return {"sslmode": mode, "sslrootcert": str(pins.path(address))}
    return {"sslmode": "verify-full", "sslrootcert": system_roots(pins.folder)}


def system_roots(folder: Path) -> str:
    """A file of the system's trusted CAs for libpq, found as Python's ssl module finds them;
    on a system without such a file (Windows), the CAs Python loads, written to ``folder``."""
    candidates = [os.environ.get("SSL_CERT_FILE"), ssl.get_default_verify_paths().cafile]
    for candidate in [*candidates, *CA_BUNDLES]:
        if candidate and Path(candidate).is_file():
            return candidate
    loaded = ssl.create_default_context().get_ca_certs(binary_form=True)
    if loaded:
        folder.mkdir(parents=True, exist_ok=True)
        bundle = folder / "system-roots.pem"
        bundle.write_text("".join(ssl.DER_cert_to_PEM_cert(der) for der in loaded), "ascii")
        return str(bundle)
    import psycopg

    if psycopg.pq.version() >= 160000:
        return "system"  # libpq's own: its OpenSSL's default CA folder
    raise TLSError(_("No trusted certificate authorities were found on this computer."))
