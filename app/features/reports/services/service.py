"""Anonymised summaries: the operations the Reports page and ``homeward report`` call.

Only coordinators may compute or export a summary (DESIGN.md §4). The GUI's flow:

1. ``summary = compute_summary(ctx, period)`` on the database worker (about a second for a
   large workspace; ``progress``/``cancel`` as in :mod:`app.services.jobs`);
2. ``view = preview(summary, language)`` — translated tables with hidden cells marked
   (:class:`~.layout.CellView` ``.suppressed``), pure, safe on any thread;
3. ``export_pdf(ctx, period, path, language)`` or ``export_csv(ctx, period, path)``: counts
   again (so the file matches the data at that moment), writes the file atomically, and
   records the export (who, when, parameters, SHA-256) with an audit event, in one
   transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.features.reports.services import build, csv_export, pdf, queries
from app.features.reports.services.assemble import Protected, protect_counts
from app.features.reports.services.figures import Summary
from app.features.reports.services.layout import ReportView
from app.features.reports.services.periods import Period, trend_quarters
from app.features.reports.services.published import EXPORT_AUDIT_FIELDS, PublishedSet, parse
from app.kernel.changes import writes
from app.kernel.errors import ValidationError
from app.kernel.i18n import LANGUAGES, _
from app.models import ExportRecord, User
from app.security.permissions import Permission, pure, requires
from app.services import settings, workspace_settings
from app.services.audit_log import AuditAction, log, trail_fingerprint
from app.services.context import ServiceContext
from app.services.jobs import CancelFlag, Progress, Steps
from app.services.workspace import organisation_name
from app.store.files import atomic_write

logger = logging.getLogger(__name__)

THRESHOLD_SETTING = settings.REPORT_THRESHOLD.key
MAX_THRESHOLD = settings.MAX_THRESHOLD
EXPORT_KIND = "anonymised_summary"


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: str
    sha256: str
    size: int
    export_id: uuid.UUID
    threshold: int
    suppressed: int


@dataclass(frozen=True)
class ExportRow:
    id: uuid.UUID
    exported_at: datetime
    username: str | None
    kind: str
    parameters: dict[str, Any]
    sha256: str


def _check_threshold(k: int) -> int:
    problem = settings.REPORT_THRESHOLD.problem(k)
    if problem is not None:
        raise ValidationError({"threshold": problem})
    return k


@requires(Permission.ANONYMISED_REPORT)
def report_threshold(ctx: ServiceContext) -> int:
    """The workspace's small-number threshold (default 5, never below 3)."""
    return settings.read(ctx, settings.REPORT_THRESHOLD)


@requires(Permission.ADMIN)
@writes()
def set_report_threshold(ctx: ServiceContext, k: int) -> None:
    _check_threshold(k)
    workspace_settings.save(ctx, {settings.REPORT_THRESHOLD: k})


def _earlier_sets(ctx: ServiceContext) -> list[PublishedSet]:
    """What earlier summary exports published, newest first (those that recorded it)."""
    with ctx.uow() as uow:
        texts = uow.session.scalars(
            select(ExportRecord.figure_set)
            .where(ExportRecord.kind == EXPORT_KIND, ExportRecord.figure_set.is_not(None))
            .order_by(ExportRecord.exported_at.desc())
        ).all()
    found: list[PublishedSet] = []
    seen: set[str] = set()
    for text in texts:
        if text is None or text in seen:  # a PDF and a CSV of the same figures: once
            continue
        seen.add(text)
        try:
            found.append(parse(text))
        except (ValueError, KeyError, TypeError):
            logger.warning("an export record's figure set could not be read")
    return found


def _steps(progress: Progress | None, cancel: CancelFlag | None) -> Steps:
    return Steps(progress, cancel, stopped=_("The report was cancelled; no file was written."))


def _summarise(
    ctx: ServiceContext, period: Period, threshold: int | None, steps: Steps, share: float
) -> Protected:
    k = report_threshold(ctx) if threshold is None else _check_threshold(threshold)
    trend = trend_quarters(period)
    done = [0]

    def tick() -> None:
        done[0] += 1
        steps.at(_("Counting…"), share * done[0] / (queries.STEPS + 1))

    steps.at(_("Counting…"), 0.0)
    # Counting reads about 76 MB at 100,000 cases: it fits in the connection's page cache
    # (app.store.engine.CACHE_KIB), so the PDF and CSV after a preview decrypt nothing again.
    with ctx.engine.connect() as conn:
        counts = queries.count_all(conn, period, trend, tick)
        conn.rollback()
    steps.at(_("Protecting small numbers…"), share * 0.95)
    protected = protect_counts(
        counts,
        threshold=k,
        organisation=organisation_name(ctx),
        produced_on=date.today(),
        earlier=_earlier_sets(ctx),
    )
    summary = protected.summary
    steps.at(_("Protecting small numbers…"), share)
    logger.info(
        "summary %s: %d figures, %d hidden",
        period.code,
        len(summary.figures),
        summary.suppressed_count,
    )
    return protected


