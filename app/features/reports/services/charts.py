"""Bar and line charts for the PDF, drawn with ReportLab's graphics shapes.

A hidden number is never drawn to scale: where its bar would be there is a small hatched
box with its mark (``<5`` or ``*``), and a hidden point of a trend line is left out (the
line breaks) with its mark on the axis. Pure: no database, no context.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors

from app.features.reports.services import fonts
from app.features.reports.services.layout import CellView, ChartKind, ChartView

PALETTE = (
    colors.HexColor("#1F6FA8"),
    colors.HexColor("#E07B39"),
    colors.HexColor("#3A9D5D"),
    colors.HexColor("#8E5EA2"),
)
INK = colors.HexColor("#333333")
GRID = colors.HexColor("#DDDDDD")
HATCH = colors.HexColor("#999999")
LABEL_SIZE = 7.5
TITLE_SIZE = 9

Formatter = Callable[[float], str]


def draw(chart: ChartView, width: float, number: Formatter) -> Drawing:
    if chart.kind == ChartKind.LINES:
        return _lines(chart, width, number)
    return _bars(chart, width)


def _drawing(width: float, height: float) -> Drawing:
    return fonts.drawing(width, height, LABEL_SIZE)


def _fit(text: str, width: float, size: float = LABEL_SIZE) -> list[str]:
    """Up to two lines of ``text`` within ``width`` (an ellipsis if it still does not fit)."""
    if fonts.width(text, size) <= width:
        return [text]
    words, lines, current = text.split(), [], ""
    for word in words:
        trial = f"{current} {word}".strip()
        if fonts.width(trial, size) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    lines.append(current)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    if fonts.width(lines[-1], size) > width:
        last = lines[-1]
        while last and fonts.width(last + "…", size) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


def _rect(
    x: float,
    y: float,
    w: float,
    h: float,
    fill: colors.Color | None,
    stroke: colors.Color | None = None,
    *,
    stroke_width: float = 1.0,
    dash: list[float] | None = None,
) -> Rect:
    """A rectangle (the stubs mistype Rect's keyword arguments, so set them one by one)."""
    shape = Rect(x, y, w, h)
    shape.fillColor = fill
    shape.strokeColor = stroke
    shape.strokeWidth = stroke_width
    if dash is not None:
        shape.strokeDashArray = dash
    return shape


def _title(d: Drawing, text: str, y: float) -> None:
    d.add(String(0, y, text, fontName=fonts.BOLD, fontSize=TITLE_SIZE, fillColor=INK))


def _legend(d: Drawing, names: Sequence[str], y: float, x: float = 0) -> None:
    for i, name in enumerate(names):
        d.add(_rect(x, y, 8, 8, PALETTE[i % len(PALETTE)]))
        d.add(
            String(x + 11, y + 1, name, fontName=fonts.REGULAR, fontSize=LABEL_SIZE, fillColor=INK)
        )
        x += 11 + fonts.width(name, LABEL_SIZE) + 14


def _hatched(d: Drawing, x: float, y: float, w: float, h: float) -> None:
    d.add(_rect(x, y, w, h, None, HATCH, stroke_width=0.6, dash=[1.5, 1.5]))
    step = 3.0
    offset = 0.0
    while offset < w + h:
        x0, y0 = x + max(0.0, offset - h), y + min(h, offset)
        x1, y1 = x + min(w, offset), y + max(0.0, offset - w)
        d.add(Line(x0, y0, x1, y1, strokeColor=HATCH, strokeWidth=0.4))
        offset += step


def _bars(chart: ChartView, width: float) -> Drawing:
    """Horizontal bars: categories down the side, one bar per series in each category."""
    series = chart.series
    label_width = min(0.38 * width, 170.0)
    bar_h = 9.0 if len(series) > 1 else 11.0
    band = bar_h * len(series) + 6
    lines = [_fit(c, label_width - 6) for c in chart.categories]
    bands = [max(band, 9.0 * len(ls) + 4) for ls in lines]
    legend_h = 16.0 if len(series) > 1 else 0.0
    plot_h = sum(bands)
    height = plot_h + 18 + legend_h + 4
    d = _drawing(width, height)
    _title(d, chart.title, height - 11)
    values = [c.value for _, cells in series for c in cells if c.value is not None]
    top = max(values, default=0.0) or 1.0
    value_room = 46.0
    scale = (width - label_width - value_room) / top
    x0 = label_width
    d.add(Line(x0, legend_h, x0, legend_h + plot_h, strokeColor=INK, strokeWidth=0.5))
    y = legend_h + plot_h
    for ci, text_lines in enumerate(lines):
        h = bands[ci]
        y -= h
        mid = y + h / 2
        for li, text in enumerate(text_lines):
            ty = mid + (len(text_lines) / 2 - li - 1) * 9.0 + 2
            d.add(
                String(
                    x0 - 5,
                    ty,
                    text,
                    fontName=fonts.REGULAR,
                    fontSize=LABEL_SIZE,
                    fillColor=INK,
                    textAnchor="end",
                )
            )
        first = mid + bar_h * len(series) / 2
        for si, (_, cells) in enumerate(series):
            cell = cells[ci]
            by = first - (si + 1) * bar_h + 1
            _bar(d, cell, x0, by, bar_h - 2, scale, PALETTE[si % len(PALETTE)])
    if legend_h:
        _legend(d, [name for name, _ in series], 2)
    return d


def _bar(
    d: Drawing, cell: CellView, x0: float, y: float, h: float, scale: float, fill: colors.Color
) -> None:
    label_y = y + h / 2 - LABEL_SIZE / 2 + 1
    if cell.suppressed:
        _hatched(d, x0 + 1, y, 12, h)
        d.add(
            String(
                x0 + 16,
                label_y,
                cell.text,
                fontName=fonts.REGULAR,
                fontSize=LABEL_SIZE,
                fillColor=INK,
            )
        )
        return
    length = (cell.value or 0.0) * scale
    if length > 0:
        d.add(_rect(x0, y, length, h, fill))
    d.add(
        String(
            x0 + length + 3,
            label_y,
            cell.text,
            fontName=fonts.REGULAR,
            fontSize=LABEL_SIZE,
            fillColor=INK,
        )
    )


def _nice_step(top: float) -> float:
    raw = top / 4 if top > 0 else 1
    magnitude = float(10 ** math.floor(math.log10(raw)))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * magnitude:
            return max(1.0, m * magnitude)
    return max(1.0, 10 * magnitude)


def _lines(chart: ChartView, width: float, number: Formatter) -> Drawing:
    series = chart.series
    height = 190.0
    d = _drawing(width, height)
    _title(d, chart.title, height - 11)
    left, right, bottom, top_pad = 48.0, 12.0, 44.0, 22.0
    plot_w = width - left - right
    plot_h = height - bottom - top_pad
    values = [c.value for _, cells in series for c in cells if c.value is not None]
    step = _nice_step(max(values, default=0.0))
    top = step * max(1, math.ceil(max(values, default=0.0) / step))
    n = len(chart.categories)

    def xy(i: int, v: float) -> tuple[float, float]:
        x = left + (plot_w * (i + 0.5) / n)
        return x, bottom + plot_h * v / top

    tick = 0.0
    while tick <= top + 1e-9:
        _, ty = xy(0, tick)
        d.add(Line(left, ty, left + plot_w, ty, strokeColor=GRID, strokeWidth=0.5))
        d.add(
            String(
                left - 4,
                ty - 2.5,
                number(tick),
                fontName=fonts.REGULAR,
                fontSize=LABEL_SIZE,
                fillColor=INK,
                textAnchor="end",
            )
        )
        tick += step
    for i, name in enumerate(chart.categories):
        x, _ = xy(i, 0)
        d.add(
            String(
                x,
                bottom - 11,
                name,
                fontName=fonts.REGULAR,
                fontSize=LABEL_SIZE,
                fillColor=INK,
                textAnchor="middle",
            )
        )
    for si, (_, cells) in enumerate(series):
        colour = PALETTE[si % len(PALETTE)]
        run: list[float] = []
        for i, cell in enumerate(cells):
            if cell.value is None:
                _flush(d, run, colour)
                run = []
                x, _ = xy(i, 0)
                d.add(
                    String(
                        x,
                        bottom - 20 - 8 * si,
                        cell.text,
                        fontName=fonts.REGULAR,
                        fontSize=LABEL_SIZE - 1,
                        fillColor=colour,
                        textAnchor="middle",
                    )
                )
                continue
            x, y = xy(i, cell.value)
            run += [x, y]
            d.add(Circle(x, y, 2.2, fillColor=colour, strokeColor=None))
        _flush(d, run, colour)
    _legend(d, [name for name, _ in series], 2)
    return d


def _flush(d: Drawing, points: list[float], colour: colors.Color) -> None:
    if len(points) >= 4:
        d.add(PolyLine(points, strokeColor=colour, strokeWidth=1.4))
