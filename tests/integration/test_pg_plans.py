"""On PostgreSQL every statement is planned for its values, prepared or not
(:data:`app.store.pg_engine.CUSTOM_PLANS`): the case search's best plan depends on what was
typed (the trigram index for three letters or more, the lines read in order for fewer)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.store.pg_engine import make_server_engine

pytestmark = pytest.mark.postgresql_only

SEARCH = "SELECT count(*) FROM case_search_index s WHERE s.text LIKE :pattern ESCAPE '\\'"


def test_a_statement_run_many_times_is_still_planned_for_each_value(
    store_engine: str, pg_url: str
) -> None:
    assert store_engine == "postgresql"
    engine = make_server_engine(pg_url)
    try:
        with engine.connect() as conn:
            for pattern in ["%s%", "%sa%", "%sae%", "%saet%"] * 3:
                conn.execute(text(SEARCH), {"pattern": pattern})
            # psycopg prepared it after five runs; the server kept the plans it made since
            generic, custom = conn.execute(
                text(
                    "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                    "WHERE statement LIKE '%case_search_index s WHERE s.text LIKE%'"
                )
            ).one()
    finally:
        engine.dispose()
    assert custom >= 6
    assert generic == 0
