"""A search text is at most 200 characters: longer ones are refused with a plain message,
before any SQL is built (a 5 MB people search raised SQLite's OperationalError with the
statement in its message; a 5 MB case search took 5.7 s)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

import pytest

from app.features.cases.services import case_list, cases
from app.features.people.services import people
from app.kernel.errors import HomewardError
from app.models.enums import CaseKind
from app.services.context import ServiceContext
from app.services.validation import SEARCH_TEXT_MAX, SearchTextTooLongError

HUGE = "Popescu " * 655_360  # 5 MiB


@pytest.fixture
def client(ctx: ServiceContext) -> people.PersonView:
    person = people.create_person(ctx, people.PersonInput(given_name="Ana", family_name="Popescu"))
    cases.open_case(
        ctx,
        cases.CaseInput(
            kind=CaseKind.RELEASE_SUPPORT, client_id=person.id, opened_on=date(2026, 1, 5)
        ),
    )
    return person


SEARCHES: dict[str, Callable[[ServiceContext, str], object]] = {
    "people": lambda ctx, text: people.list_people(ctx, text),
    "case page": lambda ctx, text: case_list.first_page(ctx, case_list.CaseQuery(text=text)),
    "case list": lambda ctx, text: case_list.list_cases(ctx, case_list.CaseQuery(text=text)),
    "case count": lambda ctx, text: case_list.count_cases(ctx, case_list.CaseQuery(text=text)),
    "case ids": lambda ctx, text: case_list.case_ids(ctx, case_list.CaseQuery(text=text)),
}


@pytest.mark.parametrize("name", list(SEARCHES))
def test_a_5_mb_search_is_refused_at_once_with_a_plain_message(
    ctx: ServiceContext, client: people.PersonView, name: str
) -> None:
    started = time.perf_counter()
    with pytest.raises(SearchTextTooLongError) as refused:
        SEARCHES[name](ctx, HUGE)
    assert time.perf_counter() - started < 0.5
    assert isinstance(refused.value, HomewardError) and refused.value.exit_code == 2
    message = str(refused.value)
    assert message == "Search for at most 200 characters: a name, a reference or a place."
    assert "SELECT" not in message and "Popescu" not in message


@pytest.mark.parametrize("name", list(SEARCHES))
def test_a_search_of_exactly_the_limit_still_runs(
    ctx: ServiceContext, client: people.PersonView, name: str
) -> None:
    SEARCHES[name](ctx, "P" * SEARCH_TEXT_MAX)
    with pytest.raises(SearchTextTooLongError):
        SEARCHES[name](ctx, "P" * (SEARCH_TEXT_MAX + 1))
    # An ordinary search finds the client as before.
    assert [p.family_name for p in people.list_people(ctx, "Pop")] == ["Popescu"]
    assert case_list.count_cases(ctx, case_list.CaseQuery(text="popescu")) == 1
