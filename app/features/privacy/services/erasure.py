"""Erasure (GDPR Art. 17): a person, and everything that is only theirs, removed for good.

Two steps, for two confirmations: :func:`preview_erasure` lists what will go (counts per
table, the relatives who go with them, the cases that become anonymous stubs, other records
that mention the name) and a ``token``; :func:`erase_person` needs that token and refuses if
anything changed since the preview. What stays is what the quarterly summary counts, as
anonymous stubs (see :mod:`.anonymise`), so past summaries do not change. The result is a
receipt — what was erased, when, by whom — that holds no erased data.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.features.privacy.services import anonymise
from app.kernel.changes import Topic, writes
from app.kernel.errors import NotFoundError, ValidationError
from app.kernel.i18n import _
from app.kernel.i18n_formats import number
from app.kernel.records import count_wording, receipt_lines
from app.models import Case, ErasureReceipt, Person, User
from app.security.permissions import Permission, internal, pure, requires
from app.services.audit_log import AuditAction, log
from app.services.context import ServiceContext
from app.services.jobs import CancelFlag, Progress, Steps
from app.store.files import atomic_write


@dataclass(frozen=True)
class PersonRef:
    id: uuid.UUID
    name: str
    birth: str  # the date or year of birth as shown to the coordinator, or ""


@dataclass(frozen=True)
class ErasurePreview:
    person: PersonRef
    #: Relatives linked to nobody else and without a case of their own: erased too.
    also_erased: tuple[PersonRef, ...]
    #: References of the cases that become anonymous stubs.
    cases: tuple[str, ...]
    #: Rows removed or emptied, per table (``audit_links``: events that lose their link).
    counts: tuple[tuple[str, int], ...]
    #: Other records whose free text names the person (the name is replaced by "[…]").
    mentions: int
    #: Give this to :func:`erase_person`: it proves the preview was seen and is current.
    token: str


@dataclass(frozen=True)
class Receipt:
    """What an erasure or anonymisation removed. No names, no removed values."""

    id: uuid.UUID
    action: str  # "erase" or "anonymise"
    occurred_at: datetime
    by: str  # the coordinator's display name
    counts: tuple[tuple[str, int], ...]

    def count(self, table: str) -> int:
        return dict(self.counts).get(table, 0)


def _ref(person: Person) -> PersonRef:
    if person.birth_date is not None:
        birth = person.birth_date.isoformat()
    elif person.birth_year_estimate is not None:
        birth = str(person.birth_year_estimate)
    else:
        birth = ""
    return PersonRef(person.id, f"{person.given_name} {person.family_name}".strip(), birth)


def _plan(session: Session, person_id: uuid.UUID) -> tuple[Person, anonymise.Plan]:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFoundError(_("That person no longer exists."))
    if person.anonymised_at is not None:
        raise ValidationError({"person": _("This person's data was already erased.")})
    cases = set(session.scalars(select(Case.id).where(Case.client_id == person_id)))
    relatives = anonymise.only_theirs(session, {person_id}, cases)
    people = (person_id, *sorted(relatives))
    return person, anonymise.Plan(people, tuple(sorted(cases)))


def _preview(
    session: Session, person_id: uuid.UUID
) -> tuple[ErasurePreview, list[anonymise.Mention]]:
    person, plan = _plan(session, person_id)
    counts = anonymise.count(session, plan)
    mentions = anonymise.find_mentions(session, person.given_name, person.family_name, plan)
    references = tuple(
        session.scalars(
            select(Case.reference).where(Case.id.in_(plan.cases)).order_by(Case.reference)
        )
    )
    others = [session.get(Person, pid) for pid in plan.people[1:]]
    stamps = [
        *session.execute(select(Person.id, Person.updated_at).where(Person.id.in_(plan.people))),
        *session.execute(select(Case.id, Case.updated_at).where(Case.id.in_(plan.cases))),
    ]
    fingerprint = json.dumps(
        {
            "people": sorted(f"{i.hex}:{t.isoformat()}" for i, t in stamps),
            # Audit links are left out: viewing the person (an audit event) changes nothing
            # that erasure would remove.
            "counts": sorted((k, v) for k, v in counts.items() if k != "audit_links"),
            "mentions": sorted(f"{m.table}:{m.record_id.hex}:{m.column}" for m in mentions),
        }
    )
    preview = ErasurePreview(
        person=_ref(person),
        also_erased=tuple(_ref(p) for p in others if p is not None),
        cases=references,
        counts=tuple(sorted(counts.items())),
        mentions=len(mentions),
        token=hashlib.sha256(fingerprint.encode()).hexdigest(),
    )
    return preview, mentions


@requires(Permission.GDPR)
def preview_erasure(ctx: ServiceContext, person_id: uuid.UUID) -> ErasurePreview:
    with ctx.uow() as uow:
        return _preview(uow.session, person_id)[0]


@requires(Permission.GDPR)
@writes(Topic.PEOPLE, Topic.CASES)
def erase_person(
    ctx: ServiceContext,
    person_id: uuid.UUID,
    *,
    token: str,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> Receipt:
    """Erase what :func:`preview_erasure` listed, if nothing changed since (same ``token``).

    One transaction; then the file is rewritten so the bytes are gone. Audited as ``erase``
    with no link to the person.
    """
    steps = Steps(progress, cancel)
    actor = ctx.require_actor()
    steps.at(_("Checking what will be erased"), 0.05)
    with ctx.uow(write=True) as uow:
        session = uow.session
        preview, mentions = _preview(session, person_id)
        if preview.token != token:
            raise ValidationError(
                {"token": _("The data changed since the preview. Look at the preview again.")}
            )
        person = session.get(Person, person_id)
        assert person is not None
        given, family = person.given_name, person.family_name
        _person, plan = _plan(session, person_id)
        steps.at(_("Erasing"), 0.2)
        redacted = anonymise.redact_mentions(session, mentions, given, family)
        anonymise.apply(session, plan)
        counts = dict(preview.counts)
        counts["mentions"] = redacted
        receipt = anonymise.record_receipt(session, ctx, "erase", counts)
        log(uow, ctx, AuditAction.ERASE, entity_type="erasure_receipt", entity_id=receipt.id)
        steps.at(_("Erasing"), 0.5)  # the last moment a cancel still rolls everything back
        uow.commit()
        result = receipt_from_row(receipt, actor.display_name)
    steps.report(_("Removing the erased data from the file"), 0.7)
    anonymise.purge_free_pages(ctx)
    steps.report(_("Erased"), 1.0)
    return result


@internal
def receipt_from_row(row: ErasureReceipt, by: str) -> Receipt:
    return Receipt(
        id=row.id,
        action=row.action,
        occurred_at=row.occurred_at,
        by=by,
        counts=tuple(sorted(json.loads(row.counts).items())),
    )


@requires(Permission.GDPR)
def list_receipts(ctx: ServiceContext, *, limit: int = 200) -> list[Receipt]:
    """Past erasures and anonymisations, newest first."""
    with ctx.uow() as uow:
        rows = uow.session.execute(
            select(ErasureReceipt, User.display_name)
            .outerjoin(User, User.id == ErasureReceipt.user_id)
            .order_by(ErasureReceipt.occurred_at.desc())
            .limit(limit)
        ).all()
        return [receipt_from_row(row, name or "") for row, name in rows]


#: The receipt's lines, in the order they are printed: the tables erasure touches (counted
#: in their declaration's words, :mod:`app.kernel.record_labels`), then what is not a table.
RECEIPT_ORDER = receipt_lines()


@pure
def count_label(table: str, n: int) -> str:
    return count_wording(table)(n).format(n=number(n))


@pure
def receipt_text(receipt: Receipt, organisation: str = "") -> str:
    """The receipt as plain text: what, when, by whom; never the erased data."""
    title = _("Erasure receipt") if receipt.action == "erase" else _("Anonymisation receipt")
    lines = [title, "=" * len(title), ""]
    if organisation:
        lines.append(_("Organisation: {name}").format(name=organisation))
    lines += [
        _("Receipt number: {id}").format(id=receipt.id),
        _("Carried out: {when} (UTC)").format(when=receipt.occurred_at.strftime("%Y-%m-%d %H:%M")),
        _("Carried out by: {name}").format(name=receipt.by),
        "",
        _("Removed or emptied:"),
    ]
    for table in RECEIPT_ORDER:
        n = receipt.count(table)
        if n:
            lines.append("  - " + count_label(table, n))
    lines += [
        "",
        _(
            "Anonymous counting stubs (kind, status, dates, gender, quarter of birth, "
            "nationality) "
            "were kept so that earlier statistics stay correct. The database file was "
            "rewritten so the removed data no longer exists in it. Backups made before "
            "{date} still hold the data until they are removed by the backup schedule."
        ).format(date=receipt.occurred_at.strftime("%Y-%m-%d")),
    ]
    return "\n".join(lines) + "\n"


@pure
def save_receipt(receipt: Receipt, path: Path, organisation: str = "") -> None:
    """Write the receipt as a text file (atomically)."""
    atomic_write(Path(path), receipt_text(receipt, organisation).encode("utf-8"), mode=0o644)
