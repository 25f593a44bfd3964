"""Booking a child visit: it opens at the prison's next visiting time, and "someone else"
with no name is refused (in the dialog, by the service)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from app.features.cases.ui.record_dialogs import when_of
from app.features.visits.services import visit_queries, visits
from app.features.visits.ui.visits import RequestVisitDialog
from app.kernel.errors import ValidationError
from app.services.context import ServiceContext
from app.ui_kit.operations import SyncOperations
from tests.ui.test_visit_workflow import visit_case


def dialog_for(qtbot: Any, ctx: ServiceContext) -> RequestVisitDialog:
    case = visit_case(ctx)  # Ila prison: "Saturdays 10–14"
    info = visit_queries.booking_info(ctx, case.id)
    dialog = RequestVisitDialog(None, ctx, SyncOperations(), info)
    qtbot.addWidget(dialog, before_close_func=lambda d: setattr(d, "_dirty", False))
    dialog.show()
    return dialog


def test_the_booking_opens_at_the_next_visiting_time(qtbot: Any, ctx: ServiceContext) -> None:
    dialog = dialog_for(qtbot, ctx)
    start = when_of(dialog.when)
    assert start.weekday() == 5 and (start.hour, start.minute) == (10, 0)
    assert 0 < (start - datetime.now()).days < 8


def test_someone_else_without_a_name_is_refused(qtbot: Any, ctx: ServiceContext) -> None:
    dialog = dialog_for(qtbot, ctx)
    assert not dialog.adult_name.isEnabled()  # a relative is chosen: no name to type
    dialog.adult.setCurrentIndex(0)  # "someone else"
    assert dialog.adult_name.isEnabled()
    dialog.save()
    assert dialog.result_value is None
    error = dialog.form.errors["accompanying_adult_name"]
    assert error.isVisible() and "name of the adult" in error.text()
    qtbot.keyClicks(dialog.adult_name, "Maria Lungu")
    assert not error.isVisible()  # the message goes once the name is typed
    dialog.save()
    assert dialog.result_value is not None
    assert dialog.result_value.accompanying_adult_name == "Maria Lungu"


def test_the_service_refuses_a_visit_with_no_adult(ctx: ServiceContext) -> None:
    case = visit_case(ctx)
    info = visit_queries.booking_info(ctx, case.id)
    when = visiting_slots_next(info.visiting_info)
    with pytest.raises(ValidationError) as refused:
        visits.request_visit(ctx, visits.VisitRequest(case.id, info.children[0].id, when))
    assert "accompanying_adult_name" in refused.value.errors


def visiting_slots_next(info: str | None) -> datetime:
    from app.features.visits.services.visiting_slots import next_visiting_time

    return next_visiting_time(info, datetime.now())
