"""Random workspaces under the full attacker (issue 17 §2): small demo workspaces of random
size and seed, their quarters of 2026 exported one after another and then the year, all read
back by :mod:`tests.attacker`. Small workspaces are the hard case: most counts are small.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.demo.workspace import DEMO_PASSWORD, create_demo_workspace
from app.features.reports.services import periods, service
from app.features.reports.services.published import parse
from app.models import ExportRecord
from app.services import workspace as ws
from tests.attacker import Key, Shown, findings, read_csv

K = 5


# Derandomised: the same workspaces on every run, so CI cannot turn red on a draw it never saw
# before; widen the search locally with --hypothesis-seed and a larger max_examples (one drawn
# workspace beside the two that once found gaps keeps `make test` under 20 minutes).
@settings(
    max_examples=1,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(cases=st.integers(20, 80), seed=st.integers(0, 10_000), quarters=st.integers(2, 4))
# Two draws that found gaps: a year count two quarters' "<5" already lift to at least 2, which
# the year then lifted to 3; and a year whose opening caseload (its first quarter's) was not
# tied to that quarter's export, so the year narrowed quarter 1's hidden counts.
@example(cases=61, seed=0, quarters=2)
@example(cases=47, seed=123, quarters=2)
def test_random_workspaces_give_no_small_count_away(
    tmp_path: Path, cases: int, seed: int, quarters: int
) -> None:
    from sqlalchemy import select

    folder = Path(tempfile.mkdtemp(dir=tmp_path)) / "demo"
    create_demo_workspace(folder, cases=cases, seed=seed, kdf_seconds=0)
    reports: dict[str, dict[Key, Shown]] = {}
    with ws.unlock(folder, "coordinator", DEMO_PASSWORD) as ctx:
        chosen = [periods.quarter(2026, n) for n in range(1, quarters + 1)]
        for p in [*chosen, periods.year(2026)]:
            result = service.export_csv(ctx, p, folder.parent / f"{folder.name}-{p.code}.csv")
            reports[p.code] = read_csv(result.path.read_bytes(), K)
        with ctx.uow() as uow:
            sets = [s for s in uow.session.scalars(select(ExportRecord.figure_set)) if s]
    truth = {
        (k.indicator, k.case_kind, k.dimension, k.category, k.period): n
        for text in sets
        for k, (n, _status) in parse(text).cells.items()
    }
    # Each report on its own: nothing narrowed at all.
    for code, report in reports.items():
        alone = findings([report], truth)["narrowed"]
        assert alone == [], (code, alone[:5])
    # All of them together: no quarter's figure is narrowed, and a year figure only where the
    # quarters alone already keep it from what the rules promise (two quarters' "<5" make a
    # year count of at least 2, whatever the year shows) — and then no further than they do.
    together = dict(findings(list(reports.values()), truth)["narrowed"])
    assert {k[4] for k in together} <= {"2026"}, together
    hidden_year = {k: Shown(None, "secondary", K) for k in reports["2026"]}
    baseline = findings([*(reports[p.code] for p in chosen), hidden_year])["ranges"]
    for k, (low, high) in together.items():
        base_low, base_high = baseline[k]
        small = 0 < truth.get(k, 0) < K
        assert (base_low > 1 or base_high < K - 1) if small else base_high - base_low < K, (
            k,
            baseline[k],
        )
        want_low = max(1 if small else 0, base_low)
        want_high = min(K - 1, base_high) if small else min(base_high, want_low + K)
        assert low <= want_low and high >= want_high, (k, (low, high), baseline[k])
