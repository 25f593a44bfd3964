"""Child process for the key-rotation crash test: add a user, remove them for good, repeat.

Prints each rotation step as it starts, so the parent can kill it at a chosen moment. With
``--pause`` it also waits for a line on standard input before each step, so the parent can
kill it exactly between two steps.
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

from app.features.admin.services import users
from app.models.enums import Role
from app.services import workspace as ws
from app.services.workspace import NewUser


def main() -> None:
    folder, password = Path(sys.argv[1]), sys.argv[2]
    pause = "--pause" in sys.argv

    def step(name: str) -> None:
        print(name, flush=True)
        if pause:
            sys.stdin.readline()

    ctx = ws.unlock(folder, "coord", password)
    while True:
        name = f"t{uuid.uuid4().hex[:12]}"  # earlier, killed runs leave their users behind
        row = users.add_user(ctx, NewUser(name, "Temp", Role.VOLUNTEER, "temporary-1"))
        users.remove_user_for_good(ctx, row.id, progress=step)


if __name__ == "__main__":
    main()
