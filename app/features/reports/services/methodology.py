"""The methodology note: how the numbers were counted and protected, in plain language.

Kept next to the counting rules' code (:mod:`.queries`) in spirit: a change to a rule there
must change the sentence here. Pure: no database, no context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.features.reports.services.disclosure import MIN_THRESHOLD
from app.features.reports.services.periods import PeriodKind
from app.features.reports.services.queries import PLAN_LEAD_DAYS
from app.kernel.i18n import _, ngettext

if TYPE_CHECKING:
    from app.features.reports.services.figures import Summary


def methodology(summary: Summary) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(heading, paragraphs) in the active language (the caller sets it for the thread)."""
    k = summary.threshold
    days = ngettext("{n} day before release", "{n} days before release", PLAN_LEAD_DAYS).format(
        n=PLAN_LEAD_DAYS
    )
    privacy = (
        _(
            "This report contains only counts. It holds no names, dates of birth, case "
            "references, addresses, institutions or notes. Ages are shown as age bands, "
            "nationalities as world regions, and dates only as the reporting period."
        ),
        _(
            "The numbers were counted and protected on the organisation's own computer by "
            "Homeward; no record about a person left it."
        ),
    )
    counting = (
        _(
            "Cases: a case is open from the day it was opened until the day it was closed. "
            "Cases opened or closed in the period are counted by their opening or closing "
            "date. Cases waiting to be accepted count as open. Closed cases are broken down "
            "by the reason recorded when they were closed."
        ),
        _(
            "Clients served: a person is served in the period when at least one of their "
            "cases was open on at least one day of it. A person with several cases counts "
            "once in each kind of case and once in the total for all kinds. Gender, "
            "nationality and languages are as recorded today; age is in whole years on the "
            "last day of the period (from the date of birth, or from an estimated birth year, "
            "taken as 1 July)."
        ),
        _(
            "Meetings are counted by the date they took place; hours are the recorded "
            "durations. Meetings recorded by volunteers are those entered by a user who has "
            "the volunteer role. Child visits are counted by their scheduled date when they "
            "were held or cancelled; each child who had a visit held counts once."
        ),
        _(
            "Referrals are counted by the date they were sent (referrals never sent are not "
            "counted), with their outcome as recorded today. Needs are counted when they were "
            "identified and, separately, when they were met."
        ),
        _(
            "Release planning: clients of release-support cases whose actual release date "
            "falls in the period. A plan counts as started early when the case had a task "
            "created at least {days}."
        ).format(days=days),
        _(
            "Foreign-inmate indicators: clients served whose record says they need an "
            "interpreter, grouped by their first language; consular contacts by the date of "
            "contact and their outcome today; discrimination reports by the date reported."
        ),
    )
    protection: tuple[str, ...] = (
        _(
            "Small numbers are hidden so that no one can be recognised. Any count from 1 to "
            "{below} is shown as “<{k}”. Zero is shown as 0."
        ).format(below=k - 1, k=k),
        _(
            "Before anything is hidden, age bands with from 1 to {below} clients in all are "
            "merged with the next older band, and such regions are merged into one row."
        ).format(below=k - 1),
        _(
            "Where a hidden number could be worked out, other numbers are hidden as well and "
            "shown as “*”; a “*” can be any number, zero and small numbers included."
        ),
        _(
            "The numbers were checked against someone who holds this report and every report "
            "exported earlier from this workspace, knows these rules, and knows every way the "
            "numbers are tied together: totals and their parts, each person counted once "
            "across kinds of case, a part never larger than its whole, the cases open at the "
            "start plus those opened minus those closed being the cases open at the end, the "
            "trend's quarters being those quarters' own reports, and a year being its "
            "quarters. Even so, every number shown as “<{k}” could still be any number from "
            "1 to {below}, and every number shown as “*” could still take values at least {k} "
            "apart."
        ).format(k=k, below=k - 1),
        _(
            "Percentages are given only when they are based on at least {k} people and "
            "none of the numbers they come from is hidden."
        ).format(k=k),
        _(
            "The threshold for this report is {k}. A coordinator can raise it; it is never "
            "lower than {minimum}."
        ).format(k=k, minimum=MIN_THRESHOLD),
    )
    protection += _earlier(summary)
    sections = [
        (_("What this report contains"), privacy),
        (_("How the numbers were counted"), counting),
        (_("How small numbers are protected"), protection),
    ]
    trend: tuple[str, ...]
    if summary.trend:
        trend = (
            _(
                "The trend shows the four quarters up to the end of the period. A case open "
                "at the end of one quarter is open at the start of the next."
            ),
        )
    else:
        trend = (
            _(
                "No trend is shown: the period does not begin and end on quarter boundaries, "
                "and overlapping totals in one report could reveal small differences."
            ),
        )
    if summary.period.kind == PeriodKind.RANGE:
        trend += (
            _(
                "Reports for custom periods can be compared with quarterly reports to work "
                "out differences; prefer quarters and years when reports are shared widely."
            ),
        )
    sections.append((_("The trend"), trend))
    return tuple(sections)


def _earlier(summary: Summary) -> tuple[str, ...]:
    """Why this report hides more than it would alone: earlier exports it could be combined
    with."""
    if not summary.earlier:
        return ()
    found = [
        _(
            "This report was checked together with the reports exported earlier for: {periods}."
        ).format(periods=", ".join(summary.earlier))
    ]
    n = summary.hidden_for_earlier
    if n:
        found.append(
            ngettext(
                "{n} number is hidden that this report alone would show, because together "
                "with those reports it would give a hidden number away (for example, a year "
                "minus three of its quarters is the fourth).",
                "{n} numbers are hidden that this report alone would show, because together "
                "with those reports they would give a hidden number away (for example, a "
                "year minus three of its quarters is the fourth).",
                n,
            ).format(n=n)
        )
    if summary.beyond_reach:
        found.append(
            ngettext(
                "{n} small number is already partly known from the earlier reports (a year "
                "count made of two quarters’ “<{k}” is at least 2), or one of them showed it; "
                "hiding it here cannot take that back, and it says no more than they do.",
                "{n} small numbers are already partly known from the earlier reports (a year "
                "count made of two quarters’ “<{k}” is at least 2), or one of them showed them; "
                "hiding them here cannot take that back, and they say no more than those "
                "reports do.",
                summary.beyond_reach,
            ).format(n=summary.beyond_reach, k=summary.threshold)
        )
    if summary.tied_to_earlier:
        found.append(
            ngettext(
                "{n} number is shown as a range, not hidden as “*”: the earlier reports "
                "already fix it that far, up to one “<{k}” number of theirs (for example, a "
                "year whose quarters were published). The range says nothing those reports "
                "do not, and that “<{k}” number stays from 1 to {below}.",
                "{n} numbers are shown as a range, not hidden as “*”: the earlier reports "
                "already fix each of them that far, up to one “<{k}” number of theirs (for "
                "example, a year whose quarters were published). The ranges say nothing those "
                "reports do not, and those “<{k}” numbers stay from 1 to {below}.",
                summary.tied_to_earlier,
            ).format(n=summary.tied_to_earlier, k=summary.threshold, below=summary.threshold - 1)
        )
    return tuple(found)
