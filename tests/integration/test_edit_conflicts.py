"""Two people, one record (issue 20 §5): an edit carries the record as its form opened it; a
colleague's save in between is kept, a field both changed stops the save with who, when and
both values, and nothing is written. Two signed-in contexts on one workspace, both engines."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from app.features.admin.services import users
from app.features.cases.services import cases, needs, tasks
from app.features.consent.services import consent, referrals
from app.features.directory.services import directory
from app.features.foreign.services import foreign
from app.features.people.services import people
from app.features.release.services import release_plans
from app.features.visits.services import visit_queries, visit_records
from app.kernel.errors import EditConflict
from app.models.enums import (
    CaseKind,
    ConsentScope,
    ConsularOutcome,
    ContactChannel,
    CustodyStatus,
    InstitutionKind,
    LegalBasis,
    NeedDomain,
    OrganisationType,
    Priority,
    ReferralStatus,
    Role,
    TransportSupport,
)
from app.services import workspace as ws
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace, NewUser
from tests.integration.helpers.casework import case_for, client
from tests.integration.test_visits import book, family

pytestmark = pytest.mark.engines

TODAY = date.today()


@pytest.fixture
def ola(workspace: CreatedWorkspace, ctx: ServiceContext) -> Iterator[ServiceContext]:
    """A second worker, Ola Hansen, signed in to the same workspace."""
    users.add_user(ctx, NewUser("ola", "Ola Hansen", Role.COORDINATOR, "temporary-1"))
    other = ws.unlock(workspace.folder, "ola", "temporary-1")
    users.change_own_password(other, "temporary-1", "Ola's own secret")
    yield other
    other.lock()


def _input(view: cases.CaseView, **changes: object) -> cases.CaseInput:
    names = [f.name for f in dataclasses.fields(cases.CaseInput)]
    return dataclasses.replace(
        cases.CaseInput(**{n: getattr(view, n) for n in names}),  # type: ignore[arg-type]
        **changes,  # type: ignore[arg-type]
    )


def test_case_edit_conflict_names_them_keeps_both_and_writes_nothing(
    ctx: ServiceContext, ola: ServiceContext
) -> None:
    case = case_for(ctx, client(ctx).id)
    mine = cases.get_case(ctx, case.id)  # A opens the form
    theirs = cases.get_case(ola, case.id)  # B opens it too …
    cases.update_case(  # … and saves first: a summary and the custody status
        ola,
        case.id,
        _input(theirs, summary="Ola's notes", custody_status=CustodyStatus.REMAND),
        base=theirs,
    )
    typed = _input(mine, summary="My notes", priority=Priority.HIGH)
    with pytest.raises(EditConflict) as caught:
        cases.update_case(ctx, case.id, typed, base=mine)
    conflict = caught.value
    assert conflict.changed_by == "Ola Hansen"
    assert str(conflict).startswith("Changed by Ola Hansen at ")
    assert [(f.name, f.theirs, f.yours) for f in conflict.fields] == [
        ("summary", "Ola's notes", "My notes")
    ]
    assert "Ola's notes" not in str(conflict) and "My notes" not in repr(conflict.fields)
    stored = cases.get_case(ctx, case.id)
    assert (stored.summary, stored.priority) == ("Ola's notes", Priority.NORMAL)  # nothing

    # A keeps editing on the new base: their typed values win where both changed, Ola's
    # custody status (which A never touched) stays.
    saved = cases.update_case(ctx, case.id, typed, base=conflict.base)
    assert (saved.summary, saved.priority, saved.custody_status) == (
        "My notes",
        Priority.HIGH,
        CustodyStatus.REMAND,
    )

    # Fields changed on one side only merge without a conflict, whoever saves first.
    mine = cases.get_case(ctx, case.id)
    theirs = cases.get_case(ola, case.id)
    cases.update_case(ola, case.id, _input(theirs, summary="Ola again"), base=theirs)
    saved = cases.update_case(
        ctx, case.id, _input(mine, expected_release=date(2026, 5, 1)), base=mine
    )
    assert (saved.summary, saved.expected_release) == ("Ola again", date(2026, 5, 1))


@dataclass
class Record:
    """One editable record: how a form opens it, how a save with ``base`` writes ``value``
    into its field, and what is stored now."""

    name: str
    open: Callable[[ServiceContext], Any]
    save: Callable[[ServiceContext, Any, Any], Any]
    stored: Callable[[], Any]
    theirs: Any
    mine: Any


def _records(ctx: ServiceContext) -> list[Record]:
    """Every kind of record a dialog edits, made by ``ctx`` on one foreign-inmate case."""
    person = client(ctx)
    case = case_for(ctx, person.id, kind=CaseKind.FOREIGN_INMATE)
    task = tasks.create_task(ctx, tasks.TaskInput(title="Call NAV", case_id=case.id))
    need = needs.add_need(ctx, case.id, NeedDomain.HOUSING)
    prison = directory.save_institution(
        ctx, directory.InstitutionInput(name="Bredtveit", kind=InstitutionKind.PRISON)
    )
    nav = directory.save_organisation(
        ctx, directory.OrganisationInput(name="NAV Oslo", type=OrganisationType.WELFARE_OFFICE)
    )
    report = foreign.add_discrimination_report(ctx, case.id, TODAY, "Refused a phone call")
    for scope in (ConsentScope.CONSULAR_CONTACT, ConsentScope.SHARING_WITH_PARTNERS):
        consent.record_consent(ctx, person.id, scope, LegalBasis.CONSENT, TODAY)
    contact = foreign.log_consular_contact(ctx, case.id, "RO", TODAY, ContactChannel.PHONE)
    referral = referrals.send_referral(ctx, referrals.create_referral(ctx, case.id, nav.id).id)
    f = family(ctx)
    visit = book(ctx, f, accompanying_adult_id=f.carer)

    def case_view(c: ServiceContext) -> cases.CaseView:
        return cases.get_case(c, case.id)

    return [
        Record(
            "person",
            lambda c: people.get_person(c, person.id),
            lambda c, base, value: people.update_person(
                c, person.id, dataclasses.replace(_person(base), phone=value), base=base
            ),
            lambda: people.get_person(ctx, person.id).phone,
            "+47 1",
            "+47 2",
        ),
        Record(
            "task",
            lambda c: task,
            lambda c, base, value: tasks.update_task(
                c, task.id, tasks.TaskInput(title=value, case_id=case.id), base=base
            ),
            lambda: tasks.list_case_tasks(ctx, case.id)[0].title,
            "Call NAV today",
            "Call NAV tomorrow",
        ),
        Record(
            "need",
            lambda c: need,
            lambda c, base, value: needs.update_need_notes(c, need.id, value, base=base),
            lambda: needs.list_case_needs(ctx, case.id)[0].notes,
            "Has a room",
            "Needs a room",
        ),
        Record(
            "institution",
            lambda c: prison,
            lambda c, base, value: directory.save_institution(
                c,
                directory.InstitutionInput(
                    name="Bredtveit", kind=InstitutionKind.PRISON, visiting_info=value
                ),
                prison.id,
                base=base,
            ),
            lambda: directory.list_institutions(ctx)[0].visiting_info,
            "Saturdays",
            "Sundays",
        ),
        Record(
            "organisation",
            lambda c: nav,
            lambda c, base, value: directory.save_organisation(
                c,
                directory.OrganisationInput(
                    name="NAV Oslo", type=OrganisationType.WELFARE_OFFICE, phone=value
                ),
                nav.id,
                base=base,
            ),
            lambda: directory.list_organisations(ctx)[0].phone,
            "55 55",
            "66 66",
        ),
        Record(
            "interpreter",
            lambda c: foreign.interpreter_info(c, case.id),
            lambda c, base, value: foreign.set_interpreter_needs(
                c, case.id, value, True, base=base
            ),
            lambda: foreign.interpreter_info(ctx, case.id).languages,
            ("ro",),
            ("ru",),
        ),
        Record(
            "discrimination",
            lambda c: report,
            lambda c, base, value: foreign.set_discrimination_outcome(
                c, report.id, value, base=base
            ),
            lambda: foreign.list_discrimination_reports(ctx, case.id)[0].outcome,
            "Apology",
            "Complaint upheld",
        ),
        Record(
            "consular",
            lambda c: contact,
            lambda c, base, value: foreign.set_consular_outcome(c, contact.id, value, base=base),
            lambda: foreign.list_consular_contacts(ctx, case.id)[0].outcome,
            ConsularOutcome.ASSISTANCE_GIVEN,
            ConsularOutcome.DECLINED,
        ),
        Record(
            "referral",
            lambda c: referral,
            lambda c, base, value: referrals.record_referral_response(
                c, referral.id, value, base=base
            ),
            lambda: referrals.list_case_referrals(ctx, case.id)[0].status,
            ReferralStatus.ACCEPTED,
            ReferralStatus.DECLINED,
        ),
        Record(
            "release date",
            lambda c: release_plans.ReleaseDate(case_view(c).expected_release),
            lambda c, base, value: release_plans.move_release_date(c, case.id, value, base=base),
            lambda: case_view(ctx).expected_release,
            TODAY + timedelta(days=30),
            TODAY + timedelta(days=60),
        ),
        Record(
            "visit",
            lambda c: visit_queries.list_case_visits(c, f.case.id)[0],
            lambda c, base, value: visit_records.set_transport(
                c, visit.id, TransportSupport.TICKET, value, base=base
            ),
            lambda: visit_queries.list_case_visits(ctx, f.case.id)[0].transport_amount_minor,
            10_000,
            20_000,
        ),
    ]


def _person(view: people.PersonView) -> people.PersonInput:
    names = [f.name for f in dataclasses.fields(people.PersonInput)]
    return people.PersonInput(**{n: getattr(view, n) for n in names})


def test_every_edited_record_refuses_a_silent_overwrite(
    ctx: ServiceContext, ola: ServiceContext
) -> None:
    """For each record: A opens, Ola opens and saves, A saves → a conflict naming Ola with
    both values and nothing written; A saves again on the conflict's base → A's value."""
    records = _records(ctx)
    for record in records:
        mine, theirs = record.open(ctx), record.open(ola)
        record.save(ola, theirs, record.theirs)
        with pytest.raises(EditConflict) as caught:
            record.save(ctx, mine, record.mine)
        conflict = caught.value
        assert conflict.changed_by == "Ola Hansen", record.name
        assert len(conflict.fields) == 1 and conflict.fields[0].theirs != conflict.fields[0].yours
        assert record.stored() == record.theirs, record.name  # nothing written
        record.save(ctx, conflict.base, record.mine)
        assert record.stored() == record.mine, record.name
    assert len(records) == 11
