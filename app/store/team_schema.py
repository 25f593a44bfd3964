"""The team server's own security (issue 20, DESIGN.md §4 and §9): what PostgreSQL itself
enforces, so that a user who connects with ``psql`` sees what Homeward would show them.

Every Homeward user is a PostgreSQL login role of their own (their user name, SCRAM-SHA-256)
in one of three group roles of the database (``<db>_coordinator``, ``<db>_social_worker``,
``<db>_volunteer``). :func:`install` (run by ``homeward server setup`` as the database's owner,
idempotent, in one transaction) makes:

- **Group roles and grants.** The database and its schema are closed to ``PUBLIC``; each group
  may connect. Coordinators hold the tables (audit rows read-only but for the links erasure
  cuts); social workers hold the case work but not the coordinator's tables (users, settings,
  exports, imports, erasure receipts, the audit log); volunteers hold no table at all.
- **Views in front of the tables**, one schema per group (``hw_staff``, ``hw_volunteer``),
  first on each login role's ``search_path``: a query names ``cases`` and reaches the view.
  The volunteer's views keep to the cases they are assigned to (as volunteer or worker) and
  the rows under them, and show each restricted field (:mod:`app.kernel.records`: offence,
  national ID, health needs, immigration and consular records, discrimination reports,
  attachments, other people's notes and wellbeing scores) as empty. The social worker's views
  show user names without sign-in times, the settings without the audit trail's, and only the
  audit events of cases (a case's history). The views belong to the owner (they read the
  tables with its rights, ``security_barrier`` keeps a crafted function from seeing filtered
  rows); what a volunteer may write goes through ``INSTEAD OF`` triggers that check the row is
  theirs (a meeting on their case, recorded by them; their own task; their case's last
  activity).
- **Row-level security** on what is one user's own: drafts, recently viewed cases and key
  slots (a user reads their own slot; coordinators manage all).
- **The audit trail** (:func:`audit_sql`): appended only through
  ``hw_team.audit_append``, a ``SECURITY DEFINER`` function that holds the MAC key (in
  ``hw_private``, which no user role can use). It computes the same chain the laptop's Python
  computes (:mod:`app.security.audit_chain`): HMAC-SHA256 from PostgreSQL's built-in
  ``sha256`` (the key's inner and outer pads are stored, so no extension is needed). The user
  of an event is the signed-in role's, never the client's say; triggers refuse any change to
  an event but erasure's cutting of its case and person links, and any deletion.
- **Accounts** (:func:`accounts_sql`): coordinators add, reset, deactivate and remove logins
  through ``SECURITY DEFINER`` functions that touch only this database's group members.

A login's password reaches the server only as a SCRAM verifier computed on the client.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql

from app.kernel import records
from app.models.base import Base
from app.models.enums import RESTRICTED_NEED_DOMAINS, Role
from app.security.audit_chain import HEAD_SETTING, MAX_LABEL, MESSAGE_VERSION
from app.store.adapters import WRITE_LOCK_KEY

TEAM = "hw_team"  # functions and key slots: every group may use it
PRIVATE = "hw_private"  # the audit keys: nobody but the owner
STAFF_VIEWS = "hw_staff"
VOLUNTEER_VIEWS = "hw_volunteer"
#: The settings row that holds the laptop's audit secret: never on a team server.
AUDIT_SECRET_SETTING = "audit_secret"  # noqa: S105 - a setting's name

_DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class Groups:
    """The group roles of one database."""

    database: str

    def of(self, role: Role) -> str:
        return f"{self.database}_{role.value}"

    @property
    def coordinator(self) -> str:
        return self.of(Role.COORDINATOR)

    @property
    def social_worker(self) -> str:
        return self.of(Role.SOCIAL_WORKER)

    @property
    def volunteer(self) -> str:
        return self.of(Role.VOLUNTEER)

    @property
    def all(self) -> tuple[str, str, str]:
        return self.coordinator, self.social_worker, self.volunteer

    def search_path(self, role: Role) -> str:
        views = {Role.SOCIAL_WORKER: STAFF_VIEWS, Role.VOLUNTEER: VOLUNTEER_VIEWS}.get(role)
        return f"{views}, public" if views else "public"


def tables() -> dict[str, Table]:
    return {t.name: t for t in Base.metadata.sorted_tables}


# --- who is signed in -----------------------------------------------------------------------

ME = "(SELECT hw_team.me())"
MY_CASES = f"(SELECT c.id FROM public.cases c WHERE c.volunteer_id = {ME} OR c.worker_id = {ME})"
MY_PEOPLE = (
    f"(SELECT c.client_id FROM public.cases c WHERE c.volunteer_id = {ME} OR c.worker_id = {ME})"
)
NOTHING = "false"
_HEALTH = ", ".join(literal(d.value) for d in sorted(RESTRICTED_NEED_DOMAINS))


@dataclass(frozen=True)
class ViewSpec:
    """A group's view of one table: its rows (SQL on the table's columns, ``None``: all),
    the columns shown empty (always, or when ``masked_unless`` is false for the row)."""

    rows: str | None = None
    masked: tuple[str, ...] = ()
    masked_unless: str | None = None


@dataclass(frozen=True)
class Writes:
    """What a volunteer may write through a view: a check per operation (SQL on ``NEW`` or
    ``OLD``; ``None``: not allowed) and, for an update, the columns it may change."""

    insert: str | None = None
    update: str | None = None
    delete: str | None = None
    columns: tuple[str, ...] | None = None  # ``None``: every column


def _restricted(table: str, extra: Iterable[str] = ()) -> tuple[str, ...]:
    declared = records.restricted_fields(table)
    columns = [c.name for c in tables()[table].columns]
    names = columns if "*" in declared else [*declared, *extra]
    return tuple(n for n in columns if n in names and n not in ("id", "case_id"))


def volunteer_views() -> dict[str, ViewSpec]:
    """Every table's view for volunteers (DESIGN.md §4; the services' own rules in
    :mod:`app.services.scope` and the features' readers)."""
    in_cases = f"case_id IN {MY_CASES}"
    specs: dict[str, ViewSpec] = {
        "cases": ViewSpec(f"id IN {MY_CASES}", _restricted("cases")),
        "case_search_index": ViewSpec(in_cases),
        "people": ViewSpec(f"id IN {MY_PEOPLE}", _restricted("people", ["notes"])),
        "relationships": ViewSpec(
            f"person_id IN {MY_PEOPLE} AND related_person_id IN {MY_PEOPLE}", ("notes",)
        ),
        "needs": ViewSpec(f"{in_cases} AND domain NOT IN ({_HEALTH})"),
        "meetings": ViewSpec(
            in_cases, _restricted("meetings"), masked_unless=f"recorded_by = {ME}"
        ),
        "child_visits": ViewSpec(in_cases, _restricted("child_visits")),
        "visit_assessments": ViewSpec(in_cases, _restricted("visit_assessments")),
        "referrals": ViewSpec(in_cases),
        "custody_events": ViewSpec(in_cases),
        "release_plans": ViewSpec(in_cases),
        "tasks": ViewSpec(f"assignee_id = {ME}"),
        "consents": ViewSpec(f"person_id IN {MY_PEOPLE}", ("notes",)),
        "institutions": ViewSpec(),
        "organisations": ViewSpec(),
        "plan_templates": ViewSpec(),
        "plan_template_items": ViewSpec(),
        "users": ViewSpec(None, ("last_sign_in_at", "mentor_capacity")),
        "settings": ViewSpec(_NOT_AUDIT_SETTINGS),
    }
    for name in tables():
        if name not in specs and name not in OWN_ROWS:
            specs[name] = ViewSpec(NOTHING)  # restricted records, coordinators' tables
    return specs


