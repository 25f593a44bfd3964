"""Anonymised summaries for funders (DESIGN.md §6).

The pieces, from the database to the file:

* :mod:`.periods` — quarters, years and date ranges; the four-quarter trend.
* :mod:`.queries` — the counting rules, as SQL aggregates (its docstring states every rule).
* :mod:`.figures` — every published number with a tidy key, the linear relations between
  them, and the frozen :class:`~.figures.Summary`.
* :mod:`.merging` — small age bands and regions merged before anything is hidden.
* :mod:`.disclosure` (with :mod:`.lp`, HiGHS) — small-number suppression against an attacker
  who knows every relation and every earlier export; :mod:`.published` — what each export
  published, kept with its record; :mod:`.assemble` — counts to a protected summary. Pure.
* :mod:`.regions` — nationality → world region, language → language group.
* :mod:`.layout` and :mod:`.methodology` — translated tables, headlines, chart data and the
  methodology note, shared by the GUI's preview and the PDF.
* :mod:`.pdf`, :mod:`.charts`, :mod:`.fonts`, :mod:`.csv_export` — the two file formats.
* :mod:`.service` — the operations the UI and the CLI call (coordinators only); long ones
  report progress and stop on a cancel flag as :mod:`app.services.jobs` says.
"""
