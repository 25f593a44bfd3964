"""Keeping and checking the audit trail's witness file (see :mod:`app.security.witness`).

Writing: after each commit that appended events, :func:`advance` rewrites
``audit-witness.json`` with the new end of the trail — but only while the witness on disk
agrees with the database (the event it names is still there, with the MAC it recorded). A
witness that disagrees is evidence: it is never overwritten, so a sign-in after the trail
was cut cannot hide the cut. The first write in a workspace made before witnesses existed
creates the file and then records ``"audit_witness": true`` in ``keyslots.json``; from then
on a missing witness is a finding too.

Threading: :func:`advance` runs on whichever thread committed (the database thread) and
hands the file write to one witness thread per workspace, which only ever moves the witness
forwards; locking the workspace waits for it. The state learnt at the first write of a
session lives in ``ctx.cache`` and is forgotten on lock and key rotation.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from app.kernel.errors import WorkspaceError
from app.kernel.i18n import _
from app.security import audit
from app.security import keyslots as ks
from app.security import witness as wt
from app.security.permissions import internal
from app.services import settings
from app.services.context import ServiceContext
from app.store.adapters import adapter
from app.store.files import atomic_write
from app.store.workspace import WorkspacePaths

logger = logging.getLogger(__name__)

#: In ``keyslots.json``: this workspace has had a witness file, so a missing one is a finding.
MARKER = "audit_witness"
_STATE = "audit_witness_state"
_KEY = "audit_witness_key"
_lock = threading.Lock()


@dataclass
class _State:
    """What this session knows of the witness: may it be advanced, and to where it is."""

    writable: bool
    sequence: int
    marked: bool


@internal
def key_from_secret(secret_hex: str) -> bytes:
    return wt.witness_key(bytes.fromhex(secret_hex.strip('"')))


def _key(ctx: ServiceContext) -> bytes:
    cached = ctx.cache.get(_KEY)
    if isinstance(cached, bytes):
        return cached
    if adapter(ctx.engine).audit_on_server:
        # A team server keeps its audit secret to itself; each computer's witness of the
        # server's trail is tagged with a key of the organisation's data key instead.
        key = wt.witness_key(ctx.data_key())
    else:
        secret = settings.read(ctx, settings.AUDIT_SECRET)
        if not secret:
            raise RuntimeError("workspace has no audit secret")
        key = key_from_secret(secret)
    ctx.cache[_KEY] = key
    return key


@internal
def is_marked(paths: WorkspacePaths) -> bool:
    """Does ``keyslots.json`` say this workspace has had a witness?"""
    try:
        return bool(ks.KeySlotFile.load(paths.keyslots).extra.get(MARKER, False))
    except WorkspaceError:
        return False


@internal
def read(path: Path, key: bytes) -> wt.Witness | None:
    """The witness in ``path``; ``None`` if there is no file; :class:`~app.security.witness.
    WitnessDamaged` if it is unreadable, malformed or not genuine."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        raise wt.WitnessDamaged("unreadable") from None
    return wt.decode(key, data)


@internal
def write(path: Path, key: bytes, end: wt.Witness) -> None:
    """Write the witness atomically (one small file; see :func:`app.store.files.atomic_write`)."""
    atomic_write(path, wt.encode(key, end))


def _learn(ctx: ServiceContext, key: bytes) -> _State:
    """Compare the witness on disk with the database, once a session."""
    marked = is_marked(ctx.paths)
    try:
        found = read(ctx.paths.witness, key)
    except wt.WitnessDamaged:
        logger.warning("the audit witness file is damaged; it is left as it is")
        return _State(False, 0, marked)
    if found is None:
        if marked:
            logger.warning("the audit witness file is missing; it is not recreated")
        return _State(not marked, 0, marked)
    with ctx.engine.connect() as conn:
        stored = audit.mac_at(conn, found.sequence)
    if stored != found.mac:
        logger.warning("the audit trail does not hold the event its witness names; witness kept")
        return _State(False, found.sequence, marked)
    return _State(True, found.sequence, marked)


#: How long the witness thread waits for more commits before it writes (see ``_Writer``).
COALESCE_SECONDS = 0.5


