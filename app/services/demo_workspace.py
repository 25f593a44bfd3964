"""``homeward demo``: a new workspace with three demo accounts, filled with synthetic data."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from app.models.enums import Role
from app.security.permissions import entry_point
from app.services import demo
from app.services.demo_release import add_release_examples
from app.services.demo_visits_foreign import add_examples as add_visit_examples
from app.services.workspace import CreatedWorkspace, NewUser, create_workspace
from app.store import search

DEMO_PASSWORD = "demo"  # noqa: S105 - published on purpose: the data is synthetic
DEMO_ORGANISATION = "Homeward Demo (synthetic data)"
DEMO_USERS = (
    NewUser("coordinator", "Kari Nordmann", Role.COORDINATOR, DEMO_PASSWORD),
    NewUser("worker", "Ola Hansen", Role.SOCIAL_WORKER, DEMO_PASSWORD),
    NewUser("volunteer", "Ingrid Berg", Role.VOLUNTEER, DEMO_PASSWORD),
)


@entry_point
def create_demo_workspace(
    folder: Path,
    *,
    cases: int,
    seed: int,
    kdf_seconds: float = 0.5,
    progress: Callable[[str, float], None] | None = None,
) -> tuple[CreatedWorkspace, demo.DemoStats]:
    """A demo workspace in ``folder``. Deterministic data for a given ``seed`` and day."""
    stats: list[demo.DemoStats] = []

    def fill(engine: Engine, users: dict[str, uuid.UUID]) -> None:
        made = demo.populate(engine, cases=cases, seed=seed, users=users, progress=progress)
        release = add_release_examples(engine, users, seed=seed)
        add_visit_examples(engine, users, seed=seed)
        stats.append(dataclasses.replace(made, tasks=made.tasks + release.tasks))
        with engine.begin() as conn:
            search.refresh_cases(conn)

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
