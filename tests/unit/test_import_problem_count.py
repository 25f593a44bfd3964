"""A file whose every row is a problem is checked in time proportional to its rows, and the
dry run keeps the first 100 problems and counts the rest."""

from __future__ import annotations

import time
from datetime import date

from app.features.importing.services import import_sources, importing

HEADERS = ("Given name", "Family name", "Date of birth", "Case kind", "Opened")
TODAY = date(2026, 12, 1)


def bad_table(rows: int) -> import_sources.SourceTable:
    # Every row has three problems: an impossible birth date, an unknown kind, no opening date.
    body = tuple((f"A{i}", f"B{i}", "31.02.1990", "nonsense", "not a date") for i in range(rows))
    return import_sources.SourceTable("bad.csv", HEADERS, body, "0" * 64, "utf-8", ",")


def seconds_to_check(table: import_sources.SourceTable) -> float:
    mapping = import_sources.suggest_mapping(table.headers)
    best = float("inf")
    for _attempt in range(2):  # the faster of two: the machine is shared
        started = time.perf_counter()
        importing._parse(table, mapping, TODAY)
        best = min(best, time.perf_counter() - started)
    return best


def test_checking_every_bad_row_grows_linearly() -> None:
    small, large = bad_table(10_000), bad_table(40_000)
    ratio = seconds_to_check(large) / seconds_to_check(small)
    # Four times the rows: about four times the time (it was quadratic: 5k rows 1.7 s,
    # 20k rows 8.6 s, 273k rows unfinished after 400 s).
    assert ratio <= 6, f"40,000 bad rows took {ratio:.1f}× as long as 10,000"


def test_the_first_hundred_problems_are_kept_and_the_rest_counted() -> None:
    table = bad_table(1_000)
    parsed = importing._parse(table, import_sources.suggest_mapping(table.headers), TODAY)
    assert parsed.problem_count == 3_000
    assert len(parsed.problems) == importing.SHOWN_PROBLEMS == 100
    # In row order, each row's problems by column: rows 2 to 35 whole, and one of row 35.
    assert [p.row for p in parsed.problems[:4]] == [2, 2, 2, 3]
    assert parsed.problems[-1].row == 35
    assert [p.column for p in parsed.problems[:3]] == sorted(p.column for p in parsed.problems[:3])


def test_an_unknown_kind_is_one_problem_not_two() -> None:
    table = bad_table(1)
    parsed = importing._parse(table, import_sources.suggest_mapping(table.headers), TODAY)
    kind = [p for p in parsed.problems if p.column == "Case kind"]
    assert len(kind) == 1