_NOT_AUDIT_SETTINGS = f"key NOT IN ({literal(HEAD_SETTING)}, {literal(AUDIT_SECRET_SETTING)})"

#: What volunteers write (through their views' INSTEAD OF triggers).
VOLUNTEER_WRITES: dict[str, Writes] = {
    "meetings": Writes(
        insert=f"NEW.case_id IN {MY_CASES} AND NEW.recorded_by = {ME}",
        update=(f"OLD.recorded_by = {ME} AND NEW.recorded_by = {ME} AND NEW.case_id = OLD.case_id"),
        delete=f"OLD.recorded_by = {ME}",
    ),
    "tasks": Writes(
        insert=f"NEW.assignee_id = {ME} AND (NEW.case_id IS NULL OR NEW.case_id IN {MY_CASES})",
        update=(
            f"OLD.assignee_id = {ME} AND NEW.assignee_id = {ME} "
            f"AND NEW.case_id IS NOT DISTINCT FROM OLD.case_id"
        ),
    ),
    "cases": Writes(update=f"OLD.id IN {MY_CASES}", columns=("last_activity_at", "updated_at")),
}

#: Tables each user reaches directly, their own rows only (row-level security), every group.
OWN_ROWS = ("drafts", "recent_views")

#: The social worker's views: the coordinator's tables they may not reach, shadowed.
STAFF_SHADOWED: dict[str, ViewSpec] = {
    "users": ViewSpec(None, ("last_sign_in_at",)),
    "settings": ViewSpec(_NOT_AUDIT_SETTINGS),
    "audit_events": ViewSpec("case_id IS NOT NULL"),  # a case's history
    "export_records": ViewSpec(NOTHING),
    "erasure_receipts": ViewSpec(NOTHING),
    "import_batches": ViewSpec(NOTHING),
    "import_keys": ViewSpec(NOTHING),
}
#: Social workers may record that they printed a case summary without reading the record.
STAFF_INSERT_ONLY = ("export_records",)