class _Writer:
    """Writes one workspace's witness on a thread of its own, so that the fsyncs (about
    10 ms on a busy disk, as long as the commit itself) never hold up the database thread.
    Bursts coalesce: only the newest end waiting is written. The thread ends when there is
    nothing left to write; it is not a daemon, so the process waits for its last write."""

    def __init__(self, path: Path, keyslots: Path) -> None:
        self.path, self.keyslots = path, keyslots
        self._cond = threading.Condition()
        self._pending: tuple[bytes, wt.Witness, bool] | None = None
        self._running = False
        self._flushing = 0

    def submit(self, key: bytes, end: wt.Witness, mark: bool) -> None:
        with self._cond:
            waiting = self._pending
            if waiting is None or end.sequence > waiting[1].sequence:
                self._pending = (key, end, mark or (waiting is not None and waiting[2]))
            if not self._running:
                self._running = True
                threading.Thread(target=self._run, name="audit-witness").start()

    def flush(self, timeout: float = 10.0) -> None:
        with self._cond:
            self._flushing += 1
            self._cond.notify_all()
            try:
                self._cond.wait_for(lambda: not self._running, timeout)
            finally:
                self._flushing -= 1

    def _run(self) -> None:
        while True:
            with self._cond:
                # Commits that come close together (a case opened after another, a meeting
                # and its follow-up task) share one write and its fsyncs. A flush (at lock
                # and close) writes at once, so the file at rest is always current.
                self._cond.wait_for(lambda: self._flushing > 0, COALESCE_SECONDS)
                if self._pending is None:
                    self._running = False
                    self._cond.notify_all()
                    return
                (key, end, mark), self._pending = self._pending, None
            try:
                write(self.path, key, end)
                if mark:
                    _mark(self.keyslots)
            except Exception:  # a full disk: the witness stays behind, which is harmless
                logger.warning("the audit witness could not be written", exc_info=True)


_writers: dict[Path, _Writer] = {}


def _writer(paths: WorkspacePaths) -> _Writer:
    with _lock:
        found = _writers.get(paths.witness)
        if found is None:
            found = _writers[paths.witness] = _Writer(paths.witness, paths.keyslots)
        return found


def _mark(keyslots: Path) -> None:
    """Record in ``keyslots.json`` that this workspace has a witness (written once). A team
    server's local folder has no key slot file: nothing to mark."""
    if not keyslots.exists():
        return
    slot_file = ks.KeySlotFile.load(keyslots)
    if slot_file.extra.get(MARKER):
        return
    extra = {**slot_file.extra, MARKER: True}
    ks.KeySlotFile(slot_file.workspace_id, slot_file.slots, slot_file.demo, extra).save(keyslots)


@internal
def advance(ctx: ServiceContext, end: wt.Witness) -> None:
    """After a commit that appended events ending at ``end``: move the witness there (on the
    witness thread; :func:`flush` waits for it).

    Never raises: the events are committed either way, and a witness left behind the
    database is harmless (a full disk, a read-only folder). Logs no personal data.
    """
    try:
        key = _key(ctx)
        state = ctx.cache.get(_STATE)
        if not isinstance(state, _State):
            state = _learn(ctx, key)
            ctx.cache[_STATE] = state
            ctx.on_lock[_STATE] = lambda: flush(ctx.paths)
        if not state.writable or end.sequence <= state.sequence:
            return
        state.sequence = end.sequence
        _writer(ctx.paths).submit(key, end, mark=not state.marked)
        state.marked = True
    except Exception:
        logger.warning("the audit witness could not be written", exc_info=True)


@internal
def flush(paths: WorkspacePaths) -> None:
    """Wait until the witness thread has written what it was given (at lock, and in tests)."""
    with _lock:
        found = _writers.get(paths.witness)
    if found is not None:
        found.flush()


@dataclass(frozen=True)
class WitnessCheck:
    """The witness against a trail whose events verified: ``problem`` is ``None`` when they
    agree (or when the workspace never had a witness)."""

    problem: str | None
    witness: wt.Witness | None


@internal
def check(ctx: ServiceContext, events: int) -> WitnessCheck:
    """Compare the witness with an intact chain of ``events`` events (read-only)."""
    key = _key(ctx)
    try:
        found = read(ctx.paths.witness, key)
    except wt.WitnessDamaged:
        return WitnessCheck(
            _("The audit witness file (audit-witness.json) was altered or damaged."), None
        )
    if found is None:
        if is_marked(ctx.paths):
            return WitnessCheck(
                _(
                    "The audit witness file (audit-witness.json) is missing, though this "
                    "workspace had one."
                ),
                None,
            )
        return WitnessCheck(None, None)
    if found.sequence > events:
        return WitnessCheck(
            _(
                "The audit trail ends at event {end}, but the witness file recorded event "
                "{witnessed}: the newest events were removed, or an older database was put "
                "in place."
            ).format(end=events, witnessed=found.sequence),
            found,
        )
    with ctx.engine.connect() as conn:
        stored = audit.mac_at(conn, found.sequence)
    if stored != found.mac:
        return WitnessCheck(
            _(
                "Event {n} is not the one the witness file recorded: the trail was rewritten "
                "or replaced from event {n} or earlier."
            ).format(n=found.sequence),
            found,
        )
    return WitnessCheck(None, found)