@requires(Permission.ANONYMISED_REPORT)
def compute_summary(
    ctx: ServiceContext,
    period: Period,
    threshold: int | None = None,
    *,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> Summary:
    """Count and protect. The result holds only aggregates, already suppressed."""
    steps = _steps(progress, cancel)
    summary = _summarise(ctx, period, threshold, steps, 1.0).summary
    steps.at(_("Done"), 1.0)
    return summary


@pure
def preview(summary: Summary, language: str) -> ReportView:
    """The tables, headlines and notes as the PDF will show them, in ``language``."""
    return build.build_view(summary, language)


def _language(ctx: ServiceContext, language: str | None) -> str:
    chosen = language or ctx.require_actor().language
    if chosen not in LANGUAGES:
        raise ValidationError(
            {
                "language": _("Choose one of these languages: {codes}.").format(
                    codes=", ".join(LANGUAGES)
                )
            }
        )
    return chosen


def _target(out_path: Path) -> Path:
    path = Path(out_path).expanduser()
    if not path.parent.is_dir():
        raise ValidationError({"out": _("The folder for the report does not exist.")})
    if path.is_dir():
        raise ValidationError({"out": _("Give a file name for the report, not a folder.")})
    return path


def _save(
    ctx: ServiceContext,
    path: Path,
    data: bytes,
    *,
    protected: Protected,
    parameters: dict[str, Any],
    steps: Steps,
) -> ExportResult:
    """Write the file and record the export in one transaction: a file is left only when its
    record commits, and a record only when its file was written."""
    actor = ctx.require_actor()
    summary = protected.summary
    digest = hashlib.sha256(data).hexdigest()
    steps.at(_("Saving…"), 0.97)
    with ctx.uow(write=True) as uow:
        record = ExportRecord(
            user_id=actor.id,
            kind=EXPORT_KIND,
            parameters=json.dumps(parameters, sort_keys=True),
            file_sha256=digest,
            figure_set=protected.figure_set,
            created_by=actor.id,
        )
        uow.session.add(record)
        uow.session.flush()
        log(
            uow,
            ctx,
            AuditAction.EXPORT,
            entity_type="export_record",
            entity_id=record.id,
            fields=EXPORT_AUDIT_FIELDS,
        )
        atomic_write(path, data)
        try:
            uow.commit()
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        export_id = record.id
    steps.at(_("Done"), 1.0)
    logger.info(
        "exported summary %s (%s, %d bytes)", parameters["period"], parameters["format"], len(data)
    )
    return ExportResult(
        path=path,
        format=str(parameters["format"]),
        sha256=digest,
        size=len(data),
        export_id=export_id,
        threshold=summary.threshold,
        suppressed=summary.suppressed_count,
    )


def _parameters(summary: Summary, fmt: str, **extra: Any) -> dict[str, Any]:
    p = summary.period
    return {
        "period": p.code,
        "start": p.start.isoformat(),
        "end": p.end.isoformat(),
        "format": fmt,
        "threshold": summary.threshold,
        **extra,
    }


@requires(Permission.ANONYMISED_REPORT)
@writes()
def export_pdf(
    ctx: ServiceContext,
    period: Period,
    out_path: Path,
    language: str | None = None,
    *,
    threshold: int | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> ExportResult:
    """Write the PDF to ``out_path`` (replacing it) and record the export."""
    path = _target(out_path)
    lang = _language(ctx, language)
    steps = _steps(progress, cancel)
    protected = _summarise(ctx, period, threshold, steps, 0.5)
    summary = protected.summary
    view = replace(build.build_view(summary, lang), audit_anchor=trail_fingerprint(ctx))
    drawing = steps.scaled(_("Drawing the PDF…"), 0.55, 0.95)
    data = pdf.render(view, on_progress=drawing)
    steps.check()
    return _save(
        ctx,
        path,
        data,
        protected=protected,
        parameters=_parameters(summary, "pdf", language=lang),
        steps=steps,
    )


@requires(Permission.ANONYMISED_REPORT)
@writes()
def export_csv(
    ctx: ServiceContext,
    period: Period,
    out_path: Path,
    *,
    threshold: int | None = None,
    hxl: bool = False,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> ExportResult:
    """Write the tidy CSV (optionally with an HXL hashtag row) and record the export."""
    path = _target(out_path)
    steps = _steps(progress, cancel)
    protected = _summarise(ctx, period, threshold, steps, 0.8)
    summary = protected.summary
    data = csv_export.render(summary, hxl=hxl)
    steps.check()
    return _save(
        ctx,
        path,
        data,
        protected=protected,
        parameters=_parameters(summary, "csv", hxl=hxl),
        steps=steps,
    )


@requires(Permission.ANONYMISED_REPORT)
def list_exports(ctx: ServiceContext, *, limit: int = 50) -> list[ExportRow]:
    """Earlier summary exports, newest first (for the Reports page's history)."""
    with ctx.uow() as uow:
        rows = uow.session.execute(
            select(ExportRecord, User.username)
            .outerjoin(User, User.id == ExportRecord.user_id)
            .where(ExportRecord.kind == EXPORT_KIND)
            .order_by(ExportRecord.exported_at.desc())
            .limit(limit)
        ).all()
        return [
            ExportRow(
                id=record.id,
                exported_at=record.exported_at,
                username=username,
                kind=record.kind,
                parameters=json.loads(record.parameters),
                sha256=record.file_sha256,
            )
            for record, username in rows
        ]
