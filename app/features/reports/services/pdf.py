"""The PDF a funder receives: cover, overview, one section per theme, methodology.

Built from a :class:`~.layout.ReportView` (already translated and already protected) with
ReportLab's platypus. The metadata names no person: author, creator and producer are
"Homeward", the subject is empty, and the file is reproducible (``invariant``): the same
summary gives the same bytes. Pure: no database, no context.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from babel.numbers import format_decimal
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.features.reports.services import charts, fonts
from app.features.reports.services.layout import (
    CellView,
    ReportView,
    SectionView,
    TableView,
    locale_for,
)
from app.kernel.i18n import _, thread_language

PRODUCER = "Homeward"
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
ACCENT = colors.HexColor("#1F4E79")
LIGHT = colors.HexColor("#F2F5F9")
RULE = colors.HexColor("#B8C4D2")
MUTED = colors.HexColor("#666666")


class _Styles:
    def __init__(self) -> None:
        base = ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=9.5, leading=13)
        self.body = base
        self.text = ParagraphStyle("text", base, spaceAfter=5)
        self.small = ParagraphStyle("small", base, fontSize=7.5, leading=9.5, textColor=MUTED)
        self.h1 = ParagraphStyle(
            "h1",
            base,
            fontName=fonts.BOLD,
            fontSize=16,
            leading=20,
            spaceAfter=6,
            textColor=ACCENT,
        )
        self.h2 = ParagraphStyle(
            "h2",
            base,
            fontName=fonts.BOLD,
            fontSize=11,
            leading=14,
            spaceBefore=8,
            spaceAfter=4,
        )
        self.cell = ParagraphStyle("cell", base, fontSize=8, leading=10)
        self.cell_bold = ParagraphStyle("cellb", self.cell, fontName=fonts.BOLD)
        self.head = ParagraphStyle(
            "head", self.cell, fontName=fonts.BOLD, fontSize=7.5, leading=9, alignment=TA_RIGHT
        )
        self.cover_title = ParagraphStyle(
            "ct", base, fontName=fonts.BOLD, fontSize=28, leading=34, textColor=ACCENT
        )
        self.cover_org = ParagraphStyle("co", base, fontName=fonts.BOLD, fontSize=15, leading=20)
        self.cover_period = ParagraphStyle("cp", base, fontSize=15, leading=20)
        self.tile_number = ParagraphStyle(
            "tn",
            base,
            fontName=fonts.BOLD,
            fontSize=17,
            leading=21,
            alignment=TA_CENTER,
            textColor=ACCENT,
        )
        self.tile_label = ParagraphStyle(
            "tl", base, fontSize=7.5, leading=9.5, alignment=TA_CENTER, textColor=MUTED
        )


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _numbered_canvas(footer: Callable[[Canvas, int, int], None]) -> type[Canvas]:
    """A canvas that knows the page count when it draws each page's footer."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # ReportLab's, not in the stubs

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                footer(self, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


class _Document(BaseDocTemplate):
    def __init__(self, target: io.BytesIO, on_flowable: Callable[[], None], **kw: Any) -> None:
        super().__init__(target, **kw)
        self._on_flowable = on_flowable

    def afterFlowable(self, flowable: Flowable) -> None:
        self._on_flowable()


def _table(view: TableView, st: _Styles) -> Table:
    n = len(view.columns)
    label_w = min(0.6 * WIDTH, max(0.3 * WIDTH, WIDTH - n * 0.16 * WIDTH))
    number_w = (WIDTH - label_w) / n
    data: list[list[Any]] = [["", *(_p(c, st.head) for c in view.columns)]]
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 8),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
    ]
    for i, row in enumerate(view.rows, start=1):
        label_style = st.cell_bold if row.total else st.cell
        label = _p(row.label, label_style)
        if row.indent:
            label = Paragraph(escape(row.label), ParagraphStyle("ind", label_style, leftIndent=10))
        data.append([label, *(_cell_text(c) for c in row.cells)])
        if row.total:
            style += [
                ("LINEABOVE", (0, i), (-1, i), 0.6, RULE),
                ("FONT", (1, i), (-1, i), fonts.BOLD, 8),
            ]
        elif i % 2 == 0:
            style.append(("BACKGROUND", (0, i), (-1, i), LIGHT))
        for j, cell in enumerate(row.cells, start=1):
            if cell.suppressed:
                style.append(("TEXTCOLOR", (j, i), (j, i), MUTED))
    table = Table(data, colWidths=[label_w, *([number_w] * n)], repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(style))
    return table


def _cell_text(cell: CellView) -> str:
    return cell.text


def _tiles(view: ReportView, st: _Styles) -> Table:
    per_row = 5
    cells: list[list[Any]] = [
        [_p(h.cell.text, st.tile_number), _p(h.label, st.tile_label)] for h in view.headlines
    ]
    rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
    while len(rows[-1]) < per_row:
        rows[-1].append(["", ""])
    data = [[list(c) for c in row] for row in rows]
    table = Table(data, colWidths=[WIDTH / per_row] * per_row, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 8),
                ("BACKGROUND", (0, 0), (-1, -1), LIGHT),
                ("BOX", (0, 0), (-1, -1), 0.6, RULE),
                ("INNERGRID", (0, 0), (-1, -1), 0.6, colors.white),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 7),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
            ]
        )
    )
    return table