def laptop_audit_secret(conn: Connection) -> str | None:
    """The laptop's audit secret (hex) in a workspace's settings, ``None`` on a team server."""
    value = conn.exec_driver_sql(
        "SELECT value FROM settings WHERE key = %s", (AUDIT_SECRET_SETTING,)
    ).scalar_one_or_none()
    return None if value is None else str(value).strip('"')


def forget_laptop_audit_secret(conn: Connection) -> None:
    """Remove the laptop's audit secret: on a team server only its functions hold the key."""
    conn.exec_driver_sql("DELETE FROM settings WHERE key = %s", (AUDIT_SECRET_SETTING,))


def record_sign_in(conn: Connection) -> None:
    """The signed-in user's last sign-in, now (their own row only, whatever their role)."""
    conn.exec_driver_sql("SELECT hw_team.signed_in()")


def _column_type(table: Table, name: str) -> str:
    return str(table.columns[name].type.compile(dialect=_DIALECT))


def view_sql(schema: str, table: Table, spec: ViewSpec) -> str:
    shown = []
    for column in table.columns:
        name = quote(column.name)
        if column.name in spec.masked:
            empty = f"CAST(NULL AS {_column_type(table, column.name)})"
            if spec.masked_unless:
                shown.append(f"CASE WHEN {spec.masked_unless} THEN {name} END AS {name}")
            else:
                shown.append(f"{empty} AS {name}")
        else:
            shown.append(name)
    where = f" WHERE {spec.rows}" if spec.rows else ""
    return (
        f"CREATE VIEW {schema}.{quote(table.name)} WITH (security_barrier) AS "
        f"SELECT {', '.join(shown)} FROM public.{quote(table.name)}{where}"
    )


def write_trigger_sql(schema: str, table: Table, writes: Writes) -> list[str]:
    """The ``INSTEAD OF`` trigger that lets a volunteer write through their view what
    ``writes`` allows, and nothing else."""
    function = f"{schema}.{quote(table.name + '_write')}"
    columns = [c.name for c in table.columns]
    denied = "RAISE EXCEPTION 'permission denied for %', TG_TABLE_NAME USING ERRCODE = '42501';"
    branches = []
    if writes.insert:
        names = ", ".join(quote(c) for c in columns)
        values = ", ".join(f"NEW.{quote(c)}" for c in columns)
        branches.append(
            f"IF TG_OP = 'INSERT' THEN IF NOT ({writes.insert}) THEN {denied} END IF; "
            f"INSERT INTO public.{quote(table.name)} ({names}) VALUES ({values}); RETURN NEW; "
            "END IF;"
        )
    if writes.update:
        changed = writes.columns or tuple(c for c in columns if c != "id")
        sets = ", ".join(f"{quote(c)} = NEW.{quote(c)}" for c in changed)
        # Anything else changed is refused, not quietly dropped.
        kept = " AND ".join(
            f"NEW.{quote(c)} IS NOT DISTINCT FROM OLD.{quote(c)}"
            for c in columns
            if c not in changed
        )
        branches.append(
            f"IF TG_OP = 'UPDATE' THEN IF NOT ({writes.update} AND {kept or 'true'}) THEN "
            f"{denied} END IF; "
            f"UPDATE public.{quote(table.name)} SET {sets} WHERE id = OLD.id; RETURN NEW; "
            "END IF;"
        )
    if writes.delete:
        branches.append(
            f"IF TG_OP = 'DELETE' THEN IF NOT ({writes.delete}) THEN {denied} END IF; "
            f"DELETE FROM public.{quote(table.name)} WHERE id = OLD.id; RETURN OLD; END IF;"
        )
    operations = " OR ".join(
        op
        for op, allowed in (
            ("INSERT", writes.insert),
            ("UPDATE", writes.update),
            ("DELETE", writes.delete),
        )
        if allowed
    )
    return [
        f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
        f"SET search_path = pg_catalog, public AS $$ BEGIN {' '.join(branches)} {denied} "
        "END $$",
        f"REVOKE ALL ON FUNCTION {function}() FROM PUBLIC",
        f"CREATE TRIGGER {quote(table.name + '_write')} INSTEAD OF {operations} "
        f"ON {schema}.{quote(table.name)} FOR EACH ROW EXECUTE FUNCTION {function}()",
    ]


# --- the audit trail ----------------------------------------------------------------------


def pads(key: bytes) -> tuple[bytes, bytes]:
    """HMAC-SHA256's inner and outer keyed pads of ``key`` (RFC 2104): with them,
    ``sha256(outer || sha256(inner || message))`` is the HMAC, which PostgreSQL can compute
    with its built-in ``sha256``."""
    block = key.ljust(64, b"\0") if len(key) <= 64 else hashlib.sha256(key).digest().ljust(64)
    return bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)


