"""The summary as one tidy CSV table: one row per figure, codes rather than words.

Columns: ``indicator, case_kind, dimension, category, period, value, suppressed, status,
low, high``.

* ``case_kind`` is ``release_support``, ``child_visits``, ``foreign_inmate`` or ``all``
  (people are counted once in ``all``, so it is not always the sum of the kinds).
* An undivided figure has ``dimension`` and ``category`` ``total``.
* ``period`` is ``2026-Q3``, ``2026`` or ``2026-01-01/2026-05-31``; trend rows carry their
  own quarter.
* ``value`` is the number when published and empty when not; hours have one decimal
  (a dot), percentages are whole numbers (the indicator's name says which).
* ``suppressed`` is ``true`` or ``false``; ``status`` says why: ``published``, ``small``
  (from 1 to the threshold minus one), ``secondary`` (hidden to protect a small one),
  ``range`` (hidden, but earlier reports already fix it between ``low`` and ``high``: a year
  whose quarters were published) or ``not_applicable`` (a share of nobody).
* ``low`` and ``high`` are empty except for a ``range``.

UTF-8 with a header row; with ``hxl=True`` a second header row of HXL hashtags follows, for
humanitarian data tools. Pure: no database, no context.

Every text cell goes through :func:`app.services.cell_safety.text_cell`, so nothing a
spreadsheet would run as a formula reaches it. ``value`` is written from the figure's number
alone (never from text), so a number stays a number, a negative one included.
"""

from __future__ import annotations

import csv
import io

from app.features.reports.services.figures import Figure, Summary
from app.services.cell_safety import text_cell

COLUMNS = (
    "indicator",
    "case_kind",
    "dimension",
    "category",
    "period",
    "value",
    "suppressed",
    "status",
    "low",
    "high",
)
HXL_TAGS = (
    "#indicator +code",
    "#sector +code",
    "#meta +dimension",
    "#meta +category",
    "#date +period",
    "#indicator +num",
    "#meta +suppressed",
    "#meta +status",
    "#indicator +num +min",
    "#indicator +num +max",
)


def _value(figure: Figure) -> str:
    value = figure.value
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, int):
        return str(value)
    return text_cell(str(value))  # not a number: text, made inert like any other


def render(summary: Summary, *, hxl: bool = False) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    if hxl:
        writer.writerow(HXL_TAGS)
    for figure in summary:
        k = figure.key
        writer.writerow(
            (
                text_cell(k.indicator),
                text_cell(k.case_kind),
                text_cell(k.dimension),
                text_cell(k.category),
                text_cell(k.period),
                _value(figure),
                "true" if figure.suppressed else "false",
                text_cell(figure.status.value),
                *(str(n) for n in figure.bounds or ("", "")),
            )
        )
    return out.getvalue().encode("utf-8")
