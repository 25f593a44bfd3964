"""Screenshots of release support for the README: a case's release plan and the Releases page.

    .venv/bin/python tools/release_screenshots.py [--out docs/screenshots] [--languages en ru]

Builds a demo workspace (300 cases, seed 1) in a temporary folder and saves
``<lang>-release-plan.png`` (signed in as the demo social worker, on the release-support case
of theirs with the most plan progress) and ``<lang>-releases.png`` (as the coordinator, who
also sees clients without a mentor and the volunteers' capacity). Runs offscreen.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.features.release.services import release_plans, releases
from app.features.release.ui.release import ReleasePlanTab
from app.services import workspace as ws
from app.ui_kit.language import apply_language
from tools.screenshots import (
    demo_folder,
    main_window,
    parse_args,
    save,
    show_case_tab,
    signed_in,
    start_app,
)


def main() -> int:
    args = parse_args(__doc__)
    ops, bus = start_app()
    with demo_folder() as folder:
        for user, shot in (("worker", "release-plan"), ("coordinator", "releases")):
            with signed_in(folder, user) as ctx:
                organisation = ws.organisation_name(ctx)
                mine = [r for r in releases.upcoming_releases(ctx) if r.has_plan]
                plans = [p for r in mine if (p := release_plans.plan_for_case(ctx, r.case_id))]
                # one that shows everything: an overdue task, a long plan, some of it done
                best = max(
                    plans,
                    key=lambda p: (any(t.overdue for t in p.tasks), p.total, p.done, str(p.id)),
                )
                for language in args.languages:
                    apply_language(language)
                    with main_window(ctx, ops, bus, organisation) as window:
                        if shot == "releases":
                            window.show_page("releases")
                        else:
                            show_case_tab(window, best.case_id, ReleasePlanTab)
                        save(window, args.out / f"{language}-{shot}.png", args.width)
    apply_language("en")
    return 0


if __name__ == "__main__":
    sys.exit(main())
