"""Demo clients and the people around them: person rows, consents, families, relationships.

A client's person row, consents and family are written with their first case (see
:meth:`~app.demo.rows.CaseRows._case`); children may be added later, when a
child-visits case needs one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.demo import content
from app.demo import names as demo_names
from app.demo import weights as demo_weights
from app.demo.core import YEAR, Client, Core, Plan
from app.models.enums import CaseKind as CK
from app.models.enums import ConsentScope as Scope
from app.models.enums import Gender, LegalBasis
from app.models.enums import RelationshipKind as RK

_NB = "nb"


class People(Core):
    """Writes people and their relationships and consents; used by the case rows."""

    def _person(self, stamp: str, by: str, female: bool, **values: Any) -> None:
        gender = Gender.FEMALE if female else Gender.MALE
        values.setdefault("interpreter_needed", 0)
        self.w.add("people", stamp, by, gender=values.pop("gender", gender).value, **values)

    def _relate(
        self,
        stamp: str,
        by: str,
        person: str,
        related: str,
        kind: str,
        home: bool = False,
        carer: bool = False,
    ) -> None:
        self.w.add(
            "relationships",
            stamp,
            by,
            id=self.new_id(),
            person_id=person,
            related_person_id=related,
            kind=kind,
            lives_together=int(home),
            is_caregiver=int(carer),
        )

    def _make_client(self, c: Client, p: Plan, by: str) -> None:
        rng, r = self.rng, self.rng.random
        key, pool = c.origin.key, self.pools[c.origin.key]
        c.surname = rng.choice(pool.family)
        given = rng.choice(pool.female if c.female else pool.male)
        example = None if c.female else self.example_names.pop(key, None)
        if example is not None:  # the README's search examples (see EXAMPLE_NAMES)
            given, c.surname = example[0] or given, example[1] or c.surname
        family = demo_names.gendered_surname(key, c.surname, c.female, married=r() < 0.6)
        # first thing on the day the case opens: the person, then the case (see _case_row)
        stamp = c.made_at = self.at(p.opened, 8 * 60 + int(r() * 40))
        c.address = demo_names.address(self.rng, self.streets) if r() < 0.55 else None
        norwegian = c.nationality == "NO"
        extra: dict[str, Any] = {"birth_date": self.day(c.birth)}
        if not norwegian and r() < 0.04:  # no papers: only an estimated year of birth
            extra = {"birth_year_estimate": date.fromordinal(c.birth).year}
        if r() < 0.015:
            extra["gender"] = rng.choice((Gender.NON_BINARY, Gender.OTHER, Gender.UNKNOWN))
        if r() < 0.05:
            extra["preferred_name"] = rng.choice(pool.female if c.female else pool.male)
        if r() < (0.9 if norwegian else 0.35):
            extra["national_id"] = demo_names.national_id(self.rng, c.birth, not norwegian)
        if r() < 0.06:
            extra["notes"] = rng.choice(content.PERSON_NOTES)
        self._person(
            stamp,
            by,
            c.female,
            id=c.id,
            given_name=given,
            family_name=family,
            nationality=c.nationality,
            country_of_origin=c.country_of_origin,
            languages=c.languages,
            interpreter_needed=int(c.interpreter),
            address=c.address,
            phone=demo_names.phone(self.rng, c.origin) if r() < 0.55 else None,
            email=demo_names.email(self.rng, given, family) if r() < 0.3 else None,
            **extra,
        )
        self._consents(c, p, by)
        if c.family:
            self._family(c, p, by, stamp)
        if self.made and r() < 0.08:  # a sibling or partner who is a client too
            other = self.made[int(r() * len(self.made))]
            self._relate(stamp, by, c.id, other.id, rng.choice((RK.SIBLING, RK.PARTNER)).value)
        self.made.append(c)
        c.made = True

    def _consents(self, c: Client, p: Plan, by: str) -> None:
        rng, r = self.rng, self.rng.random
        given = p.opened - rng.randint(0, 7)
        shares = (
            (Scope.SHARING_WITH_PARTNERS, 0.75),
            (Scope.STATISTICS, 0.55),
            (Scope.CONSULAR_CONTACT, 0.7 if c.nationality != "NO" else 0.0),
        )
        extra = [scope for scope, share in shares if r() < share]
        rng.shuffle(extra)
        for scope in (Scope.CASE_WORK, *extra[:2]):
            basis = LegalBasis.CONSENT
            if scope is Scope.CASE_WORK and r() < 0.4:
                basis = LegalBasis.LEGITIMATE_INTERESTS
            expires = given + rng.choice((YEAR, 2 * YEAR)) if r() < 0.25 else None
            withdrawn = None
            if r() < 0.05 and given + 10 < self.today:
                withdrawn = self.between(given + 10, self.today)
            c.sharing |= scope is Scope.SHARING_WITH_PARTNERS and withdrawn is None
            stamp = self.at(p.opened, 600 + int(r() * 300))  # recorded with the new client
            self.w.add(
                "consents",
                stamp,
                by,
                id=self.new_id(),
                person_id=c.id,
                scope=scope.value,
                legal_basis=basis.value,
                given_on=self.day(given),
                expires_on=self.day(expires),
                withdrawn_on=self.day(withdrawn),
                recorded_by=by,
                updated_at=self.at(withdrawn, 600) if withdrawn else stamp,
            )

    def _family(self, c: Client, p: Plan, by: str, stamp: str) -> None:
        """Partner, children and the children's caregiver: people and relationships."""
        rng, r = self.rng, self.rng.random
        kids = (
            demo_weights.CHILDREN_IN_VISIT_CASE
            if p.kind is CK.CHILD_VISITS
            else demo_weights.CHILDREN
        )(rng)
        if r() < 0.35:
            key = c.origin.key if r() < 0.8 else "no"
            pool, female = self.pools[key], c.female if r() < 0.05 else not c.female
            surname = c.surname if key == c.origin.key and r() < 0.6 else rng.choice(pool.family)
            birth = min(c.birth + rng.randint(-6 * YEAR, 6 * YEAR), p.opened - 19 * YEAR)
            partner, home = (
                self.new_id(),
                demo_names.address(self.rng, self.streets) if r() < 0.9 else None,
            )
            given = rng.choice(pool.female if female else pool.male)
            family = demo_names.gendered_surname(key, surname, female)
            local = key == "no"
            self._person(
                stamp,
                by,
                female,
                id=partner,
                given_name=given,
                family_name=family,
                birth_date=self.day(birth),
                nationality="NO" if local else c.nationality,
                country_of_origin="NO" if local else c.country_of_origin,
                languages=_NB if local else c.languages,
                address=home,
                phone=demo_names.phone(self.rng, c.origin) if r() < 0.85 else None,
                email=demo_names.email(self.rng, given, family) if r() < 0.4 else None,
            )
            self._relate(stamp, by, c.id, partner, RK.PARTNER.value)
            if kids and r() < 0.85:
                c.carer, c.carer_kind, c.address = partner, RK.PARENT.value, c.address or home
        if kids and c.carer is None:
            if r() < 0.4:  # the client's mother looks after the children
                mother, pool = self.new_id(), self.pools[c.origin.key]
                self._person(
                    stamp,
                    by,
                    True,
                    id=mother,
                    given_name=rng.choice(pool.female),
                    family_name=demo_names.gendered_surname(c.origin.key, c.surname, True),
                    birth_date=self.day(c.birth - rng.randint(19 * YEAR, 35 * YEAR)),
                    nationality=c.nationality,
                    country_of_origin=c.country_of_origin,
                    languages=c.languages,
                    interpreter_needed=int(c.interpreter),
                    phone=demo_names.phone(self.rng, c.origin),
                    address=demo_names.address(self.rng, self.streets),
                )
                self._relate(stamp, by, c.id, mother, RK.PARENT.value)
                c.carer, c.carer_kind = mother, RK.GUARDIAN.value
            else:
                c.carer_name = rng.choice(content.ACCOMPANYING_NAMES[1:])
        for _i in range(kids):
            self._child(c, p, by, stamp)
        if c.children:
            self.parents.append(c)

    def _child(self, c: Client, p: Plan, by: str, stamp: str) -> None:
        rng, r = self.rng, self.rng.random
        low, high = max(p.opened - 17 * YEAR, c.birth + 18 * YEAR), p.opened - 60
        if low > high:
            return
        birth, female, child = self.between(low, high), r() < 0.5, self.new_id()
        key, pool = c.origin.key, self.pools[c.origin.key]
        nationality = "NO" if c.nationality == "NO" or r() < 0.5 else c.nationality
        national_id = (
            demo_names.national_id(self.rng, birth, False)
            if nationality == "NO" and r() < 0.9
            else None
        )
        self._person(
            stamp,
            by,
            female,
            id=child,
            given_name=rng.choice(pool.female if female else pool.male),
            family_name=demo_names.gendered_surname(key, c.surname, female, married=False),
            birth_date=self.day(birth),
            nationality=nationality,
            country_of_origin=c.country_of_origin,
            address=c.address,
            national_id=national_id,
            languages=_NB if key == "no" else f"{c.languages.split(',')[0]},nb",
        )
        self._relate(stamp, by, c.id, child, RK.CHILD.value)
        if c.carer is not None:
            self._relate(stamp, by, child, c.carer, c.carer_kind, home=True, carer=True)
        c.children.append((child, birth))
