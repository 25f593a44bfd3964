"""Text cells made inert for spreadsheets (OWASP's "CSV injection" rule).

Excel, LibreOffice and Google Sheets read a cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return as a formula (or a DDE command) when the file is opened. Every CSV
or spreadsheet Homeward writes passes each **text** cell through :func:`text_cell`, which puts
a single quote in front of such a cell, as OWASP recommends; the quote shows, and the text is
otherwise kept.

Numbers Homeward computes itself (a count, hours, a percentage) are not passed through it:
they are written by the writer from ``int``/``float`` values, never from typed text, and a
``-3`` in a numeric column is a number to every spreadsheet — a quote would turn it into
text and break sums and charts. A writer that writes a number column keeps it numeric only
when the value is a number (see ``app/features/reports/services/csv_export.py``).
"""

from __future__ import annotations

from app.security.permissions import pure

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pure
def text_cell(value: str) -> str:
    """``"=HYPERLINK(…)"`` → ``"'=HYPERLINK(…)"``; other text unchanged."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
