"""Every public service operation declares a permission, and each role gets exactly what
DESIGN.md §4 gives it.

``EXPECTED`` is written by hand from the role matrix: adding an operation without deciding
who may use it fails ``test_every_operation_is_in_the_matrix``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

import app.features
import app.services
from app.models.enums import Role
from app.security.permissions import (
    PermissionDenied,
    declared_permission,
    is_entry_point,
    is_internal,
    is_pure,
)
from app.services.context import Actor

C, W, V = Role.COORDINATOR, Role.SOCIAL_WORKER, Role.VOLUNTEER
ALL = frozenset({C, W, V})
STAFF = frozenset({C, W})
COORD = frozenset({C})

EXPECTED: dict[str, frozenset[Role]] = {
    "workspace.organisation_name": ALL,
    "workspace.verify": COORD,
    "workspace.lock_workspace": ALL,
    "drafts.save_draft": ALL,
    "drafts.my_drafts": ALL,
    "drafts.discard_draft": ALL,
    "workspace.idle_lock_minutes": ALL,
    "workspace.set_idle_lock_minutes": COORD,
    "audit_log.list_events": COORD,
    "audit_log.case_history": STAFF,
    "audit_log.verify_trail": COORD,
    "audit_log.fingerprint_at": COORD,
    "people.create_person": STAFF,
    "people.update_person": STAFF,
    "people.get_person": ALL,
    "people.list_people": ALL,
    "cases.open_case": STAFF,
    "cases.update_case": STAFF,
    "cases.change_status": STAFF,
    "cases.get_case": ALL,
    "case_file.open_workspace": ALL,
    "case_list.list_cases": ALL,
    "case_list.count_cases": ALL,
    "case_list.first_page": ALL,
    "case_list.case_ids": ALL,
    "case_list.case_rows": ALL,
    "users.list_users": COORD,
    "users.list_active_staff": ALL,
    "users.add_user": COORD,
    "users.set_active": COORD,
    "users.change_role": COORD,
    "users.reset_password": COORD,
    "users.change_own_password": ALL,
    "users.set_own_language": ALL,
    "users.remove_user_for_good": COORD,
    "keychain.keychain_status": ALL,
    "keychain.keychain_enabled": ALL,
    "keychain.enable_keychain": ALL,
    "keychain.disable_keychain": ALL,
    "keychain.set_shared_os_account": COORD,
    "meetings.record_meeting": ALL,
    "meetings.list_case_meetings": ALL,
    "meetings.my_meetings": ALL,
    "tasks.create_task": ALL,
    "tasks.update_task": ALL,
    "tasks.set_task_done": ALL,
    "tasks.list_my_tasks": ALL,
    "tasks.list_case_tasks": ALL,
    "tasks.list_tasks": ALL,
    "needs.add_need": STAFF,
    "needs.set_need_status": STAFF,
    "needs.update_need_notes": STAFF,
    "needs.list_case_needs": ALL,
    "attachments.add_attachment": STAFF,
    "attachments.list_attachments": STAFF,
    "attachments.attachment_content": STAFF,
    "attachments.delete_attachment": STAFF,
    "relations.add_relationship": STAFF,
    "relations.remove_relationship": STAFF,
    "relations.list_relationships": ALL,
    "relations.person_cases": ALL,
    "relations.find_possible_duplicates": ALL,
    "today.today": ALL,
    "directory.list_institutions": ALL,
    "directory.list_organisations": ALL,
    "referrals.list_case_referrals": ALL,
    "referrals.create_referral": STAFF,
    "referrals.send_referral": STAFF,
    "referrals.record_referral_response": STAFF,
    "directory.save_organisation": COORD,
    "directory.set_organisation_active": COORD,
    "directory.save_institution": COORD,
    # child visits: staff book them; everyone sees their cases' visits and the calendar
    "visits.request_visit": STAFF,
    "visits.approve_visit": STAFF,
    "visits.schedule_visit": STAFF,
    "visits.mark_held": STAFF,
    "visits.cancel_visit": STAFF,
    "visits.deny_visit": STAFF,
    "visit_records.set_transport": STAFF,
    "visit_records.record_reaction": STAFF,
    "visit_records.record_assessment": STAFF,
    "visit_records.list_assessments": ALL,
    "visit_queries.list_case_visits": ALL,
    "visit_queries.visit_calendar": ALL,
    "visit_queries.booking_info": ALL,
    # foreign-inmate records: restricted, except languages and the need for an interpreter
    "foreign.interpreter_info": ALL,
    "foreign.set_interpreter_needs": STAFF,
    "foreign.log_consular_contact": STAFF,
    "foreign.set_consular_outcome": STAFF,
    "foreign.list_consular_contacts": STAFF,
    "foreign.add_immigration_record": STAFF,
    "foreign.list_immigration_records": STAFF,
    "foreign.add_family_abroad": STAFF,
    "foreign.list_family_abroad": STAFF,
    "foreign.add_discrimination_report": STAFF,
    "foreign.set_discrimination_outcome": STAFF,
    "foreign.list_discrimination_reports": STAFF,
    "foreign.foreign_records": STAFF,
    # consent records
    "consent.record_consent": STAFF,
    "consent.withdraw_consent": STAFF,
    "consent.list_consents": ALL,
    "consent.consent_status": ALL,
    # backups: on demand and settings for coordinators; the automatic ones for anyone signed in
    "backup.create_backup": COORD,
    "backup.backup_settings": COORD,
    "backup.set_backup_settings": COORD,
    "backup.newest_backup": COORD,
    "backup.backup_if_due": ALL,
    "backup.daily_copy": ALL,
    "backup.record_backup": ALL,
    "backup.backup_on_close": ALL,
    # subject access, erasure, retention (Permission.GDPR)
    "subject_access.subject_access_pack": COORD,
    "subject_access.write_subject_access_pack": COORD,
    "erasure.preview_erasure": COORD,
    "erasure.erase_person": COORD,
    "erasure.list_receipts": COORD,
    "retention.retention_policy": COORD,
    "retention.set_retention_period": COORD,
    "retention.retention_review": COORD,
    "retention.anonymise_cases": COORD,
    "retention.extend_retention": COORD,
    # import: not in DESIGN.md §4; bulk creation is administrative (Permission.ADMIN)
    "importing.preview_import": COORD,
    "importing.run_import": COORD,
    # anonymised summaries for funders (Permission.ANONYMISED_REPORT; the threshold: ADMIN)
    "reports.service.report_threshold": COORD,
    "reports.service.set_report_threshold": COORD,
    "reports.service.compute_summary": COORD,
    "reports.service.export_pdf": COORD,
    "reports.service.export_csv": COORD,
    "reports.service.list_exports": COORD,
    # release support: plans, custody history, mentors and upcoming releases
    "plan_templates.list_templates": STAFF,
    "plan_templates.save_template": COORD,
    "plan_templates.set_template_active": COORD,
    "release_plans.propose_plan": STAFF,
    "release_plans.start_plan": STAFF,
    "release_plans.plan_for_case": ALL,
    "release_plans.move_release_date": STAFF,
    "custody.record_custody_change": STAFF,
    "custody.custody_history": ALL,
    "releases.upcoming_releases": ALL,
    "releases.clients_without_mentor": COORD,
    "releases.volunteer_capacity": STAFF,
    "releases.set_mentor_capacity": COORD,
    "releases.assign_mentor": STAFF,
}

#: Modules of pure helpers (no database, no context): nothing to protect.
PURE_MODULES = {"validation", "scope", "context", "demo_content", "demo_names", "demo_weights"}
PURE_MODULES |= {"demo_trail"}  # SQL text for the demo audit trail: no database of its own
#: The summary's counting, protection and rendering: no context, no database of their own.
PURE_MODULES |= {
    f"reports.{name}"
    for name in (
        "periods",
        "regions",
        "disclosure",
        "lp",
        "merging",
        "published",
        "assemble",
        "figures",
        "layout",
        "cells",
        "sections_clients",
        "sections_work",
        "overview",
        "build",
        "methodology",
        "charts",
        "pdf",
        "csv_export",
        "fonts",
    )
}


def _service_packages() -> list[tuple[str, str]]:
    """(package, key prefix): the shared services, then each feature's services (a feature's
    modules are keyed by their own name, as when they all lived in app/services)."""
    found = [("app.services", "")]
    for info in pkgutil.iter_modules(app.features.__path__):
        prefix = "reports." if info.name == "reports" else ""
        found.append((f"app.features.{info.name}.services", prefix))
    return found


def service_functions() -> dict[str, Callable[..., Any]]:
    found: dict[str, Callable[..., Any]] = {}
    for package, prefix in _service_packages():
        path = importlib.import_module(package).__path__
        for info in pkgutil.walk_packages(path, prefix=f"{package}."):
            module = importlib.import_module(info.name)
            for name, fn in inspect.getmembers(module, inspect.isfunction):
                if name.startswith("_") or fn.__module__ != module.__name__:
                    continue
                found[f"{prefix}{info.name.removeprefix(package + '.')}.{name}"] = fn
    return found


def operations() -> dict[str, Callable[..., Any]]:
    return {
        name: fn
        for name, fn in service_functions().items()
        if name.rsplit(".", 1)[0] not in PURE_MODULES
        and not (is_entry_point(fn) or is_pure(fn) or is_internal(fn))
    }


def test_every_public_operation_declares_a_permission_or_is_an_entry_point() -> None:
    undeclared = [
        name
        for name, fn in operations().items()
        if declared_permission(fn) is None and "ctx" in inspect.signature(fn).parameters
    ]
    assert undeclared == []


def test_functions_without_a_context_are_marked_entry_points() -> None:
    unmarked = [
        name
        for name, fn in operations().items()
        if declared_permission(fn) is None
        and "ctx" not in inspect.signature(fn).parameters
        and name != "demo.populate"  # the generator runs inside create_workspace only
    ]
    assert unmarked == []


def test_every_operation_is_in_the_matrix() -> None:
    declared = {name for name, fn in operations().items() if declared_permission(fn) is not None}
    assert declared == set(EXPECTED)


@dataclass
class FakeContext:
    """Just enough of a ServiceContext to reach the permission check; anything past it fails."""

    actor: Actor | None

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError("got past the permission check")


def call_as(fn: Callable[..., Any], role: Role | None, *, must_change: bool = False) -> bool:
    actor = None if role is None else Actor(uuid.uuid4(), "u", "U", role, "en", must_change)
    params = list(inspect.signature(fn).parameters.values())[1:]
    args = [None for p in params if p.default is p.empty and p.kind == p.POSITIONAL_OR_KEYWORD]
    try:
        fn(FakeContext(actor), *args)
    except PermissionDenied:
        return False
    except Exception:
        return True
    return True


@pytest.mark.parametrize("role", [C, W, V])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_role_matrix(name: str, role: Role) -> None:
    fn = service_functions()[name]
    assert call_as(fn, role) == (role in EXPECTED[name])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_recovery_code_sessions_only_do_maintenance(name: str) -> None:
    maintenance = {"workspace.verify", "audit_log.verify_trail", "audit_log.fingerprint_at"}
    assert call_as(service_functions()[name], None) == (name in maintenance)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_temporary_password_must_be_changed_first(name: str) -> None:
    allowed_anyway = {
        "users.change_own_password",
        "users.set_own_language",  # harmless, and chosen on the sign-in window
        "workspace.lock_workspace",
        "workspace.idle_lock_minutes",
        "workspace.organisation_name",
        "keychain.keychain_status",
        "keychain.keychain_enabled",
        "keychain.enable_keychain",
        "keychain.disable_keychain",
        "backup.backup_if_due",
        "backup.daily_copy",
        "backup.record_backup",
        "backup.backup_on_close",
    }
    assert call_as(service_functions()[name], C, must_change=True) == (name in allowed_anyway)