def check_pads(key: bytes) -> None:
    inner, outer = pads(key)
    message = b"homeward"
    by_pads = hashlib.sha256(outer + hashlib.sha256(inner + message).digest()).digest()
    assert by_pads == hmac.digest(key, message, "sha256")


_HMAC = (
    "CREATE FUNCTION hw_private.hmac(kind text, message bytea) RETURNS bytea "
    "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$ "
    "SELECT sha256(k.outer_pad || sha256(k.inner_pad || message)) "
    "FROM hw_private.keys k WHERE k.kind = hmac.kind $$"
)

_TIME = "to_char({0}, 'YYYY-MM-DD HH24:MI:SS.US')"


def _part(value: str, *, nullable: bool) -> str:
    """``len:value`` (``-`` for NULL when ``nullable``), as in ``canonical_message``."""
    counted = f"octet_length({value}) || ':' || {value}"
    return f"CASE WHEN {value} IS NULL THEN '-' ELSE {counted} END" if nullable else counted


def _message_sql(
    seq: str, occ: str, user: str, action: str, etype: str, eid: str, fields: str
) -> str:
    """The canonical bytes of an event (:func:`app.security.audit_chain.canonical_message`),
    from the text of its stored values."""
    parts = [
        f"{literal(MESSAGE_VERSION.decode())} || '|' || {seq} || '|'",
        _part(occ, nullable=False),
        _part(user, nullable=True),
        _part(action, nullable=False),
        _part(etype, nullable=True),
        _part(eid, nullable=True),
        _part(fields, nullable=False),
    ]
    return "convert_to(" + " || ".join(f"({p})" for p in parts) + ", 'UTF8')"


