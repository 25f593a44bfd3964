"""Consents in the demo: in order for most open cases, a warning on a believable few.

The generator gives each client consents when they first come (some expire after a year or
two, a few are withdrawn) and the rules pass adds those that sent referrals and consular
contacts need. Left at that, the case header would warn on about a third of the open cases:
consents that lapsed years ago on returning clients, drafts of referrals with nobody asking
for consent to share. Real workers renew a consent when the case needs it, so a warning
that shows that often would only teach people to ignore it.

This pass, run after :func:`app.demo.visits_foreign.add_examples`, settles every
client with a case that is not closed:

* most get what their cases need, dated as a worker would have done it: a consent about to
  run out renewed a few weeks before its last day, one that lapsed renewed when the new case
  opened (or on its last day), one that was never asked for given when the need arose (the
  case opening, the first referral); a withdrawal made during the current case is taken
  back out (the client never withdrew), one made before it is followed by a new consent;
* about :data:`WARNING_SHARE` of the open cases keep a reason for the warning: some of the
  gaps the data already had (missing, expired, withdrawn), and consents to case work that run
  out within the warning window; two of them are the demo social worker's, so the warning is
  there to be seen.

Deterministic (its own seeded generator, rows read in a fixed order); a few queries and one
bulk insert in the caller's transaction.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, Engine

from app.demo.core import Writer
from app.features.consent.services.consent import EXPIRY_WARNING_DAYS
from app.models.enums import ConsentScope as Scope
from app.models.enums import LegalBasis
from app.security.permissions import internal

#: The share of open cases whose header warns about consent (missing or expiring soon).
WARNING_SHARE = 0.07
#: How many of the demo social worker's open cases warn (when they have enough of them).
WORKER_WARNINGS = 2
_CASE_WORK, _SHARING, _CONSULAR = (
    Scope.CASE_WORK,
    Scope.SHARING_WITH_PARTNERS,
    Scope.CONSULAR_CONTACT,
)


@dataclass(slots=True)
class _Consent:
    id: str
    given: int  # date ordinals
    expires: int | None
    withdrawn: int | None

    def valid(self, day: int) -> bool:
        return (
            self.given <= day
            and (self.expires is None or day <= self.expires)
            and (self.withdrawn is None or day < self.withdrawn)
        )


@dataclass(slots=True)
class _Client:
    """A client with cases that are not closed: what those cases need, and since when."""

    id: str
    #: per open case: whether it is the demo worker's, and the scopes it needs
    cases: list[tuple[bool, frozenset[Scope]]] = field(default_factory=list)
    worker: str | None = None
    opened: int = 0  # the newest open case's opening
    needs: dict[Scope, int] = field(default_factory=dict)  # scope -> first day it was needed

    def warned(self, scopes: set[Scope]) -> list[bool]:
        """The open cases a warning about ``scopes`` shows on (whether each is the worker's)."""
        return [mine for mine, needs in self.cases if needs & scopes]


@dataclass(frozen=True)
class ConsentStats:
    open_cases: int
    warning_cases: int
    consents_added: int
    withdrawals_taken_back: int
    consents_expiring: int


@internal
def settle_consents(
    engine: Engine, users: dict[str, uuid.UUID], today: date | None = None, *, seed: int = 1
) -> ConsentStats:
    """Run on a demo workspace after the generator and its rules pass (one transaction)."""
    day = (today or date.today()).toordinal()
    rng = random.Random(f"consents-{seed}")  # noqa: S311 - demo data, not security
    with engine.begin() as conn:
        return _Settle(conn, rng, day, users).run()


def _ordinal(value: str | None) -> int | None:
    return None if value is None else date.fromisoformat(value[:10]).toordinal()


class _Settle:
    def __init__(
        self, conn: Connection, rng: random.Random, today: int, users: dict[str, uuid.UUID]
    ) -> None:
        self.conn, self.rng, self.today = conn, rng, today
        self.coordinator, self.worker = users["coordinator"].hex, users["worker"].hex
        self.w = Writer(conn)
        self.soon = today + EXPIRY_WARNING_DAYS
        self.consents: dict[tuple[str, Scope], list[_Consent]] = defaultdict(list)
        self.taken_back: list[tuple[str]] = []
        self.expiring: list[tuple[str, str]] = []

    def run(self) -> ConsentStats:
        clients = self._clients()
        for row in self.conn.exec_driver_sql(
            "SELECT id, person_id, scope, given_on, expires_on, withdrawn_on FROM consents "
            "ORDER BY person_id, given_on, id"
        ):
            given = _ordinal(row[3])
            assert given is not None  # NOT NULL
            self.consents[(row[1], Scope(row[2]))].append(
                _Consent(row[0], given, _ordinal(row[4]), _ordinal(row[5]))
            )
        open_cases = sum(len(c.cases) for c in clients)
        warn = self._choose_warnings(clients, round(open_cases * WARNING_SHARE))
        for client in clients:
            if client.id in warn:
                if not any(self._gap(client, scope) for scope in client.needs):
                    self._expire_soon(client)
            else:
                for scope in sorted(client.needs):
                    self._settle(client, scope)
        self.w.flush()
        if self.taken_back:
            self.conn.exec_driver_sql(
                "UPDATE consents SET withdrawn_on = NULL, updated_at = created_at WHERE id = ?",
                self.taken_back,
            )
        if self.expiring:
            self.conn.exec_driver_sql(
                "UPDATE consents SET expires_on = ? WHERE id = ?", self.expiring
            )
        return ConsentStats(
            open_cases=open_cases,
            warning_cases=sum(warn.values()),
            consents_added=self.w.counts["consents"],
            withdrawals_taken_back=len(self.taken_back),
            consents_expiring=len(self.expiring),
        )

    def _clients(self) -> list[_Client]:
        """Clients with open cases, in reference order, and the scopes their cases need."""
        first_referral: dict[str, str] = dict(
            self.conn.exec_driver_sql(
                "SELECT case_id, min(created_at) FROM referrals GROUP BY case_id"
            ).all()
        )
        clients: dict[str, _Client] = {}
        for case_id, client_id, kind, opened_on, worker in self.conn.exec_driver_sql(
            "SELECT id, client_id, kind, opened_on, worker_id FROM cases "
            "WHERE status != 'closed' ORDER BY reference_year, reference_seq"
        ):
            c = clients.setdefault(client_id, _Client(client_id))
            opened = _ordinal(opened_on)
            assert opened is not None  # NOT NULL
            if opened >= c.opened:
                c.opened, c.worker = opened, worker
            needed = [(_CASE_WORK, opened)]
            if kind == "foreign_inmate":
                needed.append((_CONSULAR, opened))
            referral = _ordinal(first_referral.get(case_id))
            if referral is not None:
                needed.append((_SHARING, referral))
            for scope, since in needed:
                c.needs[scope] = min(c.needs.get(scope, since), since)
            c.cases.append((worker == self.worker, frozenset(scope for scope, _on in needed)))
        return list(clients.values())

    def _gap(self, c: _Client, scope: Scope) -> bool:
        """Whether the header warns about ``scope`` for this client today."""
        valid = [k for k in self.consents[(c.id, scope)] if k.valid(self.today)]
        if not valid:
            return True
        ends = [k.expires for k in valid]
        return None not in ends and max(e for e in ends if e is not None) <= self.soon

    def _choose_warnings(self, clients: list[_Client], target: int) -> dict[str, int]:
        """Clients whose cases keep (or get) a warning, and on how many of their open cases:
        about ``target`` cases in all, two of them the demo worker's; half with the gaps the
        data already had, half with a consent to case work that runs out soon.
        """
        gaps, fine = [], []
        for c in clients:
            missing = {s for s in c.needs if self._gap(c, s)}
            if missing:
                gaps.append((c, c.warned(missing)))
            else:
                fine.append((c, c.warned({_CASE_WORK})))
        chosen: dict[str, int] = {}
        total = 0
        for pool, wanted in (
            ([g for g in gaps if any(g[1])], 1),
            ([f for f in fine if any(f[1])], WORKER_WARNINGS - 1),
            (gaps, target // 2 - 1),
            (fine, target),
        ):
            for c, warned in self.rng.sample(pool, len(pool)):
                if wanted <= 0:
                    break
                if c.id not in chosen and total + len(warned) <= max(target, WORKER_WARNINGS):
                    chosen[c.id] = len(warned)
                    total += len(warned)
                    wanted -= len(warned)
        return chosen

    def _expire_soon(self, c: _Client) -> None:
        """The client's consent to case work runs out within the warning window."""
        valid = [k for k in self.consents[(c.id, _CASE_WORK)] if k.valid(self.today)]
        last = self.today + self.rng.randint(3, EXPIRY_WARNING_DAYS - 2)
        for k in valid:
            k.expires = last
            self.expiring.append((date.fromordinal(last).isoformat(), k.id))

    def _settle(self, c: _Client, scope: Scope) -> None:
        """Make ``scope`` valid today and for the next weeks, dated as a worker would."""
        if not self._gap(c, scope):
            return
        rng, mine = self.rng, self.consents[(c.id, scope)]
        needed = c.needs[scope]
        latest = mine[-1] if mine else None
        if latest is not None and latest.withdrawn is not None and latest.withdrawn > c.opened:
            latest.withdrawn = None  # withdrawn during this case: taken out, never happened
            self.taken_back.append((latest.id,))
            if not self._gap(c, scope):
                return
        if latest is None:
            given = needed - rng.randint(0, 3)  # asked when the need arose
        elif latest.withdrawn is not None:
            given = max(latest.withdrawn + 14, c.opened - rng.randint(0, 5))
        elif latest.expires is not None and latest.expires >= self.today:
            given = latest.expires - rng.randint(EXPIRY_WARNING_DAYS, EXPIRY_WARNING_DAYS + 20)
        else:  # it lapsed: renewed on its last day, or when the client came back
            assert latest.expires is not None
            given = latest.expires - rng.randint(0, 14)
            given = given if given >= c.opened - 30 else c.opened - rng.randint(0, 5)
        given = min(self.today, max(given, latest.given + 1 if latest else given))
        expires = None
        if rng.random() < 0.2 and given + 2 * 365 > self.soon + 90:
            expires = given + 2 * 365
        basis = LegalBasis.CONSENT
        if scope is _CASE_WORK and rng.random() < 0.4:
            basis = LegalBasis.LEGITIMATE_INTERESTS
        by = c.worker or self.coordinator
        consent_id = _new_id(rng)
        mine.append(_Consent(consent_id, given, expires, None))
        recorded = date.fromordinal(max(given, min(needed, self.today))).isoformat()
        self.w.add(
            "consents",
            f"{recorded} {10 + rng.randint(0, 5):02d}:{rng.randint(0, 59):02d}:00.000000",
            by,
            id=consent_id,
            person_id=c.id,
            scope=scope.value,
            legal_basis=basis.value,
            given_on=date.fromordinal(given).isoformat(),
            expires_on=date.fromordinal(expires).isoformat() if expires else None,
            recorded_by=by,
        )


def _new_id(rng: random.Random) -> str:
    """A version-4 UUID as stored (32 hex digits), from the seeded generator."""
    bits = rng.getrandbits(128) & ~(0xF000 << 64 | 0xC000 << 48)
    return f"{bits | 4 << 76 | 0x8000 << 48:032x}"
