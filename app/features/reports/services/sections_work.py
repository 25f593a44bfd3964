"""The report's sections on the work done: activity (meetings, child visits, referrals),
needs and release planning, and the foreign-inmate indicators. Pure: no database, no
context.
"""

from __future__ import annotations

from app.features.reports.services import figures as f
from app.features.reports.services.cells import Cells
from app.features.reports.services.figures import ALL
from app.features.reports.services.layout import (
    ChartKind,
    ChartView,
    RowView,
    SectionView,
    TableView,
)
from app.features.reports.services.queries import PLAN_LEAD_DAYS
from app.features.reports.services.regions import LanguageGroup, language_group_label
from app.kernel.i18n import _, ngettext
from app.kernel.labels import label
from app.models.enums import (
    CaseKind,
    ConsularOutcome,
    MeetingKind,
    NeedDomain,
    OrganisationType,
    VisitType,
)


def activity(c: Cells) -> SectionView:
    meetings = c.breakdown(
        "meetings",
        _("Meetings by kind"),
        f.MEETINGS,
        "meeting_kind",
        [(m.value, label(m)) for m in MeetingKind],
        _("All meetings"),
        all_label=_("All cases"),
        chart_title=_("Meetings by kind"),
    )
    extra = (
        RowView(_("Hours of meetings"), c.by_kind(f.MEETING_HOURS)),
        RowView(_("Meetings recorded by volunteers"), c.by_kind(f.MEETINGS_BY_VOLUNTEERS)),
    )
    meetings = TableView(
        meetings.id,
        meetings.title,
        meetings.columns,
        meetings.rows + extra,
        meetings.note,
        meetings.chart,
    )
    visit_rows = [
        RowView(
            label(v),
            (
                c.get(f.CHILD_VISITS_HELD, ALL, "visit_type", v.value),
                c.get(f.CHILD_VISITS_CANCELLED, ALL, "visit_type", v.value),
            ),
        )
        for v in VisitType
    ]
    visit_rows.append(
        RowView(
            _("All visits"),
            (c.get(f.CHILD_VISITS_HELD), c.get(f.CHILD_VISITS_CANCELLED)),
            total=True,
        )
    )
    visits = TableView(
        "child_visits",
        _("Child visits by type"),
        (_("Held"), _("Cancelled")),
        tuple(visit_rows),
    )
    children = TableView(
        "children",
        _("Children"),
        (_("Number"),),
        (RowView(_("Children with at least one visit held"), (c.get(f.CHILDREN_VISITING),)),),
    )
    outcome_columns = (f.REFERRALS_SENT, *f.REFERRAL_OUTCOMES)
    referral_rows = [
        RowView(
            label(o),
            tuple(c.get(ind, ALL, "organisation_type", o.value) for ind in outcome_columns),
        )
        for o in OrganisationType
    ]
    referral_rows.append(
        RowView(_("All referrals"), tuple(c.get(ind) for ind in outcome_columns), total=True)
    )
    referrals = TableView(
        "referrals",
        _("Referrals by partner and outcome"),
        (_("Sent"), _("Awaiting reply"), _("Accepted"), _("Declined"), _("Completed")),
        tuple(referral_rows),
        _("Referrals sent in the period, with their outcome as recorded today."),
    )
    return SectionView(
        "activity",
        _("Activity"),
        _("Meetings with clients, child visits and referrals to partner organisations."),
        (meetings, visits, children, referrals),
    )


def needs(c: Cells) -> SectionView:
    domains = [(d.value, label(d)) for d in NeedDomain]
    identified = c.breakdown(
        "needs_identified",
        _("Needs identified"),
        f.NEEDS_IDENTIFIED,
        "need_domain",
        domains,
        _("All needs identified"),
        all_label=_("All cases"),
    )
    met = c.breakdown(
        "needs_met",
        _("Needs met"),
        f.NEEDS_MET,
        "need_domain",
        domains,
        _("All needs met"),
        all_label=_("All cases"),
    )
    chart = ChartView(
        ChartKind.BARS,
        _("Needs identified and met, all cases"),
        tuple(text for _, text in domains),
        (
            (_("Identified"), tuple(r.cells[-1] for r in identified.rows[:-1])),
            (_("Met"), tuple(r.cells[-1] for r in met.rows[:-1])),
        ),
    )
    met = TableView(met.id, met.title, met.columns, met.rows, met.note, chart)
    release = CaseKind.RELEASE_SUPPORT.value
    share = c.cell(c.s.get(f.RELEASE_PLAN_SHARE, release), percent=True)
    plans = TableView(
        "release_plans",
        _("Release planning"),
        (_("Clients"),),
        (
            RowView(_("Clients released in the period"), (c.get(f.CLIENTS_RELEASED, release),)),
            RowView(
                ngettext(
                    "with a plan started at least {n} day before release",
                    "with a plan started at least {n} days before release",
                    PLAN_LEAD_DAYS,
                ).format(n=PLAN_LEAD_DAYS),
                (c.get(f.RELEASED_WITH_PLAN, release),),
                indent=True,
            ),
            RowView(
                _("without such a plan"),
                (c.get(f.RELEASED_WITHOUT_PLAN, release),),
                indent=True,
            ),
            RowView(_("Share with an early plan"), (share,), total=True),
        ),
        _("Release-support clients whose actual release date falls in the period."),
    )
    return SectionView(
        "needs",
        _("Needs and release planning"),
        _(
            "Needs counted when they were identified and when they were met; each need "
            "counts, so one client can have several."
        ),
        (identified, met, plans),
    )


def foreign(c: Cells) -> SectionView:
    interpreters = c.breakdown(
        "interpreters",
        _("Clients needing an interpreter, by language group"),
        f.CLIENTS_NEEDING_INTERPRETER,
        "language_group",
        [(g.value, language_group_label(g)) for g in LanguageGroup],
        _("All clients needing an interpreter"),
        all_label=_("All clients"),
        note=_("By the first language listed for the client."),
    )
    consular_rows = [
        RowView(label(o), (c.get(f.CONSULAR_CONTACTS, ALL, "consular_outcome", o.value),))
        for o in ConsularOutcome
    ]
    consular_rows.append(
        RowView(_("All consular contacts"), (c.get(f.CONSULAR_CONTACTS),), total=True)
    )
    consular = TableView(
        "consular", _("Consular contacts by outcome"), (_("Contacts"),), tuple(consular_rows)
    )
    discrimination = TableView(
        "discrimination",
        _("Discrimination"),
        (_("Reports"),),
        (RowView(_("Discrimination reports recorded"), (c.get(f.DISCRIMINATION_REPORTS),)),),
    )
    return SectionView(
        "foreign",
        _("Foreign-inmate indicators"),
        _("Language needs, contact with consulates and reports of discrimination."),
        (interpreters, consular, discrimination),
    )