def audit_sql(groups: Groups) -> list[str]:
    """The audit trail's functions and guards (see the module)."""
    hexid = "replace(CAST({0} AS text), '-', '')"
    message = _message_sql(
        "v_seq",
        "v_occ_text",
        "v_user_text",
        "p_action",
        "p_entity_type",
        "v_entity_text",
        "v_fields",
    )
    field_pattern = r"^([A-Za-z_][A-Za-z0-9_.]{0,63}(,[A-Za-z_][A-Za-z0-9_.]{0,63})*)?$"
    coordinator = f"pg_has_role(session_user, {literal(groups.coordinator)}, 'MEMBER')"
    head_json = (
        'format(\'{"mac": "%s", "sequence": %s, "tag": "%s"}\', '
        "encode(v_mac, 'hex'), v_seq, "
        "encode(hw_private.hmac('audit', convert_to('head', 'UTF8') || int8send(v_seq) || v_mac), "
        "'hex'))"
    )
    append = f"""
CREATE FUNCTION hw_team.audit_append(
    p_action text, p_entity_type text, p_entity_id uuid, p_fields text,
    p_case_id uuid, p_person_id uuid, p_user_id uuid, p_occurred_at timestamp)
RETURNS TABLE(sequence bigint, mac text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    v_me uuid := hw_team.me();
    v_user uuid := v_me;
    v_occ timestamp := timezone('UTC', clock_timestamp());
    v_last bigint;
    v_prev_text text;
    v_prev bytea;
    v_seq bigint;
    v_occ_text text;
    v_user_text text;
    v_entity_text text;
    v_fields text := coalesce(p_fields, '');
    v_mac bytea;
BEGIN
    IF v_me IS NULL THEN
        RAISE EXCEPTION 'not a Homeward user' USING ERRCODE = '42501';
    END IF;
    IF {coordinator} THEN
        -- a coordinator's imports and queued sign-in failures name their own user and time
        IF p_user_id IS NOT NULL THEN v_user := p_user_id; END IF;
        IF p_occurred_at IS NOT NULL THEN v_occ := p_occurred_at; END IF;
    ELSIF p_user_id IS NOT NULL AND p_user_id <> v_me THEN
        RAISE EXCEPTION 'an event is recorded as its own user' USING ERRCODE = '42501';
    END IF;
    IF p_action IS NULL OR length(p_action) NOT BETWEEN 1 AND {MAX_LABEL}
       OR length(coalesce(p_entity_type, 'x')) NOT BETWEEN 1 AND {MAX_LABEL}
       OR v_fields !~ {literal(field_pattern)} THEN
        RAISE EXCEPTION 'not an audit event' USING ERRCODE = '22023';
    END IF;
    PERFORM pg_advisory_xact_lock({WRITE_LOCK_KEY});
    SELECT e.sequence, e.mac INTO v_last, v_prev_text
        FROM public.audit_events e ORDER BY e.sequence DESC LIMIT 1;
    IF NOT FOUND THEN
        v_last := 0;
        v_prev := decode(repeat('00', 32), 'hex');
    ELSIF v_prev_text ~ '^[0-9a-f]{{64}}$' THEN
        v_prev := decode(v_prev_text, 'hex');
    ELSE
        v_prev := sha256(convert_to(v_prev_text, 'UTF8'));
    END IF;
    v_seq := v_last + 1;
    v_occ_text := {_TIME.format("v_occ")};
    v_user_text := {hexid.format("v_user")};
    v_entity_text := {hexid.format("p_entity_id")};
    v_mac := hw_private.hmac('audit', v_prev || {message});
    INSERT INTO public.audit_events (id, sequence, occurred_at, user_id, action, entity_type,
        entity_id, fields, mac, case_id, person_id, created_at, updated_at, created_by)
    VALUES (gen_random_uuid(), v_seq, v_occ, v_user, p_action, p_entity_type, p_entity_id,
        v_fields, encode(v_mac, 'hex'), p_case_id, p_person_id,
        timezone('UTC', clock_timestamp()), timezone('UTC', clock_timestamp()), v_user);
    INSERT INTO public.settings (id, key, value, created_at, updated_at)
    VALUES (gen_random_uuid(), {literal(HEAD_SETTING)}, {head_json},
        timezone('UTC', clock_timestamp()), timezone('UTC', clock_timestamp()))
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at;
    RETURN QUERY SELECT v_seq, encode(v_mac, 'hex');
END $$"""
    verify = f"""
CREATE FUNCTION hw_team.audit_verify()
RETURNS TABLE(events bigint, first_bad bigint, head_ok boolean, last_mac text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    r record;
    v_expected bigint := 0;
    v_prev bytea := decode(repeat('00', 32), 'hex');
    v_mac bytea;
    v_head text;
    v_head_ok boolean;
BEGIN
    IF NOT {coordinator} THEN
        RAISE EXCEPTION 'only a coordinator checks the audit trail' USING ERRCODE = '42501';
    END IF;
    FOR r IN SELECT e.sequence AS seq, {_TIME.format("e.occurred_at")} AS occ,
            {hexid.format("e.user_id")} AS usr, e.action, e.entity_type,
            {hexid.format("e.entity_id")} AS ent, e.fields, e.mac
        FROM public.audit_events e ORDER BY e.sequence
    LOOP
        v_expected := v_expected + 1;
        IF r.seq <> v_expected THEN
            RETURN QUERY SELECT v_expected - 1, v_expected, false, NULL::text; RETURN;
        END IF;
        v_mac := hw_private.hmac('audit', v_prev || {
        _message_sql("r.seq", "r.occ", "r.usr", "r.action", "r.entity_type", "r.ent", "r.fields")
    });
        IF encode(v_mac, 'hex') IS DISTINCT FROM r.mac THEN
            RETURN QUERY SELECT v_expected - 1, v_expected, false, NULL::text; RETURN;
        END IF;
        v_prev := v_mac;
    END LOOP;
    SELECT s.value INTO v_head FROM public.settings s WHERE s.key = {literal(HEAD_SETTING)};
    IF v_expected = 0 THEN
        v_head_ok := v_head IS NULL;
    ELSE
        BEGIN
            v_head_ok := (v_head::jsonb ->> 'sequence')::bigint = v_expected
                AND v_head::jsonb ->> 'mac' = encode(v_prev, 'hex')
                AND v_head::jsonb ->> 'tag' = encode(hw_private.hmac('audit',
                    convert_to('head', 'UTF8') || int8send(v_expected) || v_prev), 'hex');
        EXCEPTION WHEN others THEN
            v_head_ok := false;
        END;
    END IF;
    RETURN QUERY SELECT v_expected, NULL::bigint, coalesce(v_head_ok, false), encode(v_prev, 'hex');
END $$"""
    end = """
CREATE FUNCTION hw_team.audit_end()
RETURNS TABLE(sequence bigint, mac text, tag text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT e.sequence, e.mac, encode(hw_private.hmac('witness',
        convert_to('witness', 'UTF8') || int8send(e.sequence::bigint) || decode(e.mac, 'hex')), 'hex')
    FROM public.audit_events e ORDER BY e.sequence DESC LIMIT 1 $$"""
    mac_at = """
CREATE FUNCTION hw_team.audit_mac_at(p_sequence bigint) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT e.mac FROM public.audit_events e WHERE e.sequence = p_sequence $$"""
    guard = """
CREATE FUNCTION hw_private.audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (NEW.id, NEW.sequence, NEW.occurred_at, NEW.user_id, NEW.action, NEW.entity_type,
            NEW.entity_id, NEW.fields, NEW.mac, NEW.created_at, NEW.created_by)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.sequence, OLD.occurred_at, OLD.user_id, OLD.action, OLD.entity_type,
            OLD.entity_id, OLD.fields, OLD.mac, OLD.created_at, OLD.created_by)
       AND (NEW.case_id IS NULL OR NEW.case_id = OLD.case_id)
       AND (NEW.person_id IS NULL OR NEW.person_id = OLD.person_id) THEN
        RETURN NEW;  -- erasure cuts an event's links to the erased case and person
    END IF;
    RAISE EXCEPTION 'audit events cannot be changed or deleted' USING ERRCODE = '42501';
END $$"""
    return [
        _HMAC,
        "REVOKE ALL ON FUNCTION hw_private.hmac(text, bytea) FROM PUBLIC",
        append,
        verify,
        end,
        mac_at,
        guard,
        "DROP TRIGGER IF EXISTS audit_events_guard ON public.audit_events",
        "CREATE TRIGGER audit_events_guard BEFORE UPDATE OR DELETE ON public.audit_events "
        "FOR EACH ROW EXECUTE FUNCTION hw_private.audit_guard()",
        "DROP TRIGGER IF EXISTS audit_events_no_truncate ON public.audit_events",
        "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON public.audit_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION hw_private.audit_guard()",
    ]


