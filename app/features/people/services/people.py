"""People: create, read, update and list. Returns frozen read models, never ORM objects."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import date, datetime

from sqlalchemy import or_, select

from app.kernel.changes import Topic, writes
from app.kernel.errors import NotFoundError, ValidationError
from app.kernel.field_labels import PERSON_FORM
from app.kernel.i18n import _
from app.models import Person
from app.models.enums import Gender
from app.security.permissions import Permission, pure, requires
from app.services import validation as v
from app.services.audit_log import AuditAction, log
from app.services.context import Actor, ServiceContext
from app.services.edits import merge_edit
from app.services.scope import visible_people_clause
from app.store import search


@dataclass(frozen=True)
class PersonInput:
    """What a form or an import supplies. Codes: ISO 3166 countries, ISO 639 languages."""

    given_name: str
    family_name: str
    preferred_name: str | None = None
    birth_date: date | None = None
    birth_year_estimate: int | None = None
    gender: Gender = Gender.UNKNOWN
    nationality: str | None = None
    country_of_origin: str | None = None
    languages: tuple[str, ...] = ()
    interpreter_needed: bool = False
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    national_id: str | None = None
    notes: str | None = None


@dataclass(frozen=True, kw_only=True)
class PersonView(PersonInput):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    #: True when restricted fields were left out because of the reader's role.
    restricted_hidden: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


@dataclass(frozen=True)
class PersonRow:
    id: uuid.UUID
    given_name: str
    family_name: str
    birth_date: date | None
    birth_year_estimate: int | None
    nationality: str | None


_INPUT_FIELDS = tuple(f.name for f in fields(PersonInput))


@pure
def validate_person(data: PersonInput, today: date | None = None) -> None:
    today = today or date.today()
    errors = v.Errors()
    errors.add("given_name", v.required_text(data.given_name))
    errors.add("family_name", v.required_text(data.family_name))
    errors.add("preferred_name", v.text_limit(data.preferred_name, limit=v.NAME_MAX))
    errors.add(
        "birth_date",
        v.not_future(data.birth_date, today, _("The date of birth is in the future.")),
    )
    if data.birth_date is not None and data.birth_date.year < 1900:
        errors.add("birth_date", _("The date of birth is before 1900. Check the year."))
    if data.birth_year_estimate is not None and not (
        1900 <= data.birth_year_estimate <= today.year
    ):
        errors.add(
            "birth_year_estimate",
            _("The estimated birth year must be between 1900 and this year."),
        )
    errors.add("nationality", v.country_code(data.nationality))
    errors.add("country_of_origin", v.country_code(data.country_of_origin))
    errors.add("languages", v.language_codes(data.languages))
    for name in ("phone", "email", "national_id"):
        errors.add(name, v.text_limit(getattr(data, name), limit=v.NAME_MAX))
    if data.email and "@" not in data.email:
        errors.add("email", _("This does not look like an e-mail address."))
    errors.add("address", v.text_limit(data.address, limit=v.SHORT_TEXT_MAX * 4))
    errors.add("notes", v.text_limit(data.notes))
    if errors:
        raise ValidationError(errors)


def _row_values(data: PersonInput) -> dict[str, object]:
    values: dict[str, object] = {name: getattr(data, name) for name in _INPUT_FIELDS}
    for name in ("preferred_name", "phone", "email", "address", "national_id", "notes"):
        values[name] = v.clean(values[name])  # type: ignore[arg-type]
    values["given_name"] = data.given_name.strip()
    values["family_name"] = data.family_name.strip()
    values["languages"] = ",".join(dict.fromkeys(data.languages))
    return values


#: Left out for volunteers (DESIGN.md §4): national ID, and notes written by staff.
RESTRICTED_PERSON_FIELDS = ("national_id", "notes")


def _view(person: Person, reader: Actor | None = None) -> PersonView:
    values = {name: getattr(person, name) for name in _INPUT_FIELDS}
    values["languages"] = tuple(code for code in person.languages.split(",") if code)
    hidden = reader is not None and reader.is_volunteer
    if hidden:
        for name in RESTRICTED_PERSON_FIELDS:
            values[name] = None
    return PersonView(
        **values,
        id=person.id,
        created_at=person.created_at,
        updated_at=person.updated_at,
        restricted_hidden=hidden,
    )


@requires(Permission.CASE_WRITE)
@writes(Topic.PEOPLE)
def create_person(ctx: ServiceContext, data: PersonInput) -> PersonView:
    validate_person(data)
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        values = _row_values(data)
        person = Person(**values, created_by=actor.id)
        uow.session.add(person)
        uow.session.flush()
        filled = [name for name, value in values.items() if value not in (None, "", False)]
        log(
            uow,
            ctx,
            AuditAction.CREATE,
            entity_type="person",
            entity_id=person.id,
            fields=filled,
            person_id=person.id,
        )
        uow.commit()
        return _view(person)


@requires(Permission.CASE_READ)
def get_person(ctx: ServiceContext, person_id: uuid.UUID) -> PersonView:
    actor = ctx.require_actor()
    with ctx.uow() as uow:
        stmt = select(Person).where(Person.id == person_id, visible_people_clause(actor))
        person = uow.session.scalar(stmt)
        if person is None:
            raise NotFoundError(_("That person no longer exists."))
        return _view(person, actor)


@requires(Permission.CASE_WRITE)
@writes(Topic.PEOPLE)
def update_person(
    ctx: ServiceContext, person_id: uuid.UUID, data: PersonInput, *, base: PersonView | None = None
) -> PersonView:
    """Replace the editable fields. Returns the new view; unchanged input writes nothing.

    ``base``: the person as the form showed them when it opened; a field someone else changed
    since is kept, or raises :class:`~app.kernel.errors.EditConflict` if this edit changes it
    too (:mod:`app.services.edits`)."""
    validate_person(data)
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        person = uow.session.get(Person, person_id)
        if person is None:
            raise NotFoundError(_("That person no longer exists."))
        values = merge_edit(
            uow.session,
            person,
            base=base,
            base_values=_row_values(base) if base is not None else None,
            typed=_row_values(data),
            table="people",
            entity_type="person",
            current=lambda: _view(person, actor),
            labels=PERSON_FORM,
        )
        changed = [n for n, value in values.items() if getattr(person, n) != value]
        for name in changed:
            setattr(person, name, values[name])
        if changed:
            uow.session.flush()
            search.refresh_cases(uow.session, "c.client_id = :id", {"id": person.id.hex})
            log(
                uow,
                ctx,
                AuditAction.UPDATE,
                entity_type="person",
                entity_id=person.id,
                fields=changed,
                person_id=person.id,
            )
        uow.commit()
        return _view(person)


@requires(Permission.CASE_READ)
def list_people(
    ctx: ServiceContext, text: str = "", *, offset: int = 0, limit: int = 100
) -> list[PersonRow]:
    """People by family name. ``text`` matches the start of a given or family name (at most
    :data:`~app.services.validation.SEARCH_TEXT_MAX` characters)."""
    v.search_text(text)
    actor = ctx.require_actor()
    stmt = select(
        Person.id,
        Person.given_name,
        Person.family_name,
        Person.birth_date,
        Person.birth_year_estimate,
        Person.nationality,
    )
    stmt = stmt.where(visible_people_clause(actor))
    if text.strip():
        pattern = search.prefix_pattern(text.strip())
        stmt = stmt.where(
            or_(
                search.folded(Person.given_name).like(pattern, escape="\\"),
                search.folded(Person.family_name).like(pattern, escape="\\"),
            )
        )
    stmt = (
        stmt.order_by(Person.family_name, Person.given_name, Person.id).offset(offset).limit(limit)
    )
    with ctx.uow() as uow:
        return [PersonRow(*row) for row in uow.session.execute(stmt)]
