"""Categories too small to show are merged before any cell is hidden. Pure.

Rules (the methodology note states them): decided on the clients served in all kinds of
case together, so every column of a table has the same rows.

* **Age bands** are merged with the next older band (the oldest with the one before it)
  while a band holds from 1 to ``threshold - 1`` people. "Age not known" stays apart. A
  merged band is named by its ages: ``25_44``, ``under_25``, ``45_plus``.
* **Regions** holding from 1 to ``threshold - 1`` people are merged into one row (with the
  smallest other regions while that row is still small); its code joins the regions' codes
  with ``+`` (``africa+oceania``).

A merged category is published the same way as any other (it may still be suppressed).
"""

from __future__ import annotations

from collections.abc import Mapping

from app.features.reports.services import figures as f
from app.features.reports.services.figures import ALL, FigureKey

#: Each original age band's (youngest, oldest) age; None for no limit.
_BAND_AGES: dict[str, tuple[int | None, int | None]] = {
    "under_18": (None, 17),
    "18_24": (18, 24),
    "25_34": (25, 34),
    "35_44": (35, 44),
    "45_54": (45, 54),
    "55_plus": (55, None),
}
UNKNOWN_AGE = "unknown"
REGION_JOIN = "+"

Groups = list[list[str]]


def band_code(youngest: int | None, oldest: int | None) -> str:
    if youngest is None:
        return f"under_{(oldest or 0) + 1}"
    if oldest is None:
        return f"{youngest}_plus"
    return f"{youngest}_{oldest}"


def band_ages(code: str) -> tuple[int | None, int | None] | None:
    """The ages of a band's code (original or merged); None for "unknown"."""
    if code == UNKNOWN_AGE:
        return None
    low, _, high = code.partition("_")
    if low == "under":
        return None, int(high) - 1
    return int(low), None if high == "plus" else int(high)


def _small(n: int, k: int) -> bool:
    return 0 < n < k


def age_groups(counts: Mapping[str, int], k: int) -> Groups:
    groups: Groups = []
    for band in _BAND_AGES:
        if groups and _small(sum(counts[b] for b in groups[-1]), k):
            groups[-1].append(band)
        else:
            groups.append([band])
    if len(groups) > 1 and _small(sum(counts[b] for b in groups[-1]), k):
        last = groups.pop()
        groups[-1].extend(last)
    return [*groups, [UNKNOWN_AGE]]


def region_groups(counts: Mapping[str, int], k: int) -> Groups:
    order = list(counts)
    small = [r for r in order if _small(counts[r], k)]
    if not small:
        return [[r] for r in order]
    merged = list(small)
    others = sorted((r for r in order if counts[r] >= k), key=lambda r: (counts[r], order.index(r)))
    while (len(merged) < 2 or _small(sum(counts[r] for r in merged), k)) and others:
        merged.append(others.pop(0))
    merged.sort(key=order.index)
    groups: Groups = []
    for r in order:
        if r == merged[0]:
            groups.append(merged)
        elif r not in merged:
            groups.append([r])
    return groups


def _code(dim: str, group: list[str]) -> str:
    if len(group) == 1:
        return group[0]
    if dim == "age_band":
        return band_code(_BAND_AGES[group[0]][0], _BAND_AGES[group[-1]][1])
    return REGION_JOIN.join(group)


def merge_small(
    values: dict[FigureKey, int], period_code: str, k: int
) -> tuple[dict[FigureKey, int], dict[str, tuple[str, ...]]]:
    """The counts with small age bands and regions merged, and each dimension's categories."""
    served = f.CLIENTS_SERVED
    renamed: dict[FigureKey, FigureKey] = {}
    categories: dict[str, tuple[str, ...]] = {}
    for dim, grouping in (("age_band", age_groups), ("region", region_groups)):
        everyone = {
            cat: values[FigureKey(served, ALL, dim, cat, period_code)] for cat in f.DIMENSIONS[dim]
        }
        groups = grouping(everyone, k)
        categories[dim] = tuple(_code(dim, g) for g in groups)
        for group in groups:
            code = _code(dim, group)
            for kind in f.KINDS_AND_ALL:
                for cat in group:
                    renamed[FigureKey(served, kind, dim, cat, period_code)] = FigureKey(
                        served, kind, dim, code, period_code
                    )
    merged: dict[FigureKey, int] = {}
    for fk, n in values.items():
        target = renamed.get(fk, fk)
        merged[target] = merged.get(target, 0) + n
    return merged, categories
