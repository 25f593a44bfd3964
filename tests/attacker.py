"""An attacker who holds every published CSV of a workspace, as a test oracle.

Independent of the code under test: it reads only the published tables (the CSV's columns)
and the published rules, writes down every true relation between the figures itself, and
asks SciPy, over whole numbers, how far each hidden cell can move. Linear programming first;
where the solution is not whole, ``milp`` answers exactly.

What it knows (DESIGN.md §11):

* a published figure's value; "small" is 1 … k-1; "secondary" is any count (zeros and
  small counts may be hidden as "*" too); "range" lies from ``low`` to ``high``;
* a total is the sum of its categories; the caseload flow; referral outcomes add up to
  referrals sent; released = with a plan + without;
* events add up over case kinds; people across kinds lie between the largest kind and the
  sum; sub-counts are at most their count; clients served at most the cases open in the
  period;
* every report: the same figure (same five columns) is the same number; events of a year
  are the sum of its quarters', people between the largest quarter and the sum; the
  caseload at the end of a period is that at the start of the next.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import lil_matrix
from scipy.sparse.csgraph import connected_components

Key = tuple[str, str, str, str, str]  # indicator, case kind, dimension, category, period

KINDS = ("release_support", "child_visits", "foreign_inmate")
EVENTS = {
    "cases_opened",
    "cases_closed",
    "meetings",
    "meetings_recorded_by_volunteers",
    "child_visits_held",
    "child_visits_cancelled",
    "referrals_sent",
    "referrals_awaiting_reply",
    "referrals_accepted",
    "referrals_declined",
    "referrals_completed",
    "needs_identified",
    "needs_met",
    "consular_contacts",
    "discrimination_reports",
}
PEOPLE = {
    "clients_served",
    "clients_needing_interpreter",
    "children_with_a_visit_held",
    "clients_released",
}
NOT_COUNTS = {"meeting_hours", "release_plan_share_percent"}


@dataclass(frozen=True)
class Shown:
    value: int | None
    status: str
    threshold: int
    bounds: tuple[int, int] | None = None


def read_csv(data: bytes, threshold: int) -> dict[Key, Shown]:
    rows = csv.DictReader(io.StringIO(data.decode("utf-8")))
    found: dict[Key, Shown] = {}
    for r in rows:
        if r["indicator"].startswith("#") or r["indicator"] in NOT_COUNTS:
            continue
        k = (r["indicator"], r["case_kind"], r["dimension"], r["category"], r["period"])
        value = int(r["value"]) if r["value"] else None
        bounds = (int(r["low"]), int(r["high"])) if r["status"] == "range" else None
        found[k] = Shown(value, r["status"], threshold, bounds)
    return found


def _period_days(code: str) -> tuple[date, date]:
    if "/" in code:
        a, b = code.split("/")
        return date.fromisoformat(a), date.fromisoformat(b)
    if "-Q" in code:
        year, q = code.split("-Q")
        start = date(int(year), 3 * (int(q) - 1) + 1, 1)
        nxt = date(int(year) + 1, 1, 1) if q == "4" else date(int(year), 3 * int(q) + 1, 1)
        return start, nxt - timedelta(days=1)
    return date(int(code), 1, 1), date(int(code), 12, 31)


class Attacker:
    def __init__(self, reports: Iterable[dict[Key, Shown]]) -> None:
        self.known: dict[Key, list[Shown]] = defaultdict(list)
        for report in reports:
            for k, shown in report.items():
                self.known[k].append(shown)
        self.keys = sorted(self.known)
        self.index = {k: i for i, k in enumerate(self.keys)}
        self.rows: list[tuple[dict[int, int], float, float]] = []
        self._relations()

    # -- relations ----------------------------------------------------------------------

    def _add(self, terms: Iterable[tuple[Key, int]], *, at_most: bool = False) -> None:
        row: dict[int, int] = {}
        for k, c in terms:
            if k not in self.index:
                return  # not published anywhere: the relation tells nothing more
            row[self.index[k]] = row.get(self.index[k], 0) + c
        self.rows.append((row, -np.inf if at_most else 0.0, 0.0))

    def _relations(self) -> None:
        keys = set(self.keys)
        periods = {k[4] for k in keys}
        by_group: dict[tuple[str, str, str, str], list[Key]] = defaultdict(list)
        for k in keys:
            if k[2] != "total":
                by_group[(k[0], k[1], k[2], k[4])].append(k)
        # a total is the sum of its categories
        for (ind, kind, _dim, per), parts in by_group.items():
            self._add([((ind, kind, "total", "total", per), 1), *((p, -1) for p in parts)])
        for ind, kind, dim, cat, per in keys:
            if kind != "all":
                continue
            parts = [(ind, kd, dim, cat, per) for kd in KINDS]
            if not all(p in keys for p in parts):
                continue
            if ind in EVENTS or ind.startswith("cases_open"):
                self._add([((ind, kind, dim, cat, per), 1), *((p, -1) for p in parts)])
            elif ind in PEOPLE:
                self._add(
                    [((ind, kind, dim, cat, per), 1), *((p, -1) for p in parts)], at_most=True
                )
                for p in parts:
                    self._add([(p, 1), ((ind, kind, dim, cat, per), -1)], at_most=True)
        for per in periods:
            for kind in (*KINDS, "all"):
                t = ("total", "total")
                self._add(
                    [
                        (("cases_open_at_start", kind, *t, per), 1),
                        (("cases_opened", kind, *t, per), 1),
                        (("cases_closed", kind, *t, per), -1),
                        (("cases_open_at_end", kind, *t, per), -1),
                    ]
                )
                sub = [
                    ("meetings_recorded_by_volunteers", "meetings"),
                    ("clients_needing_interpreter", "clients_served"),
                ]
                for part, whole in sub:
                    self._add(
                        [((part, kind, *t, per), 1), ((whole, kind, *t, per), -1)], at_most=True
                    )
                self._add(
                    [
                        (("clients_served", kind, *t, per), 1),
                        (("cases_open_at_start", kind, *t, per), -1),
                        (("cases_opened", kind, *t, per), -1),
                    ],
                    at_most=True,
                )
            self._add(
                [
                    (("children_with_a_visit_held", "all", "total", "total", per), 1),
                    (("child_visits_held", "all", "total", "total", per), -1),
                ],
                at_most=True,
            )
            rs = "release_support"
            self._add(
                [
                    (("clients_released", rs, "total", "total", per), 1),
                    (("clients_released_with_early_plan", rs, "total", "total", per), -1),
                    (("clients_released_without_early_plan", rs, "total", "total", per), -1),
                ]
            )
            outcomes = ("awaiting_reply", "accepted", "declined", "completed")
            cats = {k[3] for k in keys if k[0] == "referrals_sent" and k[4] == per}
            for cat in cats:
                dim = "total" if cat == "total" else "organisation_type"
                self._add(
                    [
                        (("referrals_sent", "all", dim, cat, per), 1),
                        *((("referrals_" + o, "all", dim, cat, per), -1) for o in outcomes),
                    ]
                )
        self._over_periods(keys, periods)

    def _over_periods(self, keys: set[Key], periods: set[str]) -> None:
        days = {p: _period_days(p) for p in periods}
        quarters = {p for p in periods if "-Q" in p}
        for whole in periods:
            start, end = days[whole]
            inside = sorted(q for q in quarters if start <= days[q][0] and days[q][1] <= end)
            if whole in quarters or not inside:
                continue
            covered = days[inside[0]][0] == start and days[inside[-1]][1] == end
            covered = covered and all(
                days[a][1] + timedelta(days=1) == days[b][0] for a, b in itertools.pairwise(inside)
            )
            # a period opens with its first quarter's caseload and ends with its last one's,
            # whether or not every quarter between was published
            for kind in (*KINDS, "all"):
                t = (kind, "total", "total")
                for edge, quarter in (("start", start), ("end", end)):
                    q = next(
                        (q for q in inside if days[q][0 if edge == "start" else 1] == quarter), None
                    )
                    if q is not None:
                        self._add(
                            [
                                ((f"cases_open_at_{edge}", *t, whole), 1),
                                ((f"cases_open_at_{edge}", *t, q), -1),
                            ]
                        )
            for k in keys:
                if k[4] != whole or k[2] == "age_band":
                    continue
                parts = [(*k[:4], q) for q in inside]
                if not all(p in keys for p in parts):
                    continue
                if k[0] in EVENTS:
                    self._add([(k, -1), *((p, 1) for p in parts)], at_most=not covered)
                elif k[0] in PEOPLE:
                    for p in parts:
                        self._add([(p, 1), (k, -1)], at_most=True)
                    if covered:
                        self._add([(k, 1), *((p, -1) for p in parts)], at_most=True)
        for a in periods:
            for b in periods:
                if days[a][1] + timedelta(days=1) == days[b][0]:
                    for kind in (*KINDS, "all"):
                        t = (kind, "total", "total")
                        self._add(
                            [
                                (("cases_open_at_end", *t, a), 1),
                                (("cases_open_at_start", *t, b), -1),
                            ]
                        )

    # -- the attack ---------------------------------------------------------------------

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        low = np.zeros(len(self.keys))
        high = np.full(len(self.keys), np.inf)
        for k, shown in self.known.items():
            i = self.index[k]
            for s in shown:
                if s.status == "published":
                    assert s.value is not None
                    low[i] = max(low[i], s.value)
                    high[i] = min(high[i], s.value)
                elif s.status == "small":
                    low[i] = max(low[i], 1)
                    high[i] = min(high[i], s.threshold - 1)
                elif s.status == "range":
                    assert s.bounds is not None
                    low[i] = max(low[i], s.bounds[0])
                    high[i] = min(high[i], s.bounds[1])
        return low, high

    def ranges(self, targets: Iterable[Key] | None = None) -> dict[Key, tuple[int, float]]:
        """Each hidden cell's (lowest, highest) whole value; highest is inf when unbounded.

        Published cells are moved to the right-hand side and the hidden ones split into
        groups that share no relation, so each programme is small."""
        n = len(self.keys)
        a = lil_matrix((len(self.rows), n))
        for r, (row, _lo, _hi) in enumerate(self.rows):
            for j, c in row.items():
                a[r, j] = c
        a_csr = a.tocsr()
        row_lo = np.array([lo for _, lo, _ in self.rows])
        row_hi = np.array([hi for _, _, hi in self.rows])
        low, high = self.bounds()
        fixed = low == high
        hid = np.nonzero(~fixed)[0]
        shift = a_csr[:, np.nonzero(fixed)[0]] @ low[fixed]
        a_h = a_csr[:, hid].tocsr()
        lo_h, hi_h = row_lo - shift, row_hi - shift
        live = np.asarray((a_h != 0).sum(axis=1)).ravel() > 0
        dead = ~live
        assert np.all(lo_h[dead] <= 1e-9) and np.all(hi_h[dead] >= -1e-9), "published data lie"
        a_h, lo_h, hi_h = a_h[live], lo_h[live], hi_h[live]
        link = (a_h.T != 0).astype(int) @ (a_h != 0).astype(int)
        _count, label = connected_components(link, directed=False)
        wanted = {self.index[k] for k in (targets or self.keys)}
        found: dict[Key, tuple[int, float]] = {}
        for group in np.unique(label):
            cols = np.nonzero(label == group)[0]
            if not wanted & {int(hid[c]) for c in cols}:
                continue
            rows = np.nonzero(np.asarray((a_h[:, cols] != 0).sum(axis=1)).ravel() > 0)[0]
            sub = a_h[rows][:, cols]
            lo_s, hi_s = lo_h[rows], hi_h[rows]
            eq = lo_s == hi_s
            box = list(zip(low[hid[cols]], high[hid[cols]], strict=True))
            for pos, col in enumerate(cols):
                key = self.keys[int(hid[col])]
                if int(hid[col]) not in wanted:
                    continue
                ends: list[float] = []
                for sign in (1.0, -1.0):
                    c = np.zeros(len(cols))
                    c[pos] = sign
                    problem = {
                        "A_ub": sub[~eq] if (~eq).any() else None,
                        "b_ub": hi_s[~eq] if (~eq).any() else None,
                        "A_eq": sub[eq] if eq.any() else None,
                        "b_eq": lo_s[eq] if eq.any() else None,
                        "bounds": box,
                        "method": "highs",
                    }
                    res = linprog(c, **problem)
                    if res.status == 2:
                        # HiGHS's presolve can call an unbounded programme infeasible (the
                        # published figures are a feasible point): ask without it
                        res = linprog(c, **problem, options={"presolve": False})
                    if res.status == 3:
                        ends.append(np.inf)
                        continue
                    assert res.status == 0, res.message
                    x = res.x
                    if not np.allclose(x, np.round(x), atol=1e-7):
                        m = milp(
                            c,
                            constraints=[LinearConstraint(sub, lo_s, hi_s)],
                            integrality=np.ones(len(cols)),
                            bounds=Bounds(low[hid[cols]], high[hid[cols]]),
                        )
                        assert m.status == 0, m.message
                        x = m.x
                    ends.append(round(float(x[pos])))
                found[key] = (int(ends[0]), ends[1])
        return found


def findings(
    reports: list[dict[Key, Shown]], truth: dict[Key, int] | None = None
) -> dict[str, object]:
    """What the attack learns: cells narrowed beyond their status, and the narrowest widths.

    ``truth`` (the true counts, where the test knows them) tells which "*" cells hold a small
    count: those are judged as small ones (each of 1 … k-1 must stay possible), not as "*"
    cells that must stay k wide."""
    attacker = Attacker(reports)
    ranges = attacker.ranges()
    narrowed: list[tuple[Key, tuple[int, float]]] = []
    for k, (low, high) in ranges.items():
        shown = attacker.known[k]
        k_max = max(s.threshold for s in shown)
        small = [s for s in shown if s.status == "small"]
        if small and any(s.status == "published" for s in shown):
            continue  # published elsewhere: nothing to keep
        stated = [s.bounds for s in shown if s.bounds is not None]
        if not small and truth is not None and 0 < truth.get(k, 0) < k_max:
            small = [s for s in shown if s.status == "secondary"]
        if small:
            ceiling = min(s.threshold - 1 for s in small)
            if low > 1 or high < ceiling:
                narrowed.append((k, (low, high)))
        elif stated:
            # a range shown is what earlier reports fix: the attack must not get closer
            if low > max(b[0] for b in stated) or high < min(b[1] for b in stated):
                narrowed.append((k, (low, high)))
        elif high - low < k_max:
            narrowed.append((k, (low, high)))
    widths = sorted(high - low for low, high in ranges.values())
    return {"narrowed": narrowed, "ranges": ranges, "narrowest": widths[:1]}
