"""Checking the audit trail: recompute every MAC from event 1, compare the end with the
tagged head, and say in plain words what the first problem is (changed, missing, out of
order, removed from the end, or the head itself altered or replaced).
"""

from __future__ import annotations

import hmac
import json
from binascii import hexlify
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple, TypeAlias, cast

from sqlalchemy import select
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session

from app.kernel.i18n import _, ngettext
from app.security.audit_chain import (
    BULK_CHUNK,
    COVERED,
    DB,
    EVENTS,
    GENESIS,
    HEAD_SETTING,
    SETTINGS,
    canonical_message,
    head_tag,
    keyed_mac,
    next_mac,
    write_head,
)
from app.store.adapters import adapter, stored_bytes

_VERIFY_BATCH = 2_000


@dataclass(frozen=True)
class ChainReport:
    """The outcome of :func:`verify_chain`.

    ``events`` counts the events found intact from event 1 onwards (all of them when ``ok``).
    ``first_bad_sequence`` is the first event that was changed, is missing or was removed; it
    is ``None`` when the events themselves are intact but the chain's head record is not.
    ``fingerprint`` is the public fingerprint of the trail's end when it verified
    (:func:`app.security.witness.fingerprint`).
    """

    ok: bool
    events: int
    first_bad_sequence: int | None
    problem: str | None
    fingerprint: str | None = None


@dataclass(frozen=True)
class _Head:
    sequence: int
    mac: str


# sequence, the MAC-covered values in ``canonical_message`` order, the MAC (hex): all as stored bytes
_Raw: TypeAlias = tuple[int, bytes, bytes | None, bytes, bytes | None, bytes | None, bytes, bytes]


class _Walk(NamedTuple):
    intact: int
    last_mac: bytes | None
    failure: ChainReport | None


def verify_chain(connection: DB, key: bytes) -> ChainReport:
    """Recompute the whole chain, compare its end with the head, report the first problem.

    ``key`` is :func:`audit_key` of the data key; with any other key event 1 fails.
    """
    head_value = connection.execute(
        select(stored_bytes(SETTINGS.c.value)).where(SETTINGS.c.key == HEAD_SETTING)
    ).scalar()
    walk = _walk(connection, key)
    if walk.failure is not None:
        return walk.failure
    events = walk.intact
    if head_value is None:
        if events == 0:
            return ChainReport(True, 0, None, None)
        return _head_problem(events, _("The record of the audit trail's end is missing."))
    head = _parse_head(head_value, key)
    if head is None:
        return _head_problem(events, _("The record of the audit trail's end was altered."))
    if head.sequence > events:
        return _truncated(events, head.sequence)
    if head.sequence < events or head.mac.encode() != walk.last_mac:
        problem = _(
            "The record of the audit trail's end was replaced by an older one (it names event "
            "{head}; the trail ends at {end})."
        )
        return _head_problem(events, problem.format(head=head.sequence, end=events))
    return ChainReport(True, events, None, None)


def _raw_rows(db: DB) -> Iterator[_Raw]:
    """Every event in sequence order, as stored bytes, fetched in batches.

    Read as the bytes of their stored forms (:func:`~app.store.adapters.stored_bytes`: BLOBs
    on SQLite) so that no tampered value (bad UTF-8, a number where text belongs) can make
    the driver fail: anything odd simply fails its MAC.
    """
    columns = [EVENTS.c[name] for name in ("sequence", *COVERED, "mac")]
    raw = [columns[0], *(stored_bytes(column) for column in columns[1:])]
    statement = select(*raw).order_by(EVENTS.c.sequence)
    for batch in db.execute(statement.execution_options(yield_per=_VERIFY_BATCH)).partitions():
        yield from cast("Sequence[_Raw]", batch)


def _row_mac(keyed: hmac.HMAC, previous: bytes, sequence: int, row: _Raw) -> bytes:
    return next_mac(keyed, previous, canonical_message(sequence, *row[1:7]))


def _walk(db: DB, key: bytes) -> _Walk:
    keyed = keyed_mac(key)
    rows = _raw_rows(db)
    previous, expected, last_mac = GENESIS, 1, None
    try:
        for row in rows:
            if row[0] != expected:
                return _Walk(expected - 1, last_mac, _out_of_line(row[0], expected))
            mac = _row_mac(keyed, previous, expected, row)
            # A plain comparison is fine: verification is not an oracle an attacker can query.
            if hexlify(mac) != row[7]:
                return _Walk(expected - 1, last_mac, _bad(keyed, previous, row, next(rows, None)))
            previous, last_mac = mac, row[7]
            expected += 1
    except TypeError:  # a NULL forced into a column the MAC covers
        return _Walk(expected - 1, last_mac, _changed(expected, expected - 1))
    except OperationalError:  # busy, locked, disk I/O: not a finding about the trail
        raise
    except DatabaseError:  # "malformed": the pages holding this event on are damaged
        problem = _("Some records cannot be read: the file is damaged.")
        return _Walk(expected - 1, last_mac, ChainReport(False, expected - 1, expected, problem))
    return _Walk(expected - 1, last_mac, None)


