"""What a write changed, said by the service that wrote it (as Anki's operations return
``OpChanges``): screens refresh from that, never from topics the UI guesses.

A service write declares its topics with :func:`writes`; the cases it touched are noted as it
runs (:func:`note_case`, called by ``case_access.touch`` and the audit log). The operation
runner (``app.ui_kit.operations``) collects them around each job with :func:`collect` on the
database thread and publishes one :class:`Changes` on the GUI thread once the job succeeded.

Threading: the collector is per thread, so only the thread that runs a job records into it;
outside :func:`collect` (the CLI, the demo, tests of services) declarations cost a lookup.
No Qt here: services import this module.
"""

from __future__ import annotations

import functools
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar


class Topic(StrEnum):
    """What a screen may show, and so reload for. Each has a subscriber among the screens."""

    #: A case's own data (the case list's columns, last activity, an open case's tabs).
    CASES = "cases"
    #: People: names, contact details; shown in every case that names them.
    PEOPLE = "people"
    #: Staff accounts: names and roles, shown as workers and volunteers of every case.
    USERS = "users"
    TASKS = "tasks"
    MEETINGS = "meetings"
    RELEASES = "releases"
    VISITS = "visits"
    #: Institutions and organisations: named by every case that refers to them.
    DIRECTORY = "directory"


#: Topics whose change may show in any case, whichever case ids the change names.
EVERY_CASE = frozenset({Topic.PEOPLE, Topic.USERS, Topic.DIRECTORY})


@dataclass(frozen=True)
class Changes:
    """What one operation changed: topics, and the cases whose data it touched."""

    topics: frozenset[Topic] = frozenset()
    case_ids: frozenset[uuid.UUID] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.topics or self.case_ids)

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.topics | other.topics, self.case_ids | other.case_ids)

    def touches_case(self, case_id: uuid.UUID) -> bool:
        """True when an open case ``case_id`` must reload: its own data changed, or something
        every case shows."""
        return case_id in self.case_ids or bool(self.topics & EVERY_CASE)


NOTHING = Changes()


@dataclass
class _Frame:
    topics: set[Topic] = field(default_factory=set)
    case_ids: set[uuid.UUID] = field(default_factory=set)


class _State(threading.local):
    def __init__(self) -> None:
        self.job: _Frame | None = None
        #: One frame per :func:`writes` call in progress (they may nest).
        self.calls: list[_Frame] = []


_state = _State()


@contextmanager
def collect() -> Iterator[Callable[[], Changes]]:
    """Collect what the writes run inside the block changed; the yielded function gives it.

    Only writes that returned count: one that raised changed nothing (its transaction rolled
    back)."""
    outer, outer_calls = _state.job, _state.calls
    frame = _Frame()
    _state.job, _state.calls = frame, []
    try:
        yield lambda: Changes(frozenset(frame.topics), frozenset(frame.case_ids))
    finally:
        _state.job, _state.calls = outer, outer_calls


def note_case(case_id: uuid.UUID | None) -> None:
    """The write in progress changed case ``case_id``'s data (a no-op outside a write)."""
    if case_id is not None and _state.calls:
        _state.calls[-1].case_ids.add(case_id)


F = TypeVar("F", bound=Callable[..., Any])


def writes(*topics: Topic) -> Callable[[F], F]:
    """Declare what a service write changes. No topic: a write no screen shows (a setting,
    a draft, a backup record). Put it below ``@requires``, so that a refused call records
    nothing."""
    declared = frozenset(topics)

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def declaring(*args: Any, **kwargs: Any) -> Any:
            if _state.job is None:
                return fn(*args, **kwargs)
            frame = _Frame(set(declared))
            _state.calls.append(frame)
            try:
                result = fn(*args, **kwargs)
            finally:
                _state.calls.pop()
            into = _state.calls[-1] if _state.calls else _state.job
            if into is not None:
                into.topics |= frame.topics
                into.case_ids |= frame.case_ids
            return result

        declaring.__changes__ = declared  # type: ignore[attr-defined]
        return declaring  # type: ignore[return-value]

    return decorate


def declared_changes(fn: Callable[..., Any]) -> frozenset[Topic] | None:
    """The topics ``fn`` declares (through any decorator above :func:`writes`), or ``None``
    when it declares none at all."""
    while fn is not None:
        found = getattr(fn, "__changes__", None)
        if found is not None:
            return frozenset(found)
        fn = getattr(fn, "__wrapped__", None)  # type: ignore[assignment]
    return None
