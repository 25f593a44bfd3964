"""Names and contact details for demo people: pools of names per origin (made by Faker
once, up front), family names in their feminine forms, ASCII user names, and addresses,
phone numbers, e-mail addresses and national ids that are shaped right and belong to no
one (see :mod:`.demo_content`).
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from faker import Faker

from app.demo.content import CITIES, ORIGINS, Origin, words
from app.demo.weights import Weighted

_ME_MALE = words(
    "Ahmed Mohammed Omar Ali Hassan Yusuf Abdi Mustafa Khalid Ibrahim Mahmoud Samir Tariq "
    "Nasir Farid Hamid Jamal Bilal Rashid Karim Abdullahi Mohamud Said Hussein Idris "
    "Yonas Dawit Tesfaye Ahmad Rahim Zabihullah Naveed Faisal Walid Amanuel Mehdi Reza "
    "Ayoub"
)
_ME_FEMALE = words(
    "Fatima Amina Aisha Hodan Sahra Layla Mariam Nour Hiba Rania Zainab Huda Ifrah Saida "
    "Yasmin Samira Hawa Leila Shirin Zahra Selam Helen Mebrat Asma Farhiya Nasra Parwana"
)
_ME_FAMILY = words(
    "Hassan Ali Mohamed Abdi Warsame Farah Osman Jama Nur Ahmadi Hosseini Rahimi Karimi "
    "Haidari Al-Hassan Al-Khatib Haddad Khalil Mansour Saleh Ibrahim Yousef Abdullah "
    "Tesfay Gebremedhin Berhane Kidane Haile Mahmoud Qasim Jaber Darwish Sharifi Noori "
    "Aden Dahir"
)
_STREETS = words(
    "Storgata|Kirkegata|Skolegata|Parkveien|Strandveien|Jernbanegata|Torggata|Markveien|"
    "Trondheimsveien|Industriveien|Solbakken|Bjørkeveien|Granveien|Furuveien|Eikeveien|"
    "Kongens gate|Dronningens gate|Nedre gate|Sandgata|Fjellveien|Havnegata|Løkkeveien",
    sep="|",
)


_CYRILLIC = dict(
    zip(
        "абвгґдеёєжзиіїйклмнопрстуфхцчшщъыьэюя",
        words(
            "a,b,v,g,g,d,e,e,ie,zh,z,i,i,i,i,k,l,m,n,o,p,r,s,t,u,f,kh,ts,ch,sh,shch,,y,,e,iu,ia",
            ",",
        ),
        strict=True,
    )
)
_SPECIAL = {"ø": "o", "æ": "ae", "ß": "ss", "ł": "l", "đ": "d", "ı": "i", "œ": "oe"}


def asciify(text: str) -> str:
    """Lower-case ASCII letters only (for demo usernames and e-mail addresses)."""
    out = []
    for ch in text.lower():
        ch = _CYRILLIC.get(ch, _SPECIAL.get(ch, ch))
        out.append(unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode())
    return "".join(c for c in "".join(out) if c.isalnum())


def gendered_surname(origin: str, surname: str, female: bool, married: bool = True) -> str:
    """The form of a (male-form) family name for a woman or girl, for languages that have one."""
    if not female:
        return surname
    if origin in ("ru", "uk"):
        for male, fem in (("ский", "ская"), ("цкий", "цкая"), ("ський", "ська"), ("цький", "цька")):
            if surname.endswith(male):
                return surname[: -len(male)] + fem
        if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
            return surname + "а"
    elif origin == "pl":
        for male, fem in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
            if surname.endswith(male):
                return surname[: -len(male)] + fem
    elif origin == "lt":
        for male, wife, girl in (
            ("ius", "ienė", "iūtė"),
            ("as", "ienė", "aitė"),
            ("is", "ienė", "ytė"),
            ("ys", "ienė", "ytė"),
            ("us", "ienė", "ūtė"),
        ):
            if surname.endswith(male):
                return surname[: -len(male)] + (wife if married else girl)
    elif origin == "lv":
        if surname.endswith("š"):
            return surname[:-1] + "a"
        if surname.endswith("is"):
            return surname[:-2] + "e"
        if surname.endswith("s"):
            return surname[:-1] + "a"
    return surname


@dataclass(frozen=True)
class NamePool:
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]  # male forms; see :func:`gendered_surname`


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


#: The names the README's search examples find in the demo: the first man of each of these
#: origins is given them (given name, family name; ``None`` keeps what the pools drew), after
#: the draws, so nothing else in the demo changes. Women and children of his family share it.
EXAMPLE_NAMES: dict[str, tuple[str | None, str | None]] = {
    "ro": ("Ștefan", None),
    "no": ("Ørjan", None),
    "ru": ("Степан", "Иванов"),
}


def build_name_pools(seed: int, size: int) -> tuple[dict[str, NamePool], tuple[str, ...]]:
    """Names per origin and Norwegian street names, made by Faker once, up front.

    Faker is far too slow to call per row at 100,000 cases; pools of a few hundred names
    per origin, combined at random, give plenty of distinct people.
    """
    pools: dict[str, NamePool] = {}
    streets: list[str] = list(_STREETS)
    for index, origin in enumerate(ORIGINS):
        if origin.faker_locale is None:
            pools[origin.key] = NamePool(_ME_MALE, _ME_FEMALE, _ME_FAMILY)
            continue
        fake = Faker(origin.faker_locale)
        fake.seed_instance(seed * 101 + index)
        family = (
            fake.last_name_male if origin.key in ("ru", "uk", "pl", "lt", "lv") else fake.last_name
        )
        pools[origin.key] = NamePool(
            _unique([fake.first_name_male() for _ in range(size)]),
            _unique([fake.first_name_female() for _ in range(size)]),
            _unique([family() for _ in range(size)]),
        )
        if origin.key == "no":
            streets += [fake.street_name() for _ in range(size)]
    return pools, _unique(streets)


def digits(rng: random.Random, pattern: str) -> str:
    """Replace every '#' in ``pattern`` with a random digit."""
    return "".join(str(rng.randrange(10)) if c == "#" else c for c in pattern)


def address(rng: random.Random, streets: Sequence[str]) -> str:
    city, _county, low, high, _weight = _CITY(rng)
    street, number = rng.choice(streets), rng.randint(1, 120)
    return f"{street} {number}, {rng.randint(low, high):04d} {city}"


def phone(rng: random.Random, origin: Origin) -> str:
    """A mobile number: Norwegian, or (for some foreigners) from the home country."""
    r = rng.random()
    if origin.key != "no" and r < 0.4:
        return digits(rng, origin.phone)
    return digits(rng, "+47 9## ## ###" if r < 0.75 else "+47 4## ## ###")


def email(rng: random.Random, given: str, family: str) -> str:
    user = f"{asciify(given)}.{asciify(family)}".strip(".") or "post"
    number = str(rng.randrange(10, 99)) if rng.random() < 0.4 else ""
    return f"{user}{number}@example.{rng.choice(('com', 'net', 'org'))}"


def national_id(rng: random.Random, birth: int, d_number: bool) -> str:
    """Eleven digits shaped like a fødselsnummer (a D-number for foreigners), with a
    deliberately wrong control digit so that no demo number can be a real person's."""
    born = date.fromordinal(birth)
    day = born.day + (40 if d_number else 0)
    nine = f"{day:02d}{born.month:02d}{born.year % 100:02d}{rng.randrange(1000):03d}"
    weights = (3, 7, 6, 1, 8, 9, 4, 5, 2)
    k1 = (11 - sum(int(d) * w for d, w in zip(nine, weights, strict=True)) % 11) % 11
    wrong = (k1 + 1) % 10 if k1 < 10 else rng.randrange(10)
    return f"{nine}{wrong}{rng.randrange(10)}"


_CITY = Weighted([(c, c[4]) for c in CITIES])