def _section(section: SectionView, st: _Styles, number: charts.Formatter) -> list[Flowable]:
    story: list[Flowable] = [_p(section.title, st.h1), _p(section.intro, st.body), Spacer(1, 4)]
    for table in section.tables:
        block: list[Flowable] = [_p(table.title, st.h2), _table(table, st)]
        notes = [table.note] if table.note else []
        if table.has_secondary:
            notes.append(_("* hidden so that a small number cannot be worked out from a total."))
        block += [_p(n, st.small) for n in notes]
        story.append(KeepTogether(block))
        if table.chart is not None:
            story += [Spacer(1, 6), charts.draw(table.chart, WIDTH, number)]
        story.append(Spacer(1, 6))
    return story


def _cover(view: ReportView, st: _Styles) -> list[Flowable]:
    return [
        Spacer(1, 60 * mm),
        _p(view.organisation, st.cover_org),
        Spacer(1, 6 * mm),
        _p(view.title, st.cover_title),
        Spacer(1, 4 * mm),
        _p(view.period_label, st.cover_period),
        _p(view.period_dates, st.body),
        Spacer(1, 30 * mm),
        _p(
            _(
                "Anonymised: this report contains only counts. Numbers below {k} are hidden; "
                "see the methodology at the end."
            ).format(k=view.threshold),
            st.body,
        ),
        Spacer(1, 3 * mm),
        _p(_("Produced with Homeward on {date}.").format(date=view.produced_on), st.small),
        *_anchor(view, st),
        NextPageTemplate("body"),
        PageBreak(),
    ]


def _anchor(view: ReportView, st: _Styles) -> list[Flowable]:
    if view.audit_anchor is None:
        return []
    event, fingerprint = view.audit_anchor
    return [
        Spacer(1, 2 * mm),
        _p(
            _(
                "Audit trail at event {n}: fingerprint {fingerprint}. Keep this report: "
                "'homeward verify --anchor {n}:{fingerprint}' shows later whether any record "
                "of who did what up to then was changed."
            ).format(n=event, fingerprint=fingerprint),
            st.small,
        ),
    ]


def _story(view: ReportView, st: _Styles) -> list[Flowable]:
    loc = locale_for(view.language)

    def number(value: float) -> str:
        return str(format_decimal(value, locale=loc))

    story = _cover(view, st)
    story += [_p(_("Overview"), st.h1), _p(view.period_label, st.body), Spacer(1, 6)]
    story += [_tiles(view, st), Spacer(1, 10)]
    if view.trend is not None:
        if view.trend.chart is not None:
            story += [charts.draw(view.trend.chart, WIDTH, number), Spacer(1, 8)]
        story += [
            KeepTogether([_p(view.trend.title, st.h2), _table(view.trend, st)]),
            Spacer(1, 6),
        ]
    story.append(_p(view.legend, st.small))
    for section in view.sections:
        story += [PageBreak(), *_section(section, st, number)]
    story += [PageBreak(), _p(_("Methodology"), st.h1)]
    for heading, paragraphs in view.methodology:
        story += [CondPageBreak(40 * mm), _p(heading, st.h2)]
        story += [_p(text, st.text) for text in paragraphs]
    return story


def render(view: ReportView, *, on_progress: Callable[[float], None] | None = None) -> bytes:
    """The PDF's bytes. ``on_progress(fraction)`` is called as pages fill up (and may raise
    to stop)."""
    fonts.register()
    with thread_language(view.language):
        st = _Styles()
        story = _story(view, st)
        total = max(1, len(story))
        done = [0]

        def tick() -> None:
            done[0] += 1
            if on_progress is not None:
                on_progress(min(1.0, done[0] / total))

        footer_text = _("Page {page} of {pages}")
        foot_left = f"{view.organisation} · {view.period_label}"

        def footer(canvas: Canvas, page: int, pages: int) -> None:
            if page == 1:
                return
            canvas.saveState()
            canvas.setFont(fonts.REGULAR, 7.5)
            canvas.setFillColor(MUTED)
            canvas.drawString(MARGIN, 10 * mm, foot_left)
            canvas.drawRightString(
                A4[0] - MARGIN, 10 * mm, footer_text.format(page=page, pages=pages)
            )
            canvas.restoreState()

        buffer = io.BytesIO()
        doc = _Document(
            buffer,
            tick,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN + 6 * mm,
            title=_("Anonymised summary, {period}").format(period=view.period_label),
            author=PRODUCER,
            creator=PRODUCER,
            producer=PRODUCER,
            subject="",
            keywords=[],
            invariant=1,
            **fonts.document_options(9.5),
            lang=view.language,
        )
        frame = Frame(
            MARGIN,
            MARGIN + 6 * mm,
            WIDTH,
            A4[1] - 2 * MARGIN - 6 * mm,
            id="main",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        doc.addPageTemplates(
            [PageTemplate(id="cover", frames=[frame]), PageTemplate(id="body", frames=[frame])]
        )
        doc.build(story, canvasmaker=_numbered_canvas(footer))
        return buffer.getvalue()
