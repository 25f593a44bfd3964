"""The PDF and the CSV, from a summary built in memory (no database).

Every language is rendered under a pseudo-translation that puts Norwegian, Romanian and
Cyrillic letters into every translated string, so a glyph the font lacks would show up even
before the real catalogues exist.
"""

from __future__ import annotations

import csv
import gettext
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

import app.kernel.i18n
from app.features.reports.services import build, charts, csv_export, fonts, layout, pdf, periods
from app.features.reports.services import figures as f
from app.features.reports.services.assemble import build_summary
from app.features.reports.services.figures import ALL, Counts, FigureStatus, Summary
from app.features.reports.services.layout import ChartKind, ChartView, ReportView

PERIOD = periods.quarter(2026, 3)
MARKS = "ÆØÅ æøå ĂÂÎȘȚ ăâîșț Şş Ţţ Жж Щщ Ёё"
LANGUAGES = ("en", "nb", "ru", "ro")


class PseudoTranslations(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return f"{message} {MARKS}" if message else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


@pytest.fixture
def pseudo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(app.kernel.i18n, "_load", lambda language: PseudoTranslations())
    yield


def summary(threshold: int = 5) -> Summary:
    counts = Counts(PERIOD, periods.trend_quarters(PERIOD))
    rs = "release_support"
    for kind, opened in (("release_support", 40), ("child_visits", 3), ("foreign_inmate", 12)):
        counts.set(f.key(f.CASES_OPEN_AT_START, PERIOD, kind), 100)
        counts.set(f.key(f.CASES_OPENED, PERIOD, kind), opened)
        counts.set(f.key(f.CASES_CLOSED, PERIOD, kind), 10)
        counts.set(f.key(f.CASES_CLOSED, PERIOD, kind, "close_reason", "goals_met"), 10)
        counts.set(f.key(f.CASES_OPEN_AT_END, PERIOD, kind), 90 + opened)
    for ind, n in ((f.CASES_OPEN_AT_START, 300), (f.CASES_OPENED, 55), (f.CASES_CLOSED, 30)):
        counts.set(f.key(ind, PERIOD), n)
    counts.set(f.key(f.CASES_CLOSED, PERIOD, ALL, "close_reason", "goals_met"), 30)
    counts.set(f.key(f.CASES_OPEN_AT_END, PERIOD), 325)
    for kind in (rs, ALL):
        counts.set(f.key(f.CLIENTS_SERVED, PERIOD, kind), 60)
        for dim, cats in (
            ("gender", {"female": 2, "male": 58}),
            ("age_band", {"18_24": 20, "25_34": 37, "55_plus": 3}),
            ("region", {"nordic": 50, "africa": 10}),
        ):
            for cat, n in cats.items():
                counts.set(f.key(f.CLIENTS_SERVED, PERIOD, kind, dim, cat), n)
    counts.set(f.key(f.CLIENTS_RELEASED, PERIOD, rs), 12)
    counts.set(f.key(f.RELEASED_WITH_PLAN, PERIOD, rs), 7)
    counts.set(f.key(f.RELEASED_WITHOUT_PLAN, PERIOD, rs), 5)
    counts.set(f.key(f.DISCRIMINATION_REPORTS, PERIOD), 2)
    for q in counts.trend[:-1]:
        counts.set(f.key(f.CLIENTS_SERVED, q), 50)
        counts.set(f.key(f.CASES_OPEN_AT_END, q), 300)  # the caseload carried into 2026-Q3
    counts.minutes[ALL] = 600
    return build_summary(
        counts, threshold=threshold, organisation="Støtte & Co <Ltd>", produced_on=date(2026, 10, 2)
    )


def texts(view: ReportView) -> Iterator[str]:
    yield from (view.title, view.period_label, view.period_dates, view.organisation, view.legend)
    yield view.produced_on
    for h in view.headlines:
        yield from (h.label, h.cell.text)
    tables = [t for s in view.sections for t in s.tables] + ([view.trend] if view.trend else [])
    for s in view.sections:
        yield from (s.title, s.intro)
    for t in tables:
        yield from (t.title, t.note, *t.columns)
        for row in t.rows:
            yield row.label
            yield from (c.text for c in row.cells)
    for heading, paragraphs in view.methodology:
        yield heading
        yield from paragraphs


def poppler(tool: str, *args: str) -> str:
    exe = shutil.which(tool)
    assert exe, f"{tool} (poppler-utils) is needed to check the PDF"
    return subprocess.run([exe, *args], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_character_of_every_language_has_a_glyph(
    pseudo: None, language: str, tmp_path: Path
) -> None:
    view = build.build_view(summary(), language)
    text = "\n".join(texts(view))
    assert MARKS in text  # the pseudo-translation really reached the view
    assert fonts.covers(text)
    target = tmp_path / f"report-{language}.pdf"
    target.write_bytes(pdf.render(view))
    fonts_used = poppler("pdffonts", str(target)).splitlines()[2:]
    assert fonts_used, "no fonts in the PDF"
    for line in fonts_used:
        name, emb = line.split()[0], line.split()[-5]
        assert "DejaVuSans" in name and emb == "yes", line  # the bundled font, embedded
    extracted = poppler("pdftotext", "-enc", "UTF-8", str(target), "-")
    for letter in ("Ø", "ș", "ț", "Ж", "ă"):
        assert letter in extracted


def test_locale_formats_numbers_and_dates() -> None:
    by_language = {lang: build.build_view(summary(), lang) for lang in LANGUAGES}
    assert by_language["en"].period_label == "3rd quarter 2026"
    assert by_language["nb"].period_label == "3. kvartal 2026"
    assert "квартал" in by_language["ru"].period_label
    assert "trimestrul" in by_language["ro"].period_label
    overview = {lang: [h.cell.text for h in v.headlines] for lang, v in by_language.items()}
    assert overview["en"][3] == "325"  # open cases at the end
    assert by_language["nb"].produced_on == "2. oktober 2026"
    assert overview["nb"][-1] == "58\u00a0%"  # 7 of 12 released clients, as a Norwegian percent
    assert overview["en"][-1] == "58%"


def test_hidden_numbers_are_marked_and_never_shown(pseudo: None) -> None:
    s = summary()
    view = build.build_view(s, "en")
    cells = [
        (t.id, r.label, c)
        for sec in view.sections
        for t in sec.tables
        for r in t.rows
        for c in r.cells
    ]
    small = [c for _, _, c in cells if c.status == FigureStatus.SMALL]
    assert small and all(c.text == "<5" and c.value is None for c in small)
    secondary = [c for _, _, c in cells if c.status == FigureStatus.SECONDARY]
    assert secondary and all(c.text == "*" for c in secondary)
    for figure in s:
        if figure.suppressed:
            assert figure.value is None


def test_suppressed_values_are_not_drawn_as_bars() -> None:
    published = layout.CellView("40", 40.0, FigureStatus.PUBLISHED)
    hidden = layout.CellView("<5", None, FigureStatus.SMALL)
    zero = layout.CellView("0", 0.0, FigureStatus.PUBLISHED)
    chart = ChartView(ChartKind.BARS, "t", ("a", "b", "c"), (("s", (published, hidden, zero)),))
    drawing = charts.draw(chart, 400, str)
    filled = [s for s in drawing.contents if type(s).__name__ == "Rect" and s.fillColor is not None]
    assert len(filled) == 1  # only the published, non-zero bar
    labels = [s.text for s in drawing.contents if type(s).__name__ == "String"]
    assert "<5" in labels


def test_pdf_metadata_names_no_one_and_is_reproducible(tmp_path: Path) -> None:
    view = build.build_view(summary(), "en")
    first, second = pdf.render(view), pdf.render(view)
    assert first == second
    target = tmp_path / "r.pdf"
    target.write_bytes(first)
    info = dict(
        line.split(":", 1) for line in poppler("pdfinfo", str(target)).splitlines() if ":" in line
    )
    assert (
        info["Author"].strip() == info["Creator"].strip() == info["Producer"].strip() == "Homeward"
    )
    assert info["Subject"].strip() == ""
    assert int(info["Pages"]) >= 8
    assert re.search(r"Anonymised summary", info["Title"])


def test_csv_is_one_tidy_table_with_an_optional_hxl_row() -> None:
    s = summary()
    plain = csv_export.render(s).decode("utf-8")
    rows = list(csv.reader(io.StringIO(plain)))
    assert rows[0] == list(csv_export.COLUMNS)
    assert len(rows) == 1 + len(s.figures)
    by_key = {tuple(r[:5]): r for r in rows[1:]}
    small = by_key[("clients_served", "release_support", "gender", "female", "2026-Q3")]
    assert small[5:] == ["", "true", "small", "", ""]
    zero = by_key[("cases_opened", "all", "total", "total", "2025-Q4")]
    assert zero[5:] == ["0", "false", "published", "", ""]
    share = by_key[("release_plan_share_percent", "release_support", "total", "total", "2026-Q3")]
    assert share[5:] == ["58", "false", "published", "", ""]
    hxl = list(csv.reader(io.StringIO(csv_export.render(s, hxl=True).decode("utf-8"))))
    assert hxl[1] == list(csv_export.HXL_TAGS)
    assert all(tag.startswith("#") for tag in hxl[1])
    assert hxl[2:] == rows[1:]


def test_a_thread_language_does_not_leak_into_other_threads(pseudo: None) -> None:
    import threading

    seen: list[str] = []
    with app.kernel.i18n.thread_language("ru"):
        inside = app.kernel.i18n._("Overview")
        worker = threading.Thread(target=lambda: seen.append(app.kernel.i18n._("Overview")))
        worker.start()
        worker.join()
    assert MARKS in inside
    assert seen == ["Overview"]
    assert app.kernel.i18n._("Overview") == "Overview"


def test_the_font_and_its_licence_are_package_data() -> None:
    """An installed Homeward (not just a checkout) must carry the font: every file in the
    fonts folder matches a package-data pattern of ``app`` in pyproject.toml."""
    import fnmatch
    import tomllib

    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["app"]
    shipped = sorted(p.relative_to(root / "app").as_posix() for p in fonts.font_dir().iterdir())
    assert {"resources/fonts/DejaVuSans.ttf", "resources/fonts/LICENSE"} <= set(shipped)
    for name in shipped:
        assert any(fnmatch.fnmatch(name, pattern) for pattern in patterns), name
    assert "Bitstream" in (fonts.font_dir() / "LICENSE").read_text("utf-8")