def _bad(keyed: hmac.HMAC, previous: bytes, row: _Raw, following: _Raw | None) -> ChainReport:
    """Event ``row`` fails its MAC: was it changed, or swapped with its neighbour?

    Swapping is recognised for whole rows (or just their sequence numbers) and for contents
    swapped with the MACs left in place.
    """
    sequence = row[0]
    if following is not None and following[0] == sequence + 1:
        first = _row_mac(keyed, previous, sequence, following)
        if hexlify(first) == following[7]:  # whole rows (or sequence numbers) swapped
            second_mac = row[7]
        elif hexlify(first) == row[7]:  # contents swapped, MACs left in place
            second_mac = following[7]
        else:
            second_mac = b""
        if hexlify(_row_mac(keyed, first, sequence + 1, row)) == second_mac:
            problem = _("Events {a} and {b} are out of order.").format(a=sequence, b=sequence + 1)
            return ChainReport(False, sequence - 1, sequence, problem)
    return _changed(sequence, sequence - 1)


def _changed(sequence: int, intact: int) -> ChainReport:
    problem = _("Event {n} was changed after it was written.").format(n=sequence)
    return ChainReport(False, intact, sequence, problem)


def _out_of_line(found: object, expected: int) -> ChainReport:
    """The row in the place of event ``expected`` has another sequence number."""
    if not isinstance(found, int) or found < expected:  # text, or 0 or less at the start
        return _changed(expected, expected - 1)
    before, last = expected - 1, found - 1
    if expected == 1:
        if last == 1:
            problem = _("Event 1 is missing (the trail starts at {found}).")
        else:
            problem = _("Events 1 to {last} are missing (the trail starts at {found}).")
    elif last == expected:
        problem = _("Event {first} is missing (the trail jumps from {before} to {found}).")
    else:
        problem = _(
            "Events {first} to {last} are missing (the trail jumps from {before} to {found})."
        )
    text = problem.format(first=expected, last=last, before=before, found=found)
    return ChainReport(False, before, expected, text)


def _truncated(events: int, written: int) -> ChainReport:
    removed = written - events
    if events == 0:
        problem = ngettext("The only event was removed.", "All {n} events were removed.", removed)
    else:
        problem = ngettext(
            "The last event was removed (the trail ends at {end}; {written} were written).",
            "The last {n} events were removed (the trail ends at {end}; {written} were written).",
            removed,
        )
    return ChainReport(
        False, events, events + 1, problem.format(n=removed, end=events, written=written)
    )


def _head_problem(events: int, problem: str) -> ChainReport:
    """Every event is intact, but the tagged record of where the trail ends is not."""
    return ChainReport(False, events, None, problem)


def _parse_head(value: bytes, key: bytes) -> _Head | None:
    """The head if its tag is genuine, else ``None``."""
    try:
        data = json.loads(value)
        sequence, mac, tag = data["sequence"], data["mac"], data["tag"]
        if not (isinstance(sequence, int) and isinstance(mac, str) and isinstance(tag, str)):
            return None
        genuine = hmac.compare_digest(head_tag(key, sequence, bytes.fromhex(mac)), tag)
    except (ValueError, TypeError, KeyError, OverflowError):  # TypeError: non-ASCII tag
        return None
    return _Head(sequence, mac) if genuine else None


def rekey_chain(connection: DB, old_key: bytes, new_key: bytes) -> int:
    """Re-MAC the whole trail under ``new_key`` (a laptop workspace becoming a team server,
    whose key only the server holds), after checking it under ``old_key``: the same events,
    the same order, new MACs and a new head. Refused (``ValueError``) if the trail does not
    verify first. Never commits; returns how many events were re-keyed."""
    report = verify_chain(connection, old_key)
    if not report.ok:
        raise ValueError(report.problem or "the audit trail does not verify")
    keyed = keyed_mac(new_key)
    previous, changed = GENESIS, []
    for row in _raw_rows(connection):
        previous = _row_mac(keyed, previous, row[0], row)
        changed.append((previous.hex(), row[0]))
    conn = connection.connection() if isinstance(connection, Session) else connection
    statement = adapter(conn).sql(f"UPDATE {EVENTS.name} SET mac = ? WHERE sequence = ?")
    for start in range(0, len(changed), BULK_CHUNK):
        conn.exec_driver_sql(statement, changed[start : start + BULK_CHUNK])
    if changed:
        write_head(conn, new_key, changed[-1][1], previous)
    return len(changed)
