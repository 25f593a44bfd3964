"""Fixtures of the integration tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.pg_cluster import Cluster
from tests.team_helpers import team_database


@pytest.fixture
def team_url(pg_cluster: Cluster) -> Iterator[str]:
    """A fresh, empty database for a team server (the superuser's URL over the socket); its
    database, logins and group roles are dropped afterwards (see tests/team_helpers.py)."""
    with team_database(pg_cluster) as url:
        yield url
