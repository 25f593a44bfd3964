"""The subject access pack as a readable PDF, in the chosen language (ReportLab).

Page 1 is for the coordinator: the third-party items to review before release (remove that
page before sending). Then the person and each section, one small table per record; fields
listed for review are marked ⚑. Text is set in the reports' font (:mod:`.reports.fonts`,
DejaVu Sans shipped with Homeward: Latin, Cyrillic, Romanian diacritics), never Helvetica.
Every field is labelled as :mod:`app.kernel.record_labels` declares it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from enum import Enum
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.features.privacy.services.subject_access_pack import (
    Record,
    SubjectAccessPack,
    section_table,
)
from app.features.reports.services import fonts
from app.kernel.i18n import N_, _, ngettext, thread_language
from app.kernel.labels import audit_action_label, audit_fields_label, label, record_type_label
from app.kernel.record_labels import field_label
from app.kernel.record_types import Kind
from app.kernel.records import field_kind, section_title
from app.security.permissions import pure

_MAX_CELL = 4000  # characters of one value shown in the PDF (the JSON has all of it)

REASONS: dict[str, str] = {
    "family_member": N_("a family member's details"),
    "other_person": N_("another person's details"),
    "name_in_text": N_("another person's name in the text"),
}
#: Kinds of field the PDF leaves to the JSON: ids of linked records (the record's place in the
#: pack says it) and technical details.
_JSON_ONLY = {Kind.LINK, Kind.DETAIL}


def _label(section: str, field: str) -> str:
    """The field's label as :mod:`app.kernel.record_labels` declares it (a test checks every one)."""
    return field_label(section_table(section), field)


def _json_only(section: str, field: str) -> bool:
    return field_kind(section_table(section), field) in _JSON_ONLY


def _event_value(field: str, value: Any, entity: str | None) -> Any:
    if field == "action":
        return audit_action_label(value)
    if field == "entity_type":
        return record_type_label(value)
    if field == "fields" and isinstance(value, str):
        return audit_fields_label(entity, [f for f in value.split(",") if f])
    return value


def _value(value: Any) -> str:
    if value is None or value == "":
        return ""
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, Enum):
        return label(value)
    text = str(value)
    return (
        text
        if len(text) <= _MAX_CELL
        else text[:_MAX_CELL] + " … " + _("(continued in the JSON file)")
    )


@pure
def pack_lines(pack: SubjectAccessPack, language: str) -> list[str]:
    """Every text the PDF shows, in order (tests read this instead of parsing the PDF)."""
    with thread_language(language):
        return [text for text, _style in _lines(pack)]


def _lines(pack: SubjectAccessPack) -> Iterator[tuple[str, str]]:
    """(text, style) pairs: ``title``, ``h1``, ``h2``, ``body``, ``review``, ``field:<label>``."""
    yield _("Subject access pack"), "title"
    yield pack.person_name, "h1"
    if pack.organisation:
        yield _("Held by {organisation}").format(organisation=pack.organisation), "body"
    yield (
        _("Prepared {when} (UTC)").format(when=pack.generated_at.strftime("%Y-%m-%d %H:%M")),
        "body",
    )
    yield _("For the coordinator: review before release"), "h2"
    if pack.review:
        yield (
            ngettext(
                "{n} item below is about someone else. Check it, redact what the person may not "
                "see, and remove this page before the pack is sent.",
                "{n} items below are about someone else. Check them, redact what the person may "
                "not see, and remove this page before the pack is sent.",
                len(pack.review),
            ).format(n=len(pack.review)),
            "body",
        )
        for item in pack.review:
            title = _(section_title(item.section))
            yield (
                _("{section}, {field}: {reason} — {name}").format(
                    section=title,
                    field=_label(item.section, item.field),
                    reason=_(REASONS.get(item.reason, item.reason)),
                    name=item.other_name,
                ),
                "review",
            )
    else:
        yield _("No other person's data was found. Read the pack once before it is sent."), "body"
    yield "", "pagebreak"
    flagged = {(i.record_id, i.field) for i in pack.review}
    for section, rows in pack.sections:
        if not rows:
            continue
        yield _(section_title(section)), "h2"
        for record in rows:
            yield from _record_lines(record, flagged)
            yield "", "record-end"


def _record_lines(record: Record, flagged: set[tuple[Any, str]]) -> Iterator[tuple[str, str]]:
    event = record.section == "audit_events"
    for field, value in record.values:
        if value is None or value == "" or _json_only(record.section, field):
            continue
        if event:  # what happened, to which record, which fields: as words
            value = _event_value(field, value, record.get("entity_type"))
        label = _label(record.section, field) + (" ⚑" if (record.id, field) in flagged else "")
        yield _value(value), "field:" + label


@pure
def render_pdf(pack: SubjectAccessPack, language: str) -> bytes:
    with thread_language(language):
        return _render(pack)


def _render(pack: SubjectAccessPack) -> bytes:
    fonts.register()
    regular, bold = fonts.REGULAR, fonts.BOLD
    base = getSampleStyleSheet()
    styles = {
        "title": ParagraphStyle("t", parent=base["Title"], fontName=bold, fontSize=18),
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontName=bold, fontSize=15),
        "h2": ParagraphStyle(
            "h2", parent=base["Heading2"], fontName=bold, fontSize=12, spaceBefore=8
        ),
        "body": ParagraphStyle(
            "b", parent=base["BodyText"], fontName=regular, fontSize=9.5, leading=12
        ),
        "review": ParagraphStyle(
            "r",
            parent=base["BodyText"],
            fontName=regular,
            fontSize=9,
            leading=11.5,
            leftIndent=10,
            bulletIndent=0,
            bulletFontName=regular,
            textColor=colors.HexColor("#7a3b00"),
        ),
        "cell": ParagraphStyle(
            "c", parent=base["BodyText"], fontName=regular, fontSize=8.5, leading=10.5
        ),
        "label": ParagraphStyle(
            "l", parent=base["BodyText"], fontName=bold, fontSize=8.5, leading=10.5
        ),
    }
    story: list[Flowable] = []
    rows: list[list[Paragraph]] = []

    def flush() -> None:
        if rows:
            table = Table(rows, colWidths=[42 * mm, 128 * mm], hAlign="LEFT")
            table.setStyle(
                TableStyle(
                    [
                        fonts.TABLE_FONT,
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LINEBELOW", (0, -1), (-1, -1), 0.4, colors.HexColor("#bbbbbb")),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                        ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ]
                )
            )
            story.extend([table, Spacer(1, 3 * mm)])
            rows.clear()

    for text, style in _lines(pack):
        if style.startswith("field:"):
            rows.append(
                [
                    Paragraph(escape(style[6:]), styles["label"]),
                    Paragraph(escape(text).replace("\n", "<br/>"), styles["cell"]),
                ]
            )
            continue
        flush()
        if style == "pagebreak":
            story.append(PageBreak())
        elif style == "review":
            story.append(Paragraph(escape(text), styles["review"], bulletText="⚑"))
        elif style != "record-end":
            story.append(Paragraph(escape(text), styles[style]))
    flush()

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.drawString(20 * mm, 10 * mm, _("Confidential — personal data (GDPR Art. 15)"))
        canvas.drawRightString(190 * mm, 10 * mm, _("Page {n}").format(n=doc.page))
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=_("Subject access pack"),
        author=pack.organisation,
        invariant=True,
        **fonts.document_options(),
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
