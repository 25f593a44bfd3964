"""The pin store and addresses of app/store/tls.py, without a server (the real TLS server's
tests are tests/integration/test_team_server.py)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy import make_url

from app.store import tls


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("postgresql+psycopg://kari@/homeward?host=/srv/homeward/run", None),
        ("postgresql+psycopg://kari@/homeward", None),
        ("postgresql+psycopg://kari@DB.Example.org/homeward", tls.Address("db.example.org")),
        ("postgresql+psycopg://kari@10.0.0.5:6543/homeward", tls.Address("10.0.0.5", 6543)),
        ("postgresql+psycopg://kari@[::1]:5433/homeward", tls.Address("::1", 5433)),
        ("postgresql+psycopg://kari@/homeward?host=db.example.org", tls.Address("db.example.org")),
    ],
)
def test_only_tcp_addresses_need_tls(url: str, address: tls.Address | None) -> None:
    assert tls.Address.of_url(make_url(url)) == address


def test_each_address_has_its_own_pin_file(tmp_path: Path) -> None:
    pins = tls.PinStore(tmp_path)
    files = {
        pins.path(tls.Address(host, port)).name
        for host, port in [("::1", 5432), ("127.0.0.1", 5432), ("localhost", 5432), ("::1", 5433)]
    }
    assert len(files) == 4
    assert (
        pins.path(tls.Address("::1")).name
        == "ipv6-0000-0000-0000-0000-0000-0000-0000-0001_5432.pem"
    )


def test_a_damaged_pin_is_not_taken_for_a_first_connection(tmp_path: Path) -> None:
    pins, address = tls.PinStore(tmp_path), tls.Address("db.example.org")
    assert pins.pinned(address) is None
    with pytest.raises(tls.NotPinned):
        tls.connect_args(address, pins)
    pins.path(address).write_text(
        "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n"
    )
    with pytest.raises(tls.TLSError, match="is damaged") as caught:
        tls.connect_args(address, pins)
    assert not isinstance(caught.value, tls.NotPinned)


def test_a_closed_port_is_a_plain_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free, and nobody listens once it is closed
    with pytest.raises(tls.ServerUnreachable, match=rf"127\.0\.0\.1:{port} could not be reached"):
        tls.first_contact(tls.Address("127.0.0.1", port), timeout=2)


def test_fingerprints_read_as_people_compare_them() -> None:
    assert tls.fingerprint(b"") == (
        "E3:B0:C4:42:98:FC:1C:14:9A:FB:F4:C8:99:6F:B9:24:"
        "27:AE:41:E4:64:9B:93:4C:A4:95:99:1B:78:52:B8:55"
    )
