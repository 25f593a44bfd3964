"""The Today page reads the case list; cases never reach back into the Today page (issue 18).

Grimp counts every import, inside functions and under ``TYPE_CHECKING`` too, so a late
import that hides a cycle from Python does not hide it here.
"""

from __future__ import annotations

import grimp


def test_cases_do_not_import_today_by_any_path() -> None:
    graph = grimp.build_graph("app")
    assert graph.find_shortest_chain(
        "app.features.today.services.today", "app.features.cases.services.case_list"
    )
    for module in ("app.features.cases.services.cases", "app.features.cases.services.case_list"):
        assert graph.find_shortest_chain(module, "app.features.today.services.today") is None, (
            module
        )
