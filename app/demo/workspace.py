"""``homeward demo``: a new workspace with three demo accounts, filled with synthetic data."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from app.demo import generate as demo
from app.demo.audit import add_audit_trail
from app.demo.clock import Clock, settle_times
from app.demo.consent import settle_consents
from app.demo.core import cache_kib
from app.demo.release import add_release_examples
from app.demo.visits_foreign import add_examples as add_visit_examples
from app.kernel.i18n import _
from app.models.base import utcnow
from app.models.enums import Role
from app.security.permissions import entry_point, pure
from app.services.jobs import Progress
from app.services.workspace import CreatedWorkspace, NewUser, create_workspace
from app.store import search

DEMO_PASSWORD = "demo"  # noqa: S105 - published on purpose: the data is synthetic
DEMO_ORGANISATION = "Homeward Demo (synthetic data)"
DEMO_USERS = (
    NewUser("coordinator", "Kari Nordmann", Role.COORDINATOR, DEMO_PASSWORD),
    NewUser("worker", "Ola Hansen", Role.SOCIAL_WORKER, DEMO_PASSWORD),
    NewUser("volunteer", "Ingrid Berg", Role.VOLUNTEER, DEMO_PASSWORD),
)


@pure
def demo_now() -> datetime:
    """The moment a demo is built, as its rows store times (naive): the earlier of local and
    UTC time, so that neither the times shown as entered (meetings, visits) nor those kept in
    UTC (records' and audit times) lie ahead of the clock."""
    return min(datetime.now(), utcnow()).replace(microsecond=0)


@entry_point
def create_demo_workspace(
    folder: Path,
    *,
    cases: int,
    seed: int,
    kdf_seconds: float = 0.5,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> tuple[CreatedWorkspace, demo.DemoStats]:
    """A demo workspace in ``folder``. Deterministic data for a given ``seed`` and day.

    ``now`` (naive, default :func:`demo_now`) is the moment the demo is built: what happened
    lies before it, only what is planned after it (tasks due, visits booked, releases).
    """
    stats: list[demo.DemoStats] = []
    moment = now or demo_now()
    today = moment.date()

    def fill(engine: Engine, users: dict[str, uuid.UUID]) -> None:
        # A page cache for the whole build, so each pass finds the pages the one before it
        # wrote still decrypted: set on the pooled connection, which the pool hands back to
        # each pass in turn (it reuses the last connection returned). Only speed depends on it.
        with engine.connect() as conn:
            conn.exec_driver_sql(f"PRAGMA cache_size = -{cache_kib(cases)}")
        made = demo.populate(
            engine, cases=cases, seed=seed, users=users, today=today, progress=scaled
        )
        release = add_release_examples(engine, users, today, seed=seed)
        add_visit_examples(engine, users, today, seed=seed)
        settle_consents(engine, users, today, seed=seed)
        report(_("Saving demo data…"), 0.65)
        trail = add_audit_trail(engine, users, today, seed=seed, now=moment)
        with engine.begin() as conn:  # after the trail: it moved its own times the same way
            settle_times(conn, Clock(moment))
        report(_("Saving demo data…"), 0.93)
        with engine.begin() as conn:
            search.refresh_cases(conn)
        report(_("Demo data ready"), 1.0)
        tasks = made.tasks + release.tasks
        stats.append(dataclasses.replace(made, tasks=tasks, audit_events=trail.events))

    def report(label: str, fraction: float) -> None:
        if progress is not None:
            progress(label, fraction)

    def scaled(label: str, fraction: float) -> None:
        """The generator's own progress: about the first 60 % of the time (at any size)."""
        report(_("Saving demo data…") if fraction >= 1.0 else label, 0.6 * fraction)

    created = create_workspace(
        folder,
        organisation=DEMO_ORGANISATION,
        admin=DEMO_USERS[0],
        extra_users=DEMO_USERS[1:],
        demo=True,
        kdf_seconds=kdf_seconds,
        min_password=len(DEMO_PASSWORD),
        fill=fill,
    )
    return created, stats[0]
