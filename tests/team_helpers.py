"""Team server databases for the tests, and the cluster-wide roles they leave behind.

PostgreSQL's roles belong to the whole cluster, not to a database: a team server's group roles
(``<db>_coordinator``, ``<db>_social_worker``, ``<db>_volunteer``) and its users' logins
(``coordinator``, ``worker``…) outlive its database. :func:`team_database` gives a fresh,
empty database and, when done, drops it and then every login of its groups and the groups
themselves, so the next test can make logins of the same names.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import make_url

from app.models.enums import Role
from app.services.team import ServerAddress
from tests.pg_cluster import Cluster


def group_roles(database: str) -> list[str]:
    return [f"{database}_{role.value}" for role in Role]


def drop_team_roles(cluster: Cluster, database: str) -> None:
    """Drop ``database`` (closing its connections), then the logins in its group roles and
    the group roles themselves."""
    from psycopg import sql

    groups = group_roles(database)
    with cluster._admin() as conn:
        members = [
            str(row[0])
            for row in conn.execute(
                "SELECT DISTINCT u.rolname FROM pg_auth_members m "
                "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member "
                "WHERE g.rolname = ANY(%s) AND NOT u.rolsuper",
                (groups,),
            )
        ]
    cluster.drop_database(database)
    with cluster._admin() as conn:
        for role in [*members, *groups]:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


@contextlib.contextmanager
def team_database(cluster: Cluster, *, template: str | None = None) -> Iterator[str]:
    """A fresh, empty database's URL (the superuser's, over the socket), a copy of
    ``template`` if given (the schema at head: :data:`tests.pg_cluster.TEMPLATE`); afterwards
    the database and every role a team server made for it are gone."""
    name = cluster.fresh_name()
    url = cluster.create_database(name, template=template)
    try:
        yield url
    finally:
        drop_team_roles(cluster, name)


def address_of(url: str) -> ServerAddress:
    """The team server's address (socket folder, port, database) from a test database's URL."""
    parsed = make_url(url)
    host = str(parsed.query.get("host") or parsed.host)
    port = int(str(parsed.query.get("port") or parsed.port or 5432))
    assert parsed.database is not None
    return ServerAddress(host=host, database=parsed.database, port=port)