# --- accounts -----------------------------------------------------------------------------


def accounts_sql(groups: Groups) -> list[str]:
    """Functions through which coordinators manage logins (only this database's)."""
    coordinator = f"pg_has_role(session_user, {literal(groups.coordinator)}, 'MEMBER')"
    group_of = (
        "(CASE p_role "
        + " ".join(f"WHEN {literal(r.value)} THEN {literal(groups.of(r))}" for r in Role)
        + " END)"
    )
    path_of = (
        "(CASE p_role "
        + " ".join(f"WHEN {literal(r.value)} THEN {literal(groups.search_path(r))}" for r in Role)
        + " END)"
    )
    ours = (
        "EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = p_username "
        f"AND NOT u.rolsuper AND g.rolname IN ({', '.join(literal(g) for g in groups.all)}))"
    )
    check_caller = (
        f"IF NOT ({coordinator} OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)) "
        "THEN RAISE EXCEPTION 'only a coordinator manages accounts' USING ERRCODE = '42501'; "
        "END IF;"
    )
    check_ours = (
        f"IF NOT {ours} THEN RAISE EXCEPTION 'not a login of this Homeward database' "
        "USING ERRCODE = '42704'; END IF;"
    )
    revoke_all = " ".join(
        f"EXECUTE format('REVOKE %I FROM %I', {literal(g)}, p_username);" for g in groups.all
    )
    body = "LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$"
    return [
        f"""CREATE FUNCTION hw_team.login_create(p_username text, p_verifier text, p_role text,
            p_login boolean) RETURNS void {body}
        BEGIN
            {check_caller}
            IF {group_of} IS NULL THEN
                RAISE EXCEPTION 'not a role' USING ERRCODE = '22023';
            END IF;
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_username) THEN
                IF NOT {ours} THEN
                    RAISE EXCEPTION 'a login of that name already exists on this server'
                        USING ERRCODE = '42710';
                END IF;
            ELSE
                EXECUTE format('CREATE ROLE %I NOLOGIN', p_username);
            END IF;
            EXECUTE format('ALTER ROLE %I %s PASSWORD %L', p_username,
                CASE WHEN p_login THEN 'LOGIN' ELSE 'NOLOGIN' END, p_verifier);
            {revoke_all}
            EXECUTE format('GRANT %I TO %I', {group_of}, p_username);
            EXECUTE format('ALTER ROLE %I SET search_path = %s', p_username, {path_of});
        END $$""",
        f"""CREATE FUNCTION hw_team.login_password(p_username text, p_verifier text)
            RETURNS void {body}
        BEGIN
            {check_caller} {check_ours}
            EXECUTE format('ALTER ROLE %I PASSWORD %L', p_username, p_verifier);
        END $$""",
        f"""CREATE FUNCTION hw_team.login_role(p_username text, p_role text) RETURNS void {body}
        BEGIN
            {check_caller} {check_ours}
            IF {group_of} IS NULL THEN
                RAISE EXCEPTION 'not a role' USING ERRCODE = '22023';
            END IF;
            {revoke_all}
            EXECUTE format('GRANT %I TO %I', {group_of}, p_username);
            EXECUTE format('ALTER ROLE %I SET search_path = %s', p_username, {path_of});
        END $$""",
        f"""CREATE FUNCTION hw_team.login_active(p_username text, p_active boolean)
            RETURNS void {body}
        BEGIN
            {check_caller} {check_ours}
            EXECUTE format('ALTER ROLE %I %s', p_username,
                CASE WHEN p_active THEN 'LOGIN' ELSE 'NOLOGIN' END);
        END $$""",
        f"""CREATE FUNCTION hw_team.login_drop(p_username text) RETURNS void {body}
        BEGIN
            {check_caller} {check_ours}
            EXECUTE format('DROP ROLE %I', p_username);
        END $$""",
    ]


