"""Nationalities become regions and languages become language groups (DESIGN.md §6).

Regions follow the UN M49 continents, with Europe split the way a Nordic funder reads it:
the Nordic countries (with the Faroe Islands, Greenland, Åland and Svalbard), the rest of
the EU/EEA, and the rest of Europe (M49 Europe outside the EU/EEA: the United Kingdom,
Switzerland, Ukraine, Russia, the Western Balkans…). Turkey, the Caucasus and Cyprus follow
M49 (Western Asia), except that Cyprus, as an EU member, is "other EU/EEA". Codes are
ISO 3166-1 alpha-2; ``XX`` (stateless), a missing code and any unknown code are "stateless or
unknown".

Language groups are by family and region of the client's first-listed language (ISO 639-1,
or 639-3 where there is no two-letter code).
"""

from __future__ import annotations

from enum import StrEnum

from app.kernel.i18n import N_, _


class Region(StrEnum):
    NORDIC = "nordic"
    OTHER_EU_EEA = "other_eu_eea"
    OTHER_EUROPE = "other_europe"
    AFRICA = "africa"
    ASIA = "asia"
    AMERICAS = "americas"
    OCEANIA = "oceania"
    STATELESS_OR_UNKNOWN = "stateless_or_unknown"


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


NORDIC = _codes("DK FI IS NO SE AX FO GL SJ")
#: EU member states and the EEA's Liechtenstein, less the Nordic countries.
OTHER_EU_EEA = _codes("AT BE BG HR CY CZ EE FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES LI")
OTHER_EUROPE = _codes("AD AL BA BY CH GB GG GI IM JE MC MD ME MK RS RU SM UA VA XK")
AFRICA = _codes(
    """DZ EG LY MA SD TN EH BI KM DJ ER ET KE MG MW MU YT MZ RE RW SC SO SS TZ UG ZM ZW IO TF
    AO CM CF TD CG CD GQ GA ST BW SZ LS NA ZA BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL
    TG"""
)
ASIA = _codes(
    """AF AM AZ BH BD BT BN KH CN GE HK IN ID IR IQ IL JP JO KZ KW KG LA LB MO MY MV MN MM NP
    KP OM PK PS PH QA SA SG KR LK SY TW TJ TH TL TR TM AE UZ VN YE"""
)
AMERICAS = _codes(
    """AI AG AR AW BS BB BZ BM BO BQ BV BR CA KY CL CO CR CU CW DM DO EC SV FK GF GD GP GT GY
    HT HN JM MQ MX MS NI PA PY PE PR BL KN LC MF PM VC SX GS SR TT TC US UY VE VG VI"""
)
OCEANIA = _codes(
    """AS AU CK FJ PF GU KI MH FM NR NC NZ NU NF MP PW PG PN WS SB TK TO TV UM VU WF CX CC
    HM"""
)
STATELESS = "XX"

_COUNTRY_REGION: dict[str, Region] = {
    **dict.fromkeys(AFRICA, Region.AFRICA),
    **dict.fromkeys(ASIA, Region.ASIA),
    **dict.fromkeys(AMERICAS, Region.AMERICAS),
    **dict.fromkeys(OCEANIA, Region.OCEANIA),
    **dict.fromkeys(OTHER_EUROPE, Region.OTHER_EUROPE),
    **dict.fromkeys(OTHER_EU_EEA, Region.OTHER_EU_EEA),  # after ASIA: Cyprus is in the EU
    **dict.fromkeys(NORDIC, Region.NORDIC),  # last: Greenland is Nordic here, not Americas
}

REGION_LABELS: dict[Region, str] = {
    Region.NORDIC: N_("Nordic countries"),
    Region.OTHER_EU_EEA: N_("Other EU/EEA"),
    Region.OTHER_EUROPE: N_("Other Europe"),
    Region.AFRICA: N_("Africa"),
    Region.ASIA: N_("Asia"),
    Region.AMERICAS: N_("Americas"),
    Region.OCEANIA: N_("Oceania"),
    Region.STATELESS_OR_UNKNOWN: N_("Stateless or not known"),
}


def region_of(country: str | None) -> Region:
    """The region of an ISO 3166-1 alpha-2 nationality (``None``/``XX``/unknown: stateless)."""
    if not country:
        return Region.STATELESS_OR_UNKNOWN
    return _COUNTRY_REGION.get(country.strip().upper(), Region.STATELESS_OR_UNKNOWN)


class LanguageGroup(StrEnum):
    NORDIC = "nordic"
    SLAVIC = "slavic"
    OTHER_EUROPEAN = "other_european"
    WEST_CENTRAL_ASIAN = "west_central_asian"
    AFRICAN = "african"
    SOUTH_EAST_ASIAN = "south_east_asian"
    OTHER_OR_UNKNOWN = "other_or_unknown"


_LANGUAGE_GROUPS: dict[LanguageGroup, str] = {
    LanguageGroup.NORDIC: "da fi fo is kl nb nn no se sv smj sma smn sms",
    LanguageGroup.SLAVIC: "be bg bs cs hr mk pl ru sk sl sr uk cnr hsb dsb rue szl csb",
    LanguageGroup.OTHER_EUROPEAN: (
        "sq eu ca cy nl en et fr fy gl de el hu ga it lb lt lv mt pt rm ro es gd br co oc rom"
    ),
    LanguageGroup.WEST_CENTRAL_ASIAN: (
        "ar fa he ku ckb kmr ps tr az hy ka uz kk ky tk tg ug prs syr arc"
    ),
    LanguageGroup.AFRICAN: (
        "am ti so sw om ha yo ig wo ln rw rn lg sn zu xh af ff mg ny st tn ts ve ee ak tw bm "
        "kg kr sg aa ber kab"
    ),
    LanguageGroup.SOUTH_EAST_ASIAN: (
        "hi ur bn pa gu ta te kn ml mr ne si sd dv zh ja ko vi th lo km my ms id tl fil mn "
        "bo dz as or yue"
    ),
}
_LANGUAGE_GROUP: dict[str, LanguageGroup] = {
    code: group for group, codes in _LANGUAGE_GROUPS.items() for code in codes.split()
}

LANGUAGE_GROUP_LABELS: dict[LanguageGroup, str] = {
    LanguageGroup.NORDIC: N_("Nordic languages"),
    LanguageGroup.SLAVIC: N_("Slavic languages"),
    LanguageGroup.OTHER_EUROPEAN: N_("Other European languages"),
    LanguageGroup.WEST_CENTRAL_ASIAN: N_("Arabic, Persian, Turkic and related languages"),
    LanguageGroup.AFRICAN: N_("African languages"),
    LanguageGroup.SOUTH_EAST_ASIAN: N_("South and East Asian languages"),
    LanguageGroup.OTHER_OR_UNKNOWN: N_("Other or not recorded"),
}


def first_language(languages: str | None) -> str:
    """The first code of a comma-separated list (``"lt,ru"`` → ``"lt"``)."""
    return (languages or "").split(",", 1)[0].strip().lower()


def language_group(languages: str | None) -> LanguageGroup:
    """The group of the first-listed language."""
    return _LANGUAGE_GROUP.get(first_language(languages), LanguageGroup.OTHER_OR_UNKNOWN)


def region_label(region: Region) -> str:
    return _(REGION_LABELS[region])


def language_group_label(group: LanguageGroup) -> str:
    return _(LANGUAGE_GROUP_LABELS[group])