# --- install ------------------------------------------------------------------------------

_ALL = "SELECT, INSERT, UPDATE, DELETE"
#: The functions in ``hw_team`` every user may call, and those only coordinators may.
EVERYONES_FUNCTIONS = (
    "me()",
    "signed_in()",
    "audit_append(text, text, uuid, text, uuid, uuid, uuid, timestamp)",
    "audit_end()",
    "audit_mac_at(bigint)",
)
COORDINATORS_FUNCTIONS = (
    "audit_verify()",
    "login_create(text, text, text, boolean)",
    "login_password(text, text)",
    "login_role(text, text)",
    "login_active(text, boolean)",
    "login_drop(text)",
)


def install(conn: Connection, database: str, audit_key: bytes, witness_key: bytes) -> Groups:
    """Make (or make again) the team server's roles, grants, views, policies and functions,
    in ``conn``'s transaction (as the database's owner, the schema at head). The keys are
    written only when the database has none yet: the chain's key never changes."""
    groups = Groups(database)

    def run(statement: str, params: tuple[object, ...] | None = None) -> Any:
        # Without values the driver still reads "%" as a placeholder mark: doubled, it is one.
        if params is None:
            return conn.exec_driver_sql(statement.replace("%", "%%"))
        return conn.exec_driver_sql(statement, params)

    existing = {r[0] for r in run("SELECT rolname FROM pg_roles")}
    for group in groups.all:
        if group not in existing:
            run(f"CREATE ROLE {quote(group)} NOLOGIN")
    every = ", ".join(quote(g) for g in groups.all)
    coordinator, worker, volunteer = (quote(g) for g in groups.all)
    run(f"REVOKE ALL ON DATABASE {quote(database)} FROM PUBLIC")
    run(f"GRANT CONNECT ON DATABASE {quote(database)} TO {every}")
    run("REVOKE ALL ON SCHEMA public FROM PUBLIC")
    run(f"GRANT USAGE ON SCHEMA public TO {every}")
    run(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, {every}")
    run(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, {every}")

    for schema in (TEAM, PRIVATE, STAFF_VIEWS, VOLUNTEER_VIEWS):
        run(f"DROP SCHEMA IF EXISTS {schema} CASCADE") if schema not in (TEAM, PRIVATE) else None
        run(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        run(f"REVOKE ALL ON SCHEMA {schema} FROM PUBLIC")
    run(f"GRANT USAGE ON SCHEMA {TEAM} TO {every}")
    run(f"GRANT USAGE ON SCHEMA {STAFF_VIEWS} TO {worker}")
    run(f"GRANT USAGE ON SCHEMA {VOLUNTEER_VIEWS} TO {volunteer}")

    # The keys, and the key slots (wrapped copies of the data key no server can open).
    run(
        f"CREATE TABLE IF NOT EXISTS {PRIVATE}.keys (kind text PRIMARY KEY, "
        "inner_pad bytea NOT NULL, outer_pad bytea NOT NULL)"
    )
    for kind, key in (("audit", audit_key), ("witness", witness_key)):
        inner, outer = pads(key)
        run(
            f"INSERT INTO {PRIVATE}.keys (kind, inner_pad, outer_pad) VALUES (%s, %s, %s) "
            "ON CONFLICT (kind) DO NOTHING",
            (kind, inner, outer),
        )
    run(
        f"CREATE TABLE IF NOT EXISTS {TEAM}.key_slots (slot_id text PRIMARY KEY, "
        "user_id uuid, body text NOT NULL)"
    )
    run(
        f"CREATE TABLE IF NOT EXISTS {TEAM}.workspace (id integer PRIMARY KEY CHECK (id = 1), "
        "body text NOT NULL)"
    )

    # Who is signed in: the login role's user (session_user: SET ROLE does not change it).
    run(f"DROP FUNCTION IF EXISTS {TEAM}.me() CASCADE")
    run(
        f"CREATE FUNCTION {TEAM}.me() RETURNS uuid LANGUAGE sql STABLE SECURITY DEFINER "
        "SET search_path = pg_catalog, public AS $$ "
        "SELECT u.id FROM public.users u WHERE u.username = session_user AND u.active $$"
    )
    run(f"DROP FUNCTION IF EXISTS {TEAM}.signed_in()")
    run(
        f"CREATE FUNCTION {TEAM}.signed_in() RETURNS void LANGUAGE sql SECURITY DEFINER "
        "SET search_path = pg_catalog, public AS $$ UPDATE public.users "
        "SET last_sign_in_at = timezone('UTC', clock_timestamp()) WHERE id = hw_team.me() $$"
    )
    for function in (*EVERYONES_FUNCTIONS, *COORDINATORS_FUNCTIONS):
        if function not in ("me()", "signed_in()"):  # made just above
            run(f"DROP FUNCTION IF EXISTS {TEAM}.{function}")
    run(f"DROP FUNCTION IF EXISTS {PRIVATE}.hmac(text, bytea) CASCADE")
    run(f"DROP FUNCTION IF EXISTS {PRIVATE}.audit_guard() CASCADE")
    for statement in (*audit_sql(groups), *accounts_sql(groups)):
        run(statement)
    run(f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {TEAM} FROM PUBLIC")
    for function in EVERYONES_FUNCTIONS:
        run(f"GRANT EXECUTE ON FUNCTION {TEAM}.{function} TO {every}")
    for function in COORDINATORS_FUNCTIONS:
        run(f"GRANT EXECUTE ON FUNCTION {TEAM}.{function} TO {coordinator}")
    # The search line follows its case through a trigger: as the owner, whoever updates.
    run("ALTER FUNCTION public.cases_search_filters_au() SECURITY DEFINER")
    run("ALTER FUNCTION public.cases_search_filters_au() SET search_path = pg_catalog, public")

    # Grants on the tables.
    every_table = tables()
    for name in every_table:
        if name == "audit_events":
            run(f"GRANT SELECT ON public.audit_events TO {coordinator}")
            run(f"GRANT UPDATE (case_id, person_id) ON public.audit_events TO {coordinator}")
        elif name in OWN_ROWS:
            run(f"GRANT {_ALL} ON public.{quote(name)} TO {every}")
        else:
            run(f"GRANT {_ALL} ON public.{quote(name)} TO {coordinator}")
            if name not in STAFF_SHADOWED:
                run(f"GRANT {_ALL} ON public.{quote(name)} TO {worker}")
    run("GRANT SELECT ON public.alembic_version TO " + every)
    # Integer keys numbered by the server (the search lines): staff insert those rows.
    run(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {coordinator}, {worker}")

    # Row-level security: a user's own drafts, recent cases and key slot.
    is_coordinator = f"pg_has_role(session_user, {literal(groups.coordinator)}, 'MEMBER')"
    for name in OWN_ROWS:
        run(f"ALTER TABLE public.{quote(name)} ENABLE ROW LEVEL SECURITY")
        run(f"DROP POLICY IF EXISTS own_rows ON public.{quote(name)}")
        run(
            f"CREATE POLICY own_rows ON public.{quote(name)} TO {every} "
            f"USING (user_id = {ME}) WITH CHECK (user_id = {ME})"
        )
    run(f"ALTER TABLE {TEAM}.key_slots ENABLE ROW LEVEL SECURITY")
    run(f"DROP POLICY IF EXISTS own_slot ON {TEAM}.key_slots")
    run(f"DROP POLICY IF EXISTS coordinator_slots ON {TEAM}.key_slots")
    run(
        f"CREATE POLICY own_slot ON {TEAM}.key_slots TO {every} "
        f"USING (user_id = {ME}) WITH CHECK (user_id = {ME})"
    )
    run(
        f"CREATE POLICY coordinator_slots ON {TEAM}.key_slots TO {every} "
        f"USING ({is_coordinator}) WITH CHECK ({is_coordinator})"
    )
    run(f"GRANT {_ALL} ON {TEAM}.key_slots TO {every}")
    run(f"GRANT SELECT ON {TEAM}.workspace TO {every}")
    run(f"GRANT INSERT, UPDATE ON {TEAM}.workspace TO {coordinator}")

    # The social worker's and the volunteer's views.
    for name, spec in STAFF_SHADOWED.items():
        run(view_sql(STAFF_VIEWS, every_table[name], spec))
        run(f"GRANT SELECT ON {STAFF_VIEWS}.{quote(name)} TO {worker}")
    for name in STAFF_INSERT_ONLY:
        run(f"GRANT INSERT ON {STAFF_VIEWS}.{quote(name)} TO {worker}")
    for name, spec in volunteer_views().items():
        run(view_sql(VOLUNTEER_VIEWS, every_table[name], spec))
        run(f"GRANT SELECT ON {VOLUNTEER_VIEWS}.{quote(name)} TO {volunteer}")
        writes = VOLUNTEER_WRITES.get(name)
        if writes is not None:
            for statement in write_trigger_sql(VOLUNTEER_VIEWS, every_table[name], writes):
                run(statement)
            allowed = [
                op
                for op, check in (
                    ("INSERT", writes.insert),
                    ("UPDATE", writes.update),
                    ("DELETE", writes.delete),
                )
                if check
            ]
            run(f"GRANT {', '.join(allowed)} ON {VOLUNTEER_VIEWS}.{quote(name)} TO {volunteer}")
    return groups
